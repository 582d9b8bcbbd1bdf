"""The recall loop (issue 9): a recall per signed course, its window floored at the earliest
retreatment date, and its status moved by contacts, the front desk, bookings and the next
course."""

from __future__ import annotations

import importlib
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from glabella.audit.models import AuditEvent
from glabella.scheduling.models import AppointmentKind, AppointmentStatus
from glabella.scheduling.services import book_appointment, set_status
from glabella.testing import client_as, signed_botox
from glabella.treatments import services
from glabella.treatments.models import Recall, RecallStatus
from glabella.treatments.services.recall import recall_window

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("glabella.treatments.migrations.0002_recall_rows")


def _recall(carol: Any) -> Recall:
    return Recall.objects.exclude(status=RecallStatus.TREATED).get(patient=carol)


def _book(patient: Any, injector: Any, *, kind: str = AppointmentKind.TREATMENT, by: Any) -> Any:
    # A weekday at 10:00 about a week ahead, inside the clinic's hours.
    day = timezone.localdate() + timedelta(days=7)
    day += timedelta(days=(7 - day.weekday()) % 7)  # a Monday
    starts = timezone.make_aware(datetime.combine(day, time(10)))
    data = {"kind": kind, "starts_at": starts, "injector": injector}
    return book_appointment(patient, data, by=by)


def test_signing_opens_a_due_recall_no_earlier_than_the_earliest_retreatment(carol, injector):
    record = signed_botox(carol, by=injector, days_ago=5)
    schedule = carol.clinic.clinical_core().schedule_after(record.treated_on, "botox")

    recall = record.recall
    assert schedule.window_opens_on < schedule.earliest_retreatment_on  # 12 weeks < 90 days
    assert (recall.opens_on, recall.closes_on) == (
        schedule.earliest_retreatment_on,
        schedule.window_closes_on,
    )
    assert (recall.status, recall.contact_count, recall.product) == ("due", 0, "botox")
    assert record.recall_opens_on == recall.opens_on  # the record page shows the same window


def test_the_window_function_keeps_a_later_window_and_never_closes_before_opening(carol):
    core = carol.clinic.clinical_core()
    day = timezone.localdate()
    schedule = core.schedule_after(day, "botox")
    later = schedule.model_copy(update={"window_opens_on": day + timedelta(days=100)})
    assert recall_window(later) == (day + timedelta(days=100), schedule.window_closes_on)
    past_closing = schedule.model_copy(update={"earliest_retreatment_on": day + timedelta(400)})
    assert recall_window(past_closing) == (day + timedelta(400), day + timedelta(400))


def test_due_then_contacted_twice_then_booked_leaves_the_list(carol, injector, front_desk):
    signed_botox(carol, by=injector, days_ago=100)
    recall = _recall(carol)
    recall.record_contact()
    recall.record_contact()
    assert (recall.status, recall.contact_count) == ("contacted", 2)
    assert recall.last_contacted_at is not None

    appointment = _book(carol, injector, by=front_desk)

    recall.refresh_from_db()
    assert (recall.status, recall.booked_appointment, recall.contact_count) == (
        "booked", appointment, 2,
    )  # fmt: skip
    assert (
        services.recall_list(
            carol.clinic, services.RecallFilters(), today=timezone.localdate(), by=front_desk
        ).entries
        == []
    )
    event = AuditEvent.objects.filter(object_type="treatments.recall").latest("id")
    assert event.detail == {"status": "booked", "appointment": str(appointment.public_id)}


def test_a_cancelled_booking_puts_the_patient_back_on_the_list(carol, injector, front_desk):
    signed_botox(carol, by=injector, days_ago=100)
    recall = _recall(carol)
    recall.record_contact()
    appointment = _book(carol, injector, by=front_desk)
    set_status(appointment, AppointmentStatus.CANCELLED, by=front_desk)
    recall.refresh_from_db()
    assert (recall.status, recall.booked_appointment, recall.contact_count) == (
        "contacted", None, 1,
    )  # fmt: skip


def test_a_review_does_not_close_the_recall(carol, injector, front_desk):
    signed_botox(carol, by=injector, days_ago=100)
    _book(carol, injector, kind=AppointmentKind.REVIEW, by=front_desk)
    assert _recall(carol).status == "due"


def test_a_consultation_books_a_declined_patient_back(carol, injector, front_desk):
    signed_botox(carol, by=injector, days_ago=100)
    services.set_recall_status(_recall(carol), "declined", by=front_desk)
    _book(carol, injector, kind=AppointmentKind.CONSULTATION, by=front_desk)
    assert Recall.objects.get(patient=carol).status == "booked"


def test_the_next_course_closes_the_recall_as_treated(carol, injector):
    first = signed_botox(carol, by=injector, days_ago=100)
    second = signed_botox(carol, by=injector, days_ago=0)
    first.recall.refresh_from_db()
    assert (first.recall.status, first.recall.closed_at is not None) == ("treated", True)
    assert second.recall.status == "due"


def test_a_touch_up_has_no_recall_and_leaves_the_course_recall_open(carol, injector):
    course = signed_botox(carol, by=injector, days_ago=20)
    review = services.record_review(course, {"effect": {"glabellar": 1}}, by=injector)
    touch_up = services.start_touch_up(review, by=injector)
    services.add_site(touch_up, {"x": 50, "y": 33, "units": 2}, by=injector)
    services.add_vial(touch_up, "T1", timezone.localdate() + timedelta(days=90), by=injector)
    services.update_treatment(touch_up, {"aftercare_given": True}, by=injector)
    services.sign_treatment(touch_up, by=injector)
    assert list(Recall.objects.values_list("treatment", "status")) == [(course.pk, "due")]


def test_do_not_contact_stays_with_the_next_course(carol, injector, front_desk):
    signed_botox(carol, by=injector, days_ago=100)
    services.set_recall_status(_recall(carol), "do_not_contact", by=front_desk)
    later = signed_botox(carol, by=injector, days_ago=0)
    assert later.recall.status == "do_not_contact"
    with pytest.raises(ValidationError, match="closed"):
        later.recall.record_contact()
    assert Recall.objects.get(pk=later.recall.pk).contact_count == 0


@pytest.mark.parametrize(
    ("start", "status", "allowed"),
    [
        ("due", "contacted", True),
        ("due", "declined", True),
        ("contacted", "do_not_contact", True),
        ("declined", "due", True),
        ("do_not_contact", "due", True),
        ("booked", "declined", False),
        ("treated", "due", False),
        ("due", "due", False),
        ("due", "booked", False),  # booking is the appointment's doing
    ],
)
def test_the_front_desk_moves(carol, injector, front_desk, start, status, allowed):
    signed_botox(carol, by=injector, days_ago=100)
    Recall.objects.update(status=start)
    recall = Recall.objects.get()
    if allowed:
        changed = services.set_recall_status(recall, status, by=front_desk)
        assert changed.status == status
        assert changed.contact_count == (1 if status == "contacted" else 0)
    else:
        with pytest.raises(ValidationError):
            services.set_recall_status(recall, status, by=front_desk)
        assert Recall.objects.get().status == start


def test_the_page_notes_a_call_and_audits_it(request, carol, injector):
    course = signed_botox(carol, by=injector, days_ago=100)
    client = client_as(request, "front_desk")
    response = client.post(
        f"/staff/recall/{course.public_id}/status/",
        {"status": "contacted", "back": "?clinic=north&status=contacted"},
    )
    assert response["Location"] == "/staff/recall/?clinic=north&status=contacted"
    recall = Recall.objects.get()
    assert (recall.status, recall.contact_count) == ("contacted", 1)
    event = AuditEvent.objects.filter(object_type="treatments.recall").latest("id")
    assert (event.actor_label, event.detail) == (
        "desk-cat", {"status": "contacted", "was": "due", "contacts": 1},
    )  # fmt: skip
    page = client.get("/staff/recall/?clinic=north").content.decode()
    assert "Contacted (1×, last" in page


@pytest.mark.parametrize(("persona", "code"), [("other_director", 404), ("no_role", 404)])
def test_others_cannot_note_a_recall(request, carol, injector, persona, code):
    course = signed_botox(carol, by=injector, days_ago=100)
    response = client_as(request, persona).post(
        f"/staff/recall/{course.public_id}/status/", {"status": "declined"}
    )
    assert response.status_code == code
    assert Recall.objects.get().status == "due"


def test_the_backfill_gives_the_latest_course_a_recall(carol, injector, front_desk):
    old = signed_botox(carol, by=injector, days_ago=200)
    latest = signed_botox(carol, by=injector, days_ago=100)
    _book(carol, injector, by=front_desk)
    Recall.objects.all().delete()

    backfill.backfill_recalls(apps, None)

    recall = Recall.objects.get()
    assert (recall.treatment_id, recall.status) == (latest.pk, "booked")
    assert recall.opens_on == latest.recall_opens_on
    assert old.pk != latest.pk


def test_a_visit_moved_to_another_time_stays_booked(carol, injector, front_desk):
    signed_botox(carol, by=injector, days_ago=100)
    first = _book(carol, injector, by=front_desk)
    moved = book_appointment(
        carol,
        {
            "kind": "treatment",
            "starts_at": first.starts_at + timedelta(days=1),
            "injector": injector,
        },
        by=front_desk,
    )
    set_status(first, AppointmentStatus.CANCELLED, by=front_desk)
    recall = _recall(carol)
    assert (recall.status, recall.booked_appointment) == ("booked", moved)
    set_status(moved, AppointmentStatus.CANCELLED, by=front_desk)
    assert _recall(carol).status == "due"
