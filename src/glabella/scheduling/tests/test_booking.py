"""Booking an appointment: who may, what a booking saves and audits, each refusal (which
saves nothing), and the links that lead to the page."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from glabella.audit.models import Action, AuditEvent
from glabella.patients.models import Patient
from glabella.scheduling.forms import first_weekday_after
from glabella.scheduling.models import Appointment, AppointmentKind, AppointmentStatus
from glabella.scheduling.services import book_appointment
from glabella.testing import client_as, signed_botox

pytestmark = pytest.mark.django_db

PERSONAS = ["director", "injector", "front_desk", "other_director", "no_role", "anonymous"]
# A Wednesday morning; the next weekday is Thursday 19 November.
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
TODAY, THURSDAY = date(2026, 11, 18), date(2026, 11, 19)


@pytest.fixture(autouse=True)
def frozen(time_machine) -> None:  # type: ignore[no-untyped-def]
    time_machine.move_to(NOW, tick=False)


def _url(patient: Patient, query: str = "") -> str:
    return f"/staff/patients/{patient.public_id}/appointments/new/{query}"


def _form(**changes: Any) -> dict[str, Any]:
    """A valid booking: a 30-minute treatment with nurse-ben on Thursday at 09:00."""
    return {
        "kind": "treatment",
        "injector": "nurse-ben",
        "date": "2026-11-19",
        "time": "09:00",
        "duration_minutes": "30",
        "note": "Prefers the window seat.",
        **changes,
    }


def _state() -> tuple[list[tuple[Any, ...]], int]:
    rows = list(Appointment.objects.values_list("kind", "status", "starts_at", "injector"))
    return rows, AuditEvent.objects.filter(object_type="scheduling.appointment").count()


def _creates() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=Action.CREATE, object_type__contains="appoint"))


# --- who may book ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("director", 200),
        ("injector", 200),
        ("front_desk", 200),
        ("other_director", 404),
        ("no_role", 404),
        ("anonymous", 302),
    ],
)
def test_who_may_open_the_booking_page(request, dora, injector, persona, expected):
    response = client_as(request, persona).get(_url(dora))
    assert response.status_code == expected
    if persona == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("director", 302),
        ("injector", 302),
        ("front_desk", 302),
        ("other_director", 404),
        ("no_role", 404),
        ("anonymous", 302),
    ],
)
def test_who_may_book_and_refused_requests_change_nothing(
    request, dora, injector, persona, expected
):
    response = client_as(request, persona).post(_url(dora), _form())
    assert response.status_code == expected
    if persona in {"other_director", "no_role", "anonymous"}:
        assert _state() == ([], 0)
        assert AuditEvent.objects.filter(action=Action.CREATE).count() == 0
    else:
        assert Appointment.objects.get().status == AppointmentStatus.BOOKED
    if persona == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


def test_another_clinics_patient_is_not_found(request, bob, director, injector):
    client = client_as(request, "director")
    assert client.get(_url(bob)).status_code == 404
    assert client.post(_url(bob), _form()).status_code == 404
    assert _state() == ([], 0)


# --- the empty form --------------------------------------------------------------------------


def test_the_form_starts_on_the_next_weekday_at_nine_with_the_kinds_length(request, dora, injector):
    response = client_as(request, "front_desk").get(_url(dora, "?kind=review"))
    form = response.context["form"]
    assert form.initial == {
        "kind": AppointmentKind.REVIEW,
        "date": THURSDAY,
        "time": time(9, 0),
        "duration_minutes": 15,
        "injector": "",
    }
    assert list(form.fields["injector"].choices) == [
        ("", "Choose an injector"),
        ("nurse-ben", "nurse-ben"),
    ]
    html = response.content.decode()
    assert '<option value="review" selected>' in html
    assert 'value="2026-11-19"' in html
    assert 'value="09:00"' in html


def test_an_unknown_kind_in_the_link_falls_back_to_a_treatment(request, dora, injector):
    response = client_as(request, "front_desk").get(_url(dora, "?kind=facelift"))
    assert response.context["form"].initial["kind"] == AppointmentKind.TREATMENT
    assert response.context["form"].initial["duration_minutes"] == 30


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 18), date(2026, 11, 19)),  # Wednesday → Thursday
        (date(2026, 11, 20), date(2026, 11, 23)),  # Friday → Monday
        (date(2026, 11, 21), date(2026, 11, 23)),  # Saturday → Monday
        (date(2026, 11, 22), date(2026, 11, 23)),  # Sunday → Monday
    ],
)
def test_the_next_weekday_skips_the_weekend(today, expected):
    assert first_weekday_after(today) == expected


# --- a booking -------------------------------------------------------------------------------


def test_the_front_desk_books_one_appointment_with_one_audit_event(
    request, dora, injector, front_desk
):
    response = client_as(request, "front_desk").post(_url(dora), _form())
    assert response.status_code == 302
    assert response["Location"] == "/staff/appointments/?clinic=north&date=2026-11-19"
    booked = Appointment.objects.get()
    assert (booked.patient, booked.clinic, booked.injector) == (dora, dora.clinic, injector)
    assert (booked.kind, booked.status) == (AppointmentKind.TREATMENT, AppointmentStatus.BOOKED)
    assert booked.starts_at == datetime(2026, 11, 19, 9, 0, tzinfo=UTC)
    assert (booked.duration_minutes, booked.note) == (30, "Prefers the window seat.")
    assert (booked.created_by, booked.follows) == (front_desk, None)
    [event] = _creates()
    assert (event.actor, event.clinic, event.object_id) == (
        front_desk,
        dora.clinic,
        str(booked.public_id),
    )
    assert event.patient_id == dora.public_id
    assert event.detail == {
        "kind": "treatment",
        "status": "booked",
        "starts_at": "2026-11-19T09:00:00+00:00",
        "injector": "nurse-ben",
    }


def test_an_empty_length_takes_the_kinds_usual_length(request, dora, injector):
    client_as(request, "front_desk").post(_url(dora), _form(kind="touch_up", duration_minutes=""))
    assert Appointment.objects.get().duration_minutes == 15


def test_the_booking_shows_on_the_day_sheet(request, dora, injector):
    client = client_as(request, "front_desk")
    response = client.post(_url(dora), _form(), follow=True)
    html = response.content.decode()
    assert "Booked Dora Plain&#x27;s treatment on 2026-11-19 at 09:00 (30 min) with nurse-ben." in (
        html
    )
    [group] = response.context["groups"]
    assert group.name == "nurse-ben"
    assert [row.appointment.patient for row in group.rows] == [dora]
    assert "Dora Plain" in html


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date": "2026-11-18", "time": "09:30"}, "time", "That time has passed"),
        ({"date": "2026-11-17"}, "time", "That time has passed"),
        ({"injector": "nobody"}, "injector", "Choose one of the injectors of this clinic."),
        ({"injector": "desk-cat"}, "injector", "Choose one of the injectors of this clinic."),
        ({"injector": "dr-ada"}, "injector", "Choose one of the injectors of this clinic."),
        ({"duration_minutes": "0"}, "duration_minutes", "An appointment lasts from 5 to 240"),
        ({"duration_minutes": "500"}, "duration_minutes", "An appointment lasts from 5 to 240"),
        ({"time": ""}, "time", "This field is required."),
    ],
)
def test_a_refused_booking_shows_the_field_error_and_saves_nothing(
    request, dora, injector, director, front_desk, changes, field, message
):
    response = client_as(request, "front_desk").post(_url(dora), _form(**changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert errors[field][0].startswith(message)
    assert "Nothing was booked. Correct the fields marked below." in response.content.decode()
    assert _state() == ([], 0)


def test_an_overlap_with_the_injectors_booked_review_is_refused(request, dora, injector):
    signed = signed_botox(dora, by=injector, days_ago=0)  # proposes the review on 2 December
    review = Appointment.objects.get(follows=signed)
    review.starts_at = datetime(2026, 11, 19, 9, 20, tzinfo=UTC)
    review.status = AppointmentStatus.BOOKED
    review.save(update_fields=["starts_at", "status"])
    before = _state()
    response = client_as(request, "front_desk").post(_url(dora), _form())
    assert response.context["form"].errors == {
        "time": ["nurse-ben already has an appointment from 09:20 to 09:35."]
    }
    assert _state() == before


def test_back_to_back_and_cancelled_appointments_do_not_block(request, dora, injector):
    _appointment(dora, injector, datetime(2026, 11, 19, 8, 30, tzinfo=UTC))  # ends at 09:00
    _appointment(
        dora, injector, datetime(2026, 11, 19, 9, 0, tzinfo=UTC), AppointmentStatus.CANCELLED
    )
    response = client_as(request, "front_desk").post(_url(dora), _form())
    assert response.status_code == 302
    assert Appointment.objects.filter(status=AppointmentStatus.BOOKED).count() == 2


@pytest.mark.usefixtures("round_the_clock")
def test_a_booking_across_midnight_blocks_the_next_mornings_first_hour(request, dora, injector):
    client = client_as(request, "front_desk")
    late = _form(time="23:30", duration_minutes="60")  # Thursday 23:30 to Friday 00:30
    assert client.post(_url(dora), late).status_code == 302
    before = _state()
    response = client.post(_url(dora), _form(date="2026-11-20", time="00:00"))
    assert response.context["form"].errors == {
        "time": ["nurse-ben already has an appointment from 23:30 to 00:30."]
    }
    assert _state() == before


@pytest.mark.usefixtures("round_the_clock")
def test_the_service_refuses_the_second_of_a_pair_across_midnight(dora, injector, front_desk):
    first = {"kind": "treatment", "injector": injector, "duration_minutes": 60}
    book_appointment(
        dora, {**first, "starts_at": datetime(2026, 11, 19, 23, 30, tzinfo=UTC)}, by=front_desk
    )
    second = {"kind": "treatment", "injector": injector}
    with pytest.raises(ValidationError) as refused:
        book_appointment(
            dora, {**second, "starts_at": datetime(2026, 11, 20, tzinfo=UTC)}, by=front_desk
        )
    assert refused.value.message_dict == {
        "starts_at": ["nurse-ben already has an appointment from 23:30 to 00:30."]
    }
    assert Appointment.objects.count() == 1


@pytest.mark.usefixtures("round_the_clock")
def test_a_booking_just_after_one_across_midnight_is_accepted(request, dora, injector):
    client = client_as(request, "front_desk")
    client.post(_url(dora), _form(time="23:30", duration_minutes="60"))
    response = client.post(_url(dora), _form(date="2026-11-20", time="00:30"))
    assert response.status_code == 302
    assert Appointment.objects.filter(status=AppointmentStatus.BOOKED).count() == 2


def test_two_bookings_apart_on_the_same_day_are_both_accepted(request, dora, injector):
    client = client_as(request, "front_desk")
    assert client.post(_url(dora), _form(time="09:00")).status_code == 302  # until 09:30
    assert client.post(_url(dora), _form(time="11:00")).status_code == 302
    starts = Appointment.objects.order_by("starts_at").values_list("starts_at", flat=True)
    assert list(starts) == [
        datetime(2026, 11, 19, 9, 0, tzinfo=UTC),
        datetime(2026, 11, 19, 11, 0, tzinfo=UTC),
    ]


def _appointment(patient, injector, starts_at, status=AppointmentStatus.BOOKED):  # type: ignore[no-untyped-def]
    return Appointment.objects.create(
        clinic=patient.clinic,
        patient=patient,
        injector=injector,
        kind=AppointmentKind.TREATMENT,
        starts_at=starts_at,
        duration_minutes=30,
        status=status,
    )


# --- the service directly (what the form cannot send) ----------------------------------------


def _data(injector: Any, **changes: Any) -> dict[str, Any]:
    return {
        "kind": AppointmentKind.REVIEW,
        "starts_at": datetime(2026, 11, 19, 9, 0, tzinfo=UTC),
        "injector": injector,
        **changes,
    }


@pytest.mark.parametrize(
    ("persona", "changes", "field"),
    [
        ("front_desk", {}, "injector"),
        ("other_director", {}, "injector"),
        ("injector", {"starts_at": datetime(2026, 11, 19, 9, 0)}, "starts_at"),  # naive  # noqa: DTZ001
        ("injector", {"starts_at": datetime(2026, 11, 18, 9, 59, tzinfo=UTC)}, "starts_at"),
        ("injector", {"duration_minutes": 4}, "duration_minutes"),
        ("injector", {"duration_minutes": 241}, "duration_minutes"),
        ("injector", {"kind": "facelift"}, "kind"),
        ("injector", {"note": "x" * 301}, "note"),
    ],
)
def test_the_service_refuses_with_a_field_error(request, dora, front_desk, persona, changes, field):
    chosen = request.getfixturevalue(persona)
    with pytest.raises(ValidationError) as refused:
        book_appointment(dora, _data(chosen, **changes), by=front_desk)
    assert list(refused.value.message_dict) == [field]
    assert _state() == ([], 0)


def test_the_service_uses_the_kinds_length_and_may_follow_the_patients_treatment(
    dora, injector, front_desk
):
    signed = signed_botox(dora, by=injector, days_ago=0)
    booked = book_appointment(dora, _data(injector, follows=signed), by=front_desk)
    assert (booked.duration_minutes, booked.follows, booked.note) == (15, signed, "")


def test_the_service_refuses_to_follow_another_patients_treatment(
    dora, alice, injector, front_desk
):
    signed = signed_botox(dora, by=injector, days_ago=0)
    before = _state()
    with pytest.raises(ValidationError) as refused:
        book_appointment(alice, _data(injector, follows=signed), by=front_desk)
    assert refused.value.message_dict == {
        "follows": ["The treatment it follows must be this patient's."]
    }
    assert _state() == before


# --- the links to the page -------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["director", "injector", "front_desk"])
def test_the_patient_page_offers_booking(request, dora, persona):
    response = client_as(request, persona).get(f"/staff/patients/{dora.public_id}/")
    assert f'href="{_url(dora)}">Book an appointment</a>' in response.content.decode()


def test_each_recall_row_links_to_booking_a_treatment(request, dora, injector):
    signed_botox(dora, by=injector, days_ago=95)  # the window opened (the label's 90 days)
    page = client_as(request, "front_desk").get("/staff/recall/?clinic=north").content.decode()
    # A small GET form (a button, not a link) whose submission is the booking page's URL.
    assert (
        f'<form method="get" action="{_url(dora)}">'
        '<input type="hidden" name="kind" value="treatment">'
        '<button type="submit" class="button-secondary" aria-label="Book Dora Plain">Book</button>'
    ) in page
