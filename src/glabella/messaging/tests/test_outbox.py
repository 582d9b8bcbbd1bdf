"""The outbox: one row per subject, kind and due time; sent once whatever retries and
restarts happen; retried with backoff; nothing lost while the provider is down."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from glabella.audit.models import AuditEvent
from glabella.testing import make_appointment as book
from glabella.testing import queue_reminder, soon

from .. import sending, services
from ..models import MessageKind, Outbox, OutboxStatus
from ..timing import MAX_ATTEMPTS, retry_delay

pytestmark = pytest.mark.django_db


_reminder = queue_reminder


def test_enqueueing_twice_keeps_one_row(alice, no_quiet_hours):
    due = soon()
    visit = book(alice, soon(60 * 24))
    first = services.enqueue_message(
        clinic=alice.clinic,
        patient=alice,
        kind=MessageKind.REMINDER,
        due_at=due,
        subject_key=f"appointment:{visit.pk}",
    )
    again = services.enqueue_message(
        clinic=alice.clinic,
        patient=alice,
        kind=MessageKind.REMINDER,
        due_at=due + timedelta(microseconds=5),  # the same second: the same message
        subject_key=f"appointment:{visit.pk}",
    )
    assert first is not None and again is None
    assert Outbox.objects.count() == 1


def test_the_database_refuses_a_second_row_for_the_same_message(alice, no_quiet_hours):
    row = _reminder(alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Outbox.objects.create(
            clinic=row.clinic,
            patient=alice,
            kind=row.kind,
            subject_key=row.subject_key,
            due_at=row.due_at,
            send_after=row.due_at,
        )


def test_a_row_is_claimed_by_one_worker_only(alice, no_quiet_hours):
    row = _reminder(alice)
    now = timezone.now()
    assert sending.claim(row.pk, now=now, worker="a") is True
    assert sending.claim(row.pk, now=now, worker="b") is False
    row.refresh_from_db()
    assert (row.status, row.claimed_by, row.attempts) == (OutboxStatus.SENDING, "a", 1)


def test_delivering_again_after_success_sends_nothing(alice, no_quiet_hours, provider):
    row = _reminder(alice)
    assert sending.deliver(row.pk) == "sent"
    assert sending.deliver(row.pk) == "not claimed"
    assert sending.deliver_due(now=soon(60)) == 0
    assert len(provider.sent) == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.provider_id == "SM1"
    assert row.channel == "sms" and row.recipient == "+15550101234"


def test_a_killed_worker_s_row_is_sent_once_after_its_lease(alice, no_quiet_hours, provider):
    row = _reminder(alice)
    now = timezone.now()
    # A worker claims the row and dies before sending (nothing else happens).
    assert sending.claim(row.pk, now=now, worker="killed") is True
    # While the lease runs, no other worker takes it.
    assert sending.deliver_due(now=now + sending.LEASE - timedelta(seconds=1)) == 0
    assert provider.sent == []
    # After the lease, the next sweep sends it, once.
    after = now + sending.LEASE + timedelta(seconds=1)
    assert sending.deliver_due(now=after) == 1
    assert sending.deliver_due(now=after + timedelta(minutes=1)) == 0
    assert len(provider.sent) == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.attempts == 2


def test_a_late_finish_by_the_killed_worker_does_not_overwrite_the_new_claim(alice, no_quiet_hours):
    row = _reminder(alice)
    now = timezone.now()
    sending.claim(row.pk, now=now, worker="slow")
    later = now + sending.LEASE + timedelta(seconds=1)
    assert sending.claim(row.pk, now=later, worker="fresh") is True
    stale = Outbox.objects.filter(pk=row.pk, claimed_by="slow", status=OutboxStatus.SENDING)
    assert stale.update(status=OutboxStatus.SENT) == 0


def test_provider_failure_waits_longer_each_time_then_fails(alice, no_quiet_hours, provider):
    provider.failures = MAX_ATTEMPTS
    row = _reminder(alice)
    moment = timezone.now()
    for attempt in range(1, MAX_ATTEMPTS):
        assert sending.deliver(row.pk, now=moment).startswith("failed")
        row.refresh_from_db()
        assert row.status == OutboxStatus.PENDING  # kept, nothing lost
        assert row.send_after == moment + retry_delay(attempt)
        assert sending.deliver(row.pk, now=row.send_after - timedelta(seconds=1)) == "not claimed"
        moment = row.send_after
    assert sending.deliver(row.pk, now=moment).startswith("failed")
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, MAX_ATTEMPTS)
    assert row.last_error == "provider down"
    assert provider.sent == []


def test_the_provider_recovers_and_the_message_goes(alice, no_quiet_hours, provider):
    provider.failures = 2
    row = _reminder(alice)
    moment = timezone.now()
    while sending.deliver(row.pk, now=moment) != "sent":
        row.refresh_from_db()
        moment = row.send_after
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.attempts == 3 and row.last_error == ""
    assert len(provider.sent) == 1


def test_a_permanent_refusal_fails_at_once(alice, no_quiet_hours, provider):
    provider.failures, provider.permanent = 1, True
    row = _reminder(alice)
    assert sending.deliver(row.pk).startswith("failed")
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 1)


def test_staff_retry_starts_the_tries_over_and_is_audited(
    alice, no_quiet_hours, provider, front_desk
):
    provider.failures, provider.permanent = 1, True
    row = _reminder(alice)
    sending.deliver(row.pk)
    services.retry_message(row, by=front_desk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 0)
    event = AuditEvent.objects.get(object_id=str(row.public_id))
    assert event.actor == front_desk and event.patient_id == alice.public_id
    assert event.detail == {"status": "pending", "previous": "failed"}
    assert sending.deliver(row.pk) == "sent"


def test_a_sent_message_cannot_be_retried(alice, no_quiet_hours, provider, front_desk):
    row = _reminder(alice)
    sending.deliver(row.pk)
    with pytest.raises(Exception, match="Only a failed"):
        services.retry_message(row, by=front_desk)


def test_the_send_is_enqueued_after_commit(
    alice, no_quiet_hours, provider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        row = _reminder(alice)
        assert provider.sent == []  # nothing before the commit
    assert len(callbacks) == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and len(provider.sent) == 1


def test_no_consent_means_no_message(alice, no_quiet_hours, provider):
    alice.consent_to_contact = False
    alice.save()
    row = _reminder(alice)
    assert sending.deliver(row.pk).startswith("skipped")
    row.refresh_from_db()
    assert row.status == OutboxStatus.SKIPPED and provider.sent == []
