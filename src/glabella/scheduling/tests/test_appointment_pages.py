"""The front desk's appointments page: who may use it, what it shows, the status buttons,
their refusals, and the audit trail they leave."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from glabella.accounts.models import Membership, Role
from glabella.audit.models import Action, AuditEvent
from glabella.patients.models import Patient
from glabella.scheduling import services
from glabella.scheduling.models import Appointment, AppointmentStatus
from glabella.testing import at, client_as, make_appointment, make_staff, signed_botox

pytestmark = pytest.mark.django_db

URL = "/staff/appointments/"
PERSONAS = ["director", "injector", "front_desk", "other_director", "no_role", "anonymous"]
# A Wednesday morning; the two-week review of a treatment signed now falls on 2 December.
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
TODAY, REVIEW_DAY = date(2026, 11, 18), date(2026, 12, 2)


@pytest.fixture(autouse=True)
def frozen(time_machine) -> None:  # type: ignore[no-untyped-def]
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def second_injector(clinic):  # type: ignore[no-untyped-def]
    return make_staff("nurse-amy", clinic, Role.INJECTOR, first_name="Amy", last_name="Adams")


@pytest.fixture
def carol(clinic):  # type: ignore[no-untyped-def]
    """Another patient of the clinic, whose visits fill the injector's diary."""
    return Patient.objects.create(
        clinic=clinic, first_name="Carol", last_name="Plain", date_of_birth=date(1990, 3, 3)
    )


def _post(client: Client, appointment: Appointment, status: str, **extra):  # type: ignore[no-untyped-def]
    url = f"{URL}{appointment.public_id}/status/"
    return client.post(url, {"status": status, **extra.pop("data", {})}, **extra)


def _changes(appointment: Appointment) -> list[dict]:
    events = AuditEvent.objects.filter(action=Action.CHANGE, object_id=str(appointment.public_id))
    return [e.detail for e in events.order_by("id")]


def _views() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=Action.VIEW, object_type="scheduling.day"))


# --- who may use the page ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"), list(zip(PERSONAS, [200, 200, 200, 404, 403, 302], strict=True))
)
def test_reading_the_day_by_role(request, clinic, dora, persona: str, status: int) -> None:  # type: ignore[no-untyped-def]
    make_appointment(dora, at(TODAY, 11))

    response = client_as(request, persona).get(f"{URL}?clinic=north")

    assert response.status_code == status
    if status == 200:
        assert "Dora Plain" in response.content.decode()
        assert len(_views()) == 1
    else:
        assert _views() == []
    if status == 302:
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    ("persona", "status"), list(zip(PERSONAS, [302, 302, 302, 404, 404, 302], strict=True))
)
def test_changing_a_status_by_role(request, clinic, dora, persona: str, status: int) -> None:  # type: ignore[no-untyped-def]
    appointment = make_appointment(dora, at(TODAY, 11), status=AppointmentStatus.PROPOSED)

    response = _post(client_as(request, persona), appointment, "booked")

    assert response.status_code == status
    appointment.refresh_from_db()
    if persona in ("director", "injector", "front_desk"):
        assert response["Location"] == f"{URL}?clinic=north&date=2026-11-18"
        assert appointment.status == AppointmentStatus.BOOKED
        assert _changes(appointment) == [{"status": "booked"}]
    else:
        assert appointment.status == AppointmentStatus.PROPOSED
        assert _changes(appointment) == []
    if persona == "anonymous":
        assert response["Location"].startswith("/accounts/login/?next=")


def test_the_status_route_takes_posts_only(client: Client, front_desk, dora) -> None:
    appointment = make_appointment(dora, at(TODAY, 11))
    client.force_login(front_desk)

    assert client.get(f"{URL}{appointment.public_id}/status/").status_code == 405


def test_another_clinics_staff_see_only_their_own_clinic(
    client: Client, other_director, dora, bob
) -> None:
    make_appointment(dora, at(TODAY, 11))
    make_appointment(bob, at(TODAY, 12))
    client.force_login(other_director)

    page = client.get(URL).content.decode()

    assert "Bob Otherclinic" in page
    assert "Dora" not in page
    assert _views()[0].clinic.slug == "south"


def test_someone_at_two_clinics_chooses_one_first(client: Client, director, other_clinic) -> None:
    Membership.objects.create(user=director, clinic=other_clinic, role=Role.FRONT_DESK)
    client.force_login(director)

    choice = client.get(URL)
    south = client.get(f"{URL}?clinic=south")

    assert [c.slug for c in choice.context["clinic_choices"]] == ["north", "south"]
    assert '<a href="?clinic=south">Clinic south</a>' in choice.content.decode()
    assert south.context["clinic"] == other_clinic
    assert [e.clinic for e in _views()] == [other_clinic]


def test_another_clinics_appointment_is_not_found(client: Client, director, bob) -> None:
    theirs = make_appointment(bob, at(TODAY, 12), status=AppointmentStatus.PROPOSED)
    client.force_login(director)

    response = _post(client, theirs, "booked")
    htmx = _post(client, theirs, "cancelled", HTTP_HX_REQUEST="true")

    assert response.status_code == htmx.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == AppointmentStatus.PROPOSED
    assert not AuditEvent.objects.filter(object_id=str(theirs.public_id)).exists()


def test_the_navigation_links_to_the_page_for_staff_only(
    client: Client, front_desk, no_role
) -> None:
    client.force_login(front_desk)
    assert f'<a href="{URL}">Appointments</a>' in client.get(URL).content.decode()

    client.force_login(no_role)
    assert "Appointments</a>" not in client.get("/").content.decode()


# --- the review that signing proposes ------------------------------------------------------


def test_the_review_proposed_on_signing_is_to_confirm_and_can_be_booked(
    client: Client, front_desk, injector, dora
) -> None:
    record = signed_botox(dora, by=injector)
    review = Appointment.objects.get(follows=record)
    client.force_login(front_desk)

    before = client.get(f"{URL}?clinic=north")
    assert [row.appointment for row in before.context["to_confirm"]] == [review]
    page = before.content.decode()
    assert "Proposed — to confirm (1)" in page
    assert "Wed 2026-12-02" in page
    assert '<time datetime="2026-12-02T10:00:00+00:00">10:00</time>' in page
    assert '<time datetime="2026-12-02T10:15:00+00:00">10:15</time>' in page
    assert "Treatment of 2026-11-18" in page
    assert f'href="/staff/patients/{dora.public_id}/">Dora Plain</a>' in page

    response = _post(client, review, "booked", data={"date": "2026-11-18", "section": "confirm"})

    assert response.status_code == 302
    assert response["Location"] == f"{URL}?clinic=north&date=2026-11-18"
    review.refresh_from_db()
    assert review.status == AppointmentStatus.BOOKED
    after = client.get(response["Location"])
    assert after.context["to_confirm"] == []
    assert [str(m) for m in after.context["messages"]] == [
        "Dora Plain's two-week review on 2026-12-02 at 10:00: booked."
    ]


def test_the_booked_review_shows_on_its_day_under_its_injector(
    client: Client, front_desk, injector, dora
) -> None:
    review = Appointment.objects.get(follows=signed_botox(dora, by=injector))
    client.force_login(front_desk)
    _post(client, review, "booked")

    response = client.get(f"{URL}?clinic=north&date=2026-12-02")

    [group] = response.context["groups"]
    assert group.name == "nurse-ben"
    # Two weeks ahead: it can only be cancelled (no arrival, no no-show before its time).
    assert [(row.appointment, [s.label for s in row.steps]) for row in group.rows] == [
        (review, ["Cancel"])
    ]
    page = response.content.decode()
    assert "Wednesday 2 December 2026" in page
    assert "Two-week review" in page
    assert "15 min" in page


def test_the_front_desk_does_not_get_a_link_into_the_clinical_record(
    client: Client, front_desk, injector, dora
) -> None:
    signed_botox(dora, by=injector)
    client.force_login(front_desk)

    page = client.get(URL).content.decode()

    assert "Treatment of 2026-11-18" in page
    assert "/staff/treatments/" not in page


def test_the_review_takes_the_nearest_free_time_when_its_hour_is_taken(
    injector, second_injector, dora, carol
) -> None:
    make_appointment(carol, at(REVIEW_DAY, 10), injector=injector)  # 10:00 to 10:30
    make_appointment(carol, at(REVIEW_DAY, 9, 45), injector=second_injector)  # not hers
    make_appointment(
        carol, at(REVIEW_DAY, 9, 30), injector=injector, status=AppointmentStatus.CANCELLED
    )

    review = Appointment.objects.get(follows=signed_botox(dora, by=injector))

    assert (review.starts_at, review.status) == (at(REVIEW_DAY, 9, 45), AppointmentStatus.PROPOSED)


def test_the_review_moves_to_the_next_working_day_when_its_day_is_full(
    injector, dora, carol
) -> None:
    for hour in (9, 13):  # 09:00 to 17:00
        long_visit = make_appointment(carol, at(REVIEW_DAY, hour), injector=injector)
        long_visit.duration_minutes = 240
        long_visit.save()  # save() keeps the stored end in step
    make_appointment(carol, at(REVIEW_DAY, 17), injector=injector, kind="review")

    review = Appointment.objects.get(follows=signed_botox(dora, by=injector))

    assert review.starts_at == at(REVIEW_DAY + timedelta(days=1), 10)


def test_confirming_a_review_that_clashes_is_refused_and_changes_nothing(
    client: Client, front_desk, injector, dora, carol
) -> None:
    review = Appointment.objects.get(follows=signed_botox(dora, by=injector))
    assert review.starts_at == at(REVIEW_DAY, 10)
    make_appointment(carol, at(REVIEW_DAY, 9, 45), injector=injector)  # 09:45 to 10:15
    client.force_login(front_desk)
    message = "nurse-ben already has an appointment from 09:45 to 10:15."

    page = _post(client, review, "booked", data={"section": "confirm"}, follow=True)
    htmx = _post(client, review, "booked", data={"section": "confirm"}, HTTP_HX_REQUEST="true")

    assert f'<li class="form-error" role="status">{message}</li>' in page.content.decode()
    assert f'<p class="form-error" role="alert">{message}</p>' in htmx.content.decode()
    review.refresh_from_db()
    assert review.status == AppointmentStatus.PROPOSED
    assert _changes(review) == []
    assert [r.appointment for r in page.context["to_confirm"]] == [review]


@pytest.mark.usefixtures("round_the_clock")
def test_the_service_refuses_to_confirm_a_clash(front_desk, injector, dora, carol) -> None:
    proposal = make_appointment(
        dora, at(TODAY, 23, 45), injector=injector, status=AppointmentStatus.PROPOSED
    )
    make_appointment(carol, at(TODAY + timedelta(days=1), 0), injector=injector)

    with pytest.raises(ValidationError) as refused:
        services.set_status(proposal, AppointmentStatus.BOOKED, by=front_desk)

    assert refused.value.message_dict == {
        "starts_at": ["nurse-ben already has an appointment from 00:00 to 00:30."]
    }
    proposal.refresh_from_db()
    assert proposal.status == AppointmentStatus.PROPOSED


def test_a_proposal_that_clashes_may_still_be_cancelled(front_desk, injector, dora, carol) -> None:
    proposal = make_appointment(
        dora, at(TODAY, 11), injector=injector, status=AppointmentStatus.PROPOSED
    )
    make_appointment(carol, at(TODAY, 11), injector=injector)

    services.set_status(proposal, AppointmentStatus.CANCELLED, by=front_desk)

    proposal.refresh_from_db()
    assert proposal.status == AppointmentStatus.CANCELLED


# --- the status buttons ----------------------------------------------------------------------


def test_a_visit_goes_from_booked_to_arrived_to_completed(client: Client, front_desk, dora) -> None:
    appointment = make_appointment(dora, at(TODAY, 11))
    client.force_login(front_desk)

    for status in ("arrived", "completed"):
        assert _post(client, appointment, status).status_code == 302

    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.COMPLETED
    assert _changes(appointment) == [{"status": "arrived"}, {"status": "completed"}]
    [group] = client.get(URL).context["groups"]
    assert group.rows[0].steps == []  # a finished visit offers no more buttons


def test_htmx_gets_only_the_changed_row(client: Client, front_desk, dora) -> None:
    appointment = make_appointment(dora, at(TODAY, 11), status=AppointmentStatus.PROPOSED)
    client.force_login(front_desk)

    response = _post(
        client, appointment, "booked", data={"section": "confirm"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    row = response.content.decode()
    assert row.strip().startswith(f'<tr id="confirm-{appointment.public_id}">')
    assert "<html" not in row
    assert '<span class="status">Booked</span>' in row
    # Today at 11:00, an hour from now: the patient may arrive; no-show only once it starts.
    assert [b.split(">")[1].split("<")[0] for b in row.split('name="status" value="')[1:]] == [
        "Arrived",
        "Cancel",
    ]
    assert not list(response.wsgi_request._messages)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("start", "to", "message"),
    [
        (
            "proposed",
            "arrived",
            "A proposed appointment cannot change to “Arrived”; it can become Booked or Cancelled.",
        ),
        (
            "booked",
            "booked",
            "A booked appointment cannot change to “Booked”; it can become Arrived, Cancelled "
            "or Did not attend.",
        ),
        (
            "completed",
            "cancelled",
            "A completed appointment is final: it cannot change to “Cancelled”.",
        ),
        ("no_show", "booked", "A no-show appointment is final: it cannot change to “Booked”."),
        ("booked", "teleported", "“teleported” is not an appointment status."),
    ],
)
def test_a_refused_change_says_why_and_changes_nothing(
    client: Client, front_desk, dora, start: str, to: str, message: str
) -> None:
    appointment = make_appointment(dora, at(TODAY, 11), status=start)
    client.force_login(front_desk)

    page = client.post(f"{URL}{appointment.public_id}/status/", {"status": to}, follow=True)
    htmx = _post(client, appointment, to, HTTP_HX_REQUEST="true")

    assert page.redirect_chain == [(f"{URL}?clinic=north&date=2026-11-18", 302)]
    assert f'<li class="form-error" role="status">{message}</li>' in page.content.decode()
    assert htmx.status_code == 200
    assert f'<p class="form-error" role="alert">{message}</p>' in htmx.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == start
    assert _changes(appointment) == []


def test_the_buttons_return_to_the_day_and_injector_shown(
    client: Client, front_desk, injector, dora
) -> None:
    appointment = make_appointment(dora, at(TODAY, 11), injector=injector)
    client.force_login(front_desk)

    response = _post(
        client, appointment, "arrived", data={"date": "2026-11-20", "injector": "nurse-ben"}
    )

    assert response["Location"] == f"{URL}?clinic=north&date=2026-11-20&injector=nurse-ben"


# --- the day -----------------------------------------------------------------------------------


def test_the_day_is_grouped_by_injector_in_time_order(
    client: Client, front_desk, injector, second_injector, dora, alice
) -> None:
    late = make_appointment(dora, at(TODAY, 15), injector=injector)
    early = make_appointment(alice, at(TODAY, 9), injector=injector)
    amys = make_appointment(alice, at(TODAY, 12), injector=second_injector)
    nobody = make_appointment(dora, at(TODAY, 8))
    make_appointment(dora, at(TODAY - timedelta(days=1), 23, 45), injector=injector)
    make_appointment(dora, at(TODAY + timedelta(days=1), 0, 0), injector=injector)
    client.force_login(front_desk)

    groups = client.get(URL).context["groups"]

    assert [(g.name, [r.appointment for r in g.rows]) for g in groups] == [
        ("Amy Adams", [amys]),
        ("nurse-ben", [early, late]),
        ("No injector yet", [nobody]),
    ]


def test_one_injectors_day(client: Client, front_desk, injector, second_injector, dora) -> None:
    bens = make_appointment(dora, at(TODAY, 9), injector=injector)
    make_appointment(dora, at(TODAY, 10), injector=second_injector)
    make_appointment(
        dora, at(TODAY, 11), status=AppointmentStatus.PROPOSED, injector=second_injector
    )
    client.force_login(front_desk)

    response = client.get(f"{URL}?injector=nurse-ben")

    assert [[r.appointment for r in g.rows] for g in response.context["groups"]] == [[bens]]
    assert response.context["to_confirm"] == []
    assert _views()[0].detail["injector"] == "nurse-ben"


def test_to_confirm_lists_every_proposal_from_today_on(client: Client, front_desk, dora) -> None:
    proposed = AppointmentStatus.PROPOSED
    make_appointment(dora, at(TODAY - timedelta(days=1), 16), status=proposed)
    this_morning = make_appointment(dora, at(TODAY, 9), status=proposed)
    next_month = make_appointment(dora, at(TODAY + timedelta(days=30), 10), status=proposed)
    make_appointment(dora, at(TODAY + timedelta(days=2), 10))  # booked already
    client.force_login(front_desk)

    response = client.get(f"{URL}?date=2026-12-25")

    assert [r.appointment for r in response.context["to_confirm"]] == [this_morning, next_month]
    assert response.context["groups"] == []
    assert "No appointments on this day." in response.content.decode()


def test_previous_and_next_day_links(client: Client, front_desk) -> None:
    client.force_login(front_desk)

    response = client.get(f"{URL}?date=2026-12-01")

    assert response.context["previous_url"] == f"{URL}?clinic=north&date=2026-11-30"
    assert response.context["next_url"] == f"{URL}?clinic=north&date=2026-12-02"
    assert f'href="{URL}?clinic=north">Today</a>' in response.content.decode()


def test_a_bad_date_shows_today_with_an_error(client: Client, front_desk) -> None:
    client.force_login(front_desk)

    response = client.get(f"{URL}?date=2026-02-30")

    assert response.context["day"] == TODAY
    assert "Enter a valid date." in response.content.decode()
    assert _views()[0].detail["date"] == "2026-11-18"


def test_the_picker_shows_the_day_shown(client: Client, front_desk) -> None:
    client.force_login(front_desk)

    page = client.get(URL).content.decode()

    assert '<input type="date" name="date" value="2026-11-18" id="id_date">' in page


def test_reading_the_day_is_audited_once(client: Client, front_desk, injector, dora) -> None:
    signed_botox(dora, by=injector)
    make_appointment(dora, at(REVIEW_DAY, 15), injector=injector)
    client.force_login(front_desk)

    client.get(f"{URL}?clinic=north&date=2026-12-02")

    [event] = _views()
    assert (event.actor, event.clinic.slug, event.patient_id) == (front_desk, "north", None)
    assert event.detail == {"date": "2026-12-02", "count": 2, "to_confirm": 1, "injector": ""}


def test_a_status_change_is_audited_with_the_patient(client: Client, front_desk, dora) -> None:
    appointment = make_appointment(dora, at(TODAY, 9))  # started an hour ago
    client.force_login(front_desk)

    _post(client, appointment, "no_show")

    [event] = AuditEvent.objects.filter(action=Action.CHANGE)
    assert (event.actor, event.object_type, event.object_id, event.patient_id, event.detail) == (
        front_desk,
        "scheduling.appointment",
        str(appointment.public_id),
        dora.public_id,
        {"status": "no_show"},
    )


# The session and the user; their memberships; the clinic's injectors; the day; the
# proposals; the audit event and the session's save (each in a savepoint pair): the same
# however many appointments there are.
QUERIES = 10


@pytest.mark.parametrize("count", [1, 8])
def test_the_page_costs_the_same_for_a_busy_day(
    client: Client, front_desk, injector, dora, django_assert_num_queries, count: int
) -> None:
    for hour in range(count):
        record = signed_botox(dora, by=injector) if hour == 0 else None
        # An hour apart: one injector's overlapping visits cannot be stored (PostgreSQL).
        appointment = make_appointment(dora, at(TODAY, 9 + hour), injector=injector)
        appointment.follows = record
        appointment.save()
    client.force_login(front_desk)

    with django_assert_num_queries(QUERIES):
        response = client.get(f"{URL}?clinic=north")

    assert sum(len(g.rows) for g in response.context["groups"]) == count
