"""Sending outbox rows: claim, check, write, send, record.

A row is claimed with one conditional UPDATE (due and pending, or claimed by a worker whose
lease has run out), so two workers never send the same row, and a worker killed mid-send
leaves a row that is claimed again once its lease expires. Every later write is conditional
on the claim too. A failure waits 1, 2, 4… minutes (``timing.retry_delay``) before the next
try; after the last try the row is "failed" and waits for staff on the Messages page.

The one window left is a worker that dies after the provider took the message but before
the row says so: the row is sent again after the lease, which no outbox can rule out.
"""

from __future__ import annotations

import logging
import uuid
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.utils import timezone

from .clinic_settings import settings_for
from .ics import appointment_ics
from .models import RECALL_KINDS, MessageChannel, MessageKind, Outbox, OutboxStatus
from .preferences import effective_preference, route_for
from .providers import ProviderError, sms_provider_for
from .subjects import Subject, subject_of, why_not_send
from .timing import MAX_ATTEMPTS, after_quiet_hours, in_quiet_hours, retry_delay
from .variables import NotSendable, Rendered, render, values_for

logger = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
BATCH = 200
ROUNDS = 20


def claim(outbox_id: int, *, now: datetime, worker: str) -> bool:
    claimed = (
        Outbox.objects.filter(pk=outbox_id)
        .claimable(now)
        .update(
            status=OutboxStatus.SENDING,
            lease_until=now + LEASE,
            claimed_by=worker,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    )
    return claimed == 1


def deliver_due(*, now: datetime | None = None, batch: int = BATCH, rounds: int = ROUNDS) -> int:
    """Send what is due, in bounded batches; returns how many rows were claimed."""
    handled = 0
    for _ in range(rounds):
        moment = now or timezone.now()
        due = list(
            Outbox.objects.claimable(moment)
            .order_by("send_after")
            .values_list("pk", flat=True)[:batch]
        )
        for pk in due:
            handled += deliver(pk, now=moment) != "not claimed"
        if len(due) < batch:
            break
    return handled


def deliver(outbox_id: int, *, now: datetime | None = None) -> str:
    """Claim the row and send it; returns what happened ("sent", "skipped: …", …)."""
    now = now or timezone.now()
    worker = uuid.uuid4().hex
    if not claim(outbox_id, now=now, worker=worker):
        return "not claimed"
    row = Outbox.objects.select_related("clinic", "patient").get(pk=outbox_id)
    mine = Outbox.objects.filter(pk=outbox_id, claimed_by=worker, status=OutboxStatus.SENDING)
    try:
        return _attempt(row, mine, now)
    except ProviderError as error:
        return _failed(row, mine, now, str(error), permanent=error.permanent)
    except Exception as error:  # a bug or an outage: kept for a retry, never lost
        logger.exception("Message %s could not be sent", row.pk)
        return _failed(row, mine, now, f"{type(error).__name__}: {error}", permanent=False)


def _attempt(row: Outbox, mine: object, now: datetime) -> str:
    clinic_settings = settings_for(row.clinic)
    zone = row.clinic.zone
    quiet = (clinic_settings.quiet_start, clinic_settings.quiet_end, zone)
    if in_quiet_hours(now, *quiet):
        later = after_quiet_hours(now, *quiet)
        mine.update(  # type: ignore[attr-defined]
            status=OutboxStatus.PENDING,
            send_after=later,
            attempts=F("attempts") - 1,
            lease_until=None,
        )
        return "waiting for the end of quiet hours"
    reason = _why_skip(row, now, clinic_settings.max_recall_messages)
    subject = subject_of(row)
    reason = reason or why_not_send(row, subject, now)
    route = None
    if not reason:
        route = route_for(row.patient, effective_preference(row.patient), None)
        reason = "" if route else "no valid phone number or email to reach the patient"
    if reason or route is None:
        return _skipped(mine, reason)
    try:
        rendered = render(
            row.clinic, row.kind, values_for(row.clinic, row.patient, subject), route.channel
        )
    except NotSendable as refusal:
        return _skipped(mine, str(refusal))
    provider_id = _send(row, route.channel, route.recipient, rendered, subject)
    updated = mine.update(  # type: ignore[attr-defined]
        status=OutboxStatus.SENT,
        sent_at=now,
        channel=route.channel,
        recipient=route.recipient,
        subject=rendered.subject[:200],
        body=rendered.text,
        template_version=rendered.version,
        provider_id=provider_id[:100],
        last_error="",
        lease_until=None,
        updated_at=now,
    )
    if not updated:
        logger.warning("Message %s was sent after its lease ran out", row.pk)
    if row.kind in RECALL_KINDS and not row.context.get("contact_recorded"):
        _count_contact(subject)
    return "sent"


def _count_contact(subject: Subject) -> None:
    """A recall message the scheduler sent counts as a contact on the recall (one staff
    queued counted when queued)."""
    if subject.recall is None:
        return
    # Closed since the check (booked meanwhile): the message went, there is nothing to count.
    with suppress(ValidationError):
        subject.recall.record_contact()


def _why_skip(row: Outbox, now: datetime, max_recall: int) -> str:
    if not effective_preference(row.patient).accepts_messages:
        return "the patient has not agreed to messages, or opted out"
    if row.kind in RECALL_KINDS:
        sent = Outbox.objects.filter(
            patient_id=row.patient_id, kind__in=RECALL_KINDS, status=OutboxStatus.SENT
        )
        since = row.context.get("course_start")
        if since:
            sent = sent.filter(created_at__gte=since)
        if sent.count() >= max_recall:
            return "the clinic's maximum of recall messages was reached"
    return ""


def _send(row: Outbox, channel: str, recipient: str, rendered: Rendered, subject: Subject) -> str:
    if channel == MessageChannel.SMS:
        return sms_provider_for(row.clinic).send(to=recipient, body=rendered.text)
    email = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient],
        headers={"X-Glabella-Message": str(row.public_id)},
    )
    email.attach_alternative(rendered.html, "text/html")
    if row.kind == MessageKind.BOOKING_CONFIRMATION and subject.appointment is not None:
        appointment = subject.appointment
        calendar = appointment_ics(
            uid=f"{appointment.public_id}@glabella",
            starts_at=appointment.starts_at,
            minutes=appointment.duration_minutes,
            summary=f"{appointment.get_kind_display()} at {row.clinic.name}",
            location=row.clinic.name,
            stamp=timezone.now(),
        )
        email.attach("appointment.ics", calendar, "text/calendar")
    try:
        email.send(fail_silently=False)
    except OSError as error:  # SMTP errors are OSErrors: the server is down or refused
        raise ProviderError(f"The mail server did not take the message: {error}") from error
    return "email"


def _skipped(mine: object, reason: str) -> str:
    mine.update(  # type: ignore[attr-defined]
        status=OutboxStatus.SKIPPED, last_error=reason[:500], lease_until=None
    )
    return f"skipped: {reason}"


@dataclass(frozen=True)
class _Failure:
    status: str
    send_after: datetime


def _failure(attempts: int, now: datetime, permanent: bool) -> _Failure:
    if permanent or attempts >= MAX_ATTEMPTS:
        return _Failure(OutboxStatus.FAILED, now)
    return _Failure(OutboxStatus.PENDING, now + retry_delay(attempts))


def _failed(row: Outbox, mine: object, now: datetime, error: str, *, permanent: bool) -> str:
    attempts = Outbox.objects.values_list("attempts", flat=True).get(pk=row.pk)
    failure = _failure(attempts, now, permanent)
    mine.update(  # type: ignore[attr-defined]
        status=failure.status,
        send_after=failure.send_after,
        last_error=error[:500],
        lease_until=None,
        updated_at=now,
    )
    logger.warning("Message %s failed (attempt %s): %s", row.pk, attempts, error)
    return f"failed: {error}"
