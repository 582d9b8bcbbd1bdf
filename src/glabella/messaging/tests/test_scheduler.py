"""The scheduler: what falls due from appointments and signed treatments is queued once,
and what is no longer worth sending when its time comes is not sent."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from glabella.assistant.services import EntryText, approve_entry, create_entry
from glabella.audit.models import AuditEvent
from glabella.scheduling.models import Appointment, AppointmentKind, AppointmentStatus
from glabella.testing import make_appointment as book
from glabella.testing import queue_reminder, signed_botox
from glabella.treatments.models import Recall

from .. import sending, services
from ..models import MessageKind, MessagingSettings, Outbox, OutboxStatus
from ..scheduler import run_scheduler

pytestmark = pytest.mark.django_db


def _kinds() -> list[tuple[str, str]]:
    return sorted(Outbox.objects.values_list("kind", "subject_key"))


def test_reminders_at_the_clinic_s_offsets_are_queued_once(alice, no_quiet_hours):
    now = timezone.now().replace(microsecond=0)
    visit = book(alice, now + timedelta(hours=48, minutes=5))
    run_scheduler(now=now)
    run_scheduler(now=now)  # twice: nothing more
    reminder = Outbox.objects.get(kind=MessageKind.REMINDER)
    assert reminder.due_at == visit.starts_at - timedelta(hours=48)
    assert reminder.subject_key == f"appointment:{visit.pk}"
    assert Outbox.objects.filter(kind=MessageKind.BOOKING_CONFIRMATION).count() == 1
    run_scheduler(now=now + timedelta(hours=46))
    dues = sorted(Outbox.objects.filter(kind=MessageKind.REMINDER).values_list("due_at", flat=True))
    assert dues == [visit.starts_at - timedelta(hours=h) for h in (48, 2)]


def test_the_clinic_chooses_its_offsets(alice, no_quiet_hours):
    MessagingSettings.objects.filter(clinic=alice.clinic).update(reminder_hours=[24])
    now = timezone.now().replace(microsecond=0)
    book(alice, now + timedelta(hours=24, minutes=1))
    book(alice, now + timedelta(hours=48, minutes=1))
    run_scheduler(now=now)
    assert Outbox.objects.filter(kind=MessageKind.REMINDER).count() == 1


def test_a_visit_booked_after_a_reminder_s_time_gets_no_late_reminder(alice, no_quiet_hours):
    now = timezone.now().replace(microsecond=0)
    visit = book(alice, now + timedelta(hours=3))
    run_scheduler(now=now + timedelta(hours=1))
    reminder = Outbox.objects.get(kind=MessageKind.REMINDER)
    assert reminder.due_at == visit.starts_at - timedelta(hours=2)  # not the 48-hour one


def test_a_cancelled_or_moved_visit_gets_no_reminder(alice, no_quiet_hours, provider):
    now = timezone.now().replace(microsecond=0)
    cancelled = book(alice, now + timedelta(hours=48, minutes=5))
    moved = book(alice, now + timedelta(hours=48, minutes=10))
    run_scheduler(now=now)
    Appointment.objects.filter(pk=cancelled.pk).update(status=AppointmentStatus.CANCELLED)
    moved.starts_at = now + timedelta(days=5)
    moved.save(update_fields=["starts_at"])
    sending.deliver_due(now=now + timedelta(minutes=11))
    reasons = dict(
        Outbox.objects.filter(kind=MessageKind.REMINDER).values_list("subject_key", "last_error")
    )
    assert reasons == {
        f"appointment:{cancelled.pk}": "the appointment is no longer booked",
        f"appointment:{moved.pk}": "the appointment was moved",
    }
    assert provider.sent == []


def test_a_booking_confirmation_carries_a_calendar_file(alice, no_quiet_hours):
    alice.preferred_channel = "email"
    alice.save()
    visit = book(alice, timezone.now() + timedelta(days=3))
    row = services.enqueue_booking_confirmation(visit)
    assert services.enqueue_booking_confirmation(visit) is None
    run_scheduler()  # the scheduler finds the same confirmation: still one
    assert Outbox.objects.filter(kind=MessageKind.BOOKING_CONFIRMATION).count() == 1
    assert sending.deliver(row.pk) == "sent"
    (email,) = mail.outbox
    assert email.to == ["alice@example.test"]
    name, calendar, mimetype = email.attachments[0]
    assert (name, mimetype) == ("appointment.ics", "text/calendar")
    assert f"UID:{visit.public_id}@glabella" in calendar
    assert visit.starts_at.strftime("DTSTART:%Y%m%dT%H%M%SZ") in calendar
    assert "/messages/unsubscribe/" in email.body


def test_a_no_show_gets_a_follow_up_after_the_clinic_s_delay(alice, no_quiet_hours):
    now = timezone.now().replace(microsecond=0)
    missed = book(alice, now - timedelta(hours=3), status=AppointmentStatus.NO_SHOW)
    run_scheduler(now=now)
    row = Outbox.objects.get(kind=MessageKind.NO_SHOW)
    assert row.due_at == missed.starts_at + timedelta(hours=2)


def test_aftercare_goes_only_with_the_clinic_s_approved_aftercare(
    alice, injector, director, no_quiet_hours, provider
):
    treatment = signed_botox(alice, by=injector)
    run_scheduler()
    row = Outbox.objects.get(kind=MessageKind.AFTERCARE)
    assert row.subject_key == f"treatment:{treatment.pk}"
    assert sending.deliver(row.pk) == "skipped: the clinic has no approved aftercare text"
    entry = create_entry(
        alice.clinic,
        EntryText(topic="aftercare", title="After treatment", answer="Our own aftercare words."),
        by=director,
    )
    approve_entry(entry, by=director)
    services.retry_message(row, by=director)
    assert sending.deliver(row.pk) == "sent"
    assert "Our own aftercare words." in provider.sent[0][1]


def test_an_old_visit_signed_now_gets_no_aftercare(alice, injector, no_quiet_hours):
    signed_botox(alice, by=injector, days_ago=30)  # a history entered late
    run_scheduler()
    assert not Outbox.objects.filter(kind=MessageKind.AFTERCARE).exists()


def test_the_review_invitation_goes_days_before_the_proposed_review(
    alice, injector, no_quiet_hours
):
    treatment = signed_botox(alice, by=injector)
    review = Appointment.objects.get(follows=treatment, kind=AppointmentKind.REVIEW)
    invite_day = timezone.localtime(review.starts_at).date() - timedelta(days=3)
    ten = timezone.make_aware(datetime.combine(invite_day, time(10)))
    run_scheduler(now=ten - timedelta(minutes=5))
    row = Outbox.objects.get(kind=MessageKind.REVIEW_INVITATION)
    assert (row.subject_key, row.due_at) == (f"treatment:{treatment.pk}", ten)


def _recall_window(treatment, opens, closes) -> Recall:  # type: ignore[no-untyped-def]
    recall = Recall.objects.get(treatment=treatment)
    Recall.objects.filter(pk=recall.pk).update(opens_on=opens, closes_on=closes)
    return recall


def test_recall_when_the_window_opens_and_not_after_booking(
    alice, injector, no_quiet_hours, provider
):
    treatment = signed_botox(alice, by=injector, days_ago=90)
    today = timezone.localdate()
    recall = _recall_window(treatment, today, today + timedelta(days=30))
    ten = timezone.make_aware(datetime.combine(today, time(10)))
    run_scheduler(now=ten)
    row = Outbox.objects.get(kind=MessageKind.RECALL_OPEN)
    assert row.subject_key == f"recall:{recall.pk}"
    book(alice, ten + timedelta(days=2))
    assert sending.deliver(row.pk, now=ten) == "skipped: the patient has booked"


def test_a_sent_recall_counts_as_a_contact_and_goes_once(
    alice, injector, front_desk, no_quiet_hours, provider
):
    treatment = signed_botox(alice, by=injector, days_ago=90)
    today = timezone.localdate()
    recall = _recall_window(treatment, today, today + timedelta(days=30))
    ten = timezone.make_aware(datetime.combine(today, time(10)))
    run_scheduler(now=ten)
    assert sending.deliver_due(now=ten) == 1
    recall.refresh_from_db()
    assert (recall.status, recall.contact_count) == ("contacted", 1)
    # A contacted recall is still open: the scheduler's row for the same opening (another
    # due time, e.g. a clinic that changed its hour) is not sent a second time.
    MessagingSettings.objects.filter(clinic=alice.clinic).update(send_hour=11)
    run_scheduler(now=ten + timedelta(hours=1))
    later = Outbox.objects.get(kind=MessageKind.RECALL_OPEN, status=OutboxStatus.PENDING)
    outcome = sending.deliver(later.pk, now=ten + timedelta(hours=1))
    assert outcome == "skipped: this recall message was already sent"
    assert len(provider.sent) == 1


def test_a_declined_recall_gets_no_message(alice, injector, no_quiet_hours, provider):
    treatment = signed_botox(alice, by=injector, days_ago=90)
    today = timezone.localdate()
    recall = _recall_window(treatment, today - timedelta(days=1), today + timedelta(days=30))
    services.enqueue_recall(recall, by=injector)
    Recall.objects.filter(pk=recall.pk).update(status="declined")
    row = Outbox.objects.get()
    assert sending.deliver(row.pk) == "skipped: the recall is closed (declined)"


def test_recall_before_the_window_closes(alice, injector, no_quiet_hours):
    treatment = signed_botox(alice, by=injector, days_ago=100)
    today = timezone.localdate()
    recall = _recall_window(treatment, today - timedelta(days=10), today + timedelta(days=14))
    run_scheduler(now=timezone.make_aware(datetime.combine(today, time(10))))
    assert _kinds() == [(MessageKind.RECALL_CLOSING, f"recall:{recall.pk}")]


def test_a_message_due_in_quiet_hours_waits_for_morning(alice):
    now = timezone.make_aware(datetime.combine(timezone.localdate(), time(19, 50)))
    visit = book(alice, now + timedelta(hours=48, minutes=15))
    Appointment.objects.filter(pk=visit.pk).update(created_at=now - timedelta(days=1))
    run_scheduler(now=now)
    row = Outbox.objects.get(kind=MessageKind.REMINDER)
    assert row.due_at == now + timedelta(minutes=15)
    assert row.send_after == timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=1), time(8))
    )
    assert sending.deliver_due(now=now + timedelta(minutes=20)) == 0


def test_enqueue_recall_counts_the_contact_and_stops_at_the_clinic_s_maximum(
    alice, injector, front_desk, no_quiet_hours, provider
):
    MessagingSettings.objects.filter(clinic=alice.clinic).update(max_recall_messages=2)
    contacts: list[object] = []
    treatment = signed_botox(alice, by=injector, days_ago=100)
    today = timezone.localdate()

    def recall(pk: int) -> SimpleNamespace:
        return SimpleNamespace(
            clinic=alice.clinic,
            patient=alice,
            pk=pk,
            treatment=treatment,
            opens_on=today - timedelta(days=5),
            closes_on=today + timedelta(days=60),
            record_contact=lambda by: contacts.append(by),
        )

    first = services.enqueue_recall(recall(1), by=front_desk)
    assert first is not None and first.kind == MessageKind.RECALL_OPEN
    assert first.subject_key == "recall:1"
    assert services.enqueue_recall(recall(2), by=front_desk) is not None
    assert services.enqueue_recall(recall(3), by=front_desk) is None  # the maximum is 2
    assert contacts == [front_desk, front_desk]
    rows = Outbox.objects.order_by("subject_key")
    assert list(rows.values_list("subject_key", "status")) == [
        ("recall:1", OutboxStatus.PENDING),
        ("recall:2", OutboxStatus.PENDING),
    ]
    assert (
        AuditEvent.objects.filter(
            object_type="messaging.outbox", actor=front_desk, patient_id=alice.public_id
        ).count()
        == 2
    )


def test_quiet_hours_are_the_clinic_s_own_clock(alice):
    alice.clinic.time_zone = "America/New_York"
    alice.clinic.save(update_fields=["time_zone"])
    new_york = ZoneInfo("America/New_York")
    late = datetime(2026, 7, 1, 23, 0, tzinfo=new_york)  # 03:00 UTC: quiet in New York
    row = queue_reminder(alice, due_at=late)
    assert row.send_after == datetime(2026, 7, 2, 8, 0, tzinfo=new_york)
    noon = datetime(2026, 7, 1, 12, 0, tzinfo=new_york)
    assert queue_reminder(alice, due_at=noon).send_after == noon
