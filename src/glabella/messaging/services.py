"""Putting messages in the outbox, and what staff and patients change about them.

Other apps call ``enqueue_message`` (a booking confirmation, say) and ``enqueue_recall``;
both are idempotent: the outbox holds one row per (subject, kind, due time), unique in the
database, and the send is enqueued only after the transaction commits.
"""

from __future__ import annotations

import inspect
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from glabella.accounts.models import Clinic
from glabella.accounts.types import Actor, StaffUser
from glabella.audit.models import Action
from glabella.audit.services import record_for_patient, record_read
from glabella.patients.models import Patient
from glabella.patients.services import update_demographics

from . import tasks
from .clinic_settings import settings_for
from .models import (
    ConsentSource,
    MessageChannel,
    MessageKind,
    MessagingPreference,
    Outbox,
    OutboxStatus,
)
from .preferences import RECORD_CHANNEL
from .timing import after_quiet_hours

# What a recall object may call its window (the recall model, or the treatment behind it).
OPENS = ("opens_on", "window_opens_on", "recall_opens_on", "due_on")
CLOSES = ("closes_on", "window_closes_on", "recall_closes_on")


def enqueue_message(
    *,
    clinic: Clinic,
    patient: Patient,
    kind: str,
    due_at: datetime,
    subject_key: str,
    context: dict[str, Any] | None = None,
) -> Outbox | None:
    """Put one message in the outbox, to go at ``due_at`` (later in the clinic's quiet
    hours). Returns the new row, or None when the outbox already holds this
    (``subject_key``, ``kind``, ``due_at``): calling again never sends twice. The send is
    enqueued when the caller's transaction commits."""
    if kind not in MessageKind.values:
        raise ValidationError({"kind": f"Unknown message kind {kind!r}."})
    if patient.clinic_id != clinic.pk:
        raise ValidationError("The patient belongs to another clinic.")
    if timezone.is_naive(due_at):
        raise ValidationError({"due_at": "Give the due time with its time zone."})
    due_at = due_at.replace(microsecond=0)
    clinic_settings = settings_for(clinic)
    send_after = after_quiet_hours(
        due_at, clinic_settings.quiet_start, clinic_settings.quiet_end, clinic.zone
    )
    try:
        with transaction.atomic():
            row = Outbox.objects.create(
                clinic=clinic,
                patient=patient,
                kind=kind,
                subject_key=subject_key[:100],
                due_at=due_at,
                send_after=send_after,
                context=dict(context or {}),
            )
    except IntegrityError:
        return None  # already in the outbox: idempotent
    tasks.send_after_commit(row)
    return row


def enqueue_booking_confirmation(appointment: Any) -> Outbox | None:
    """The confirmation of a booked appointment, due when it was booked (the scheduler uses
    the same due time, so booking pages and the scheduler never send two)."""
    return enqueue_message(
        clinic=appointment.clinic,
        patient=appointment.patient,
        kind=MessageKind.BOOKING_CONFIRMATION,
        due_at=appointment.created_at,
        subject_key=f"appointment:{appointment.pk}",
        context={"starts_at": appointment.starts_at.isoformat()},
    )


def enqueue_recall(recall: Any, *, by: StaffUser) -> Outbox | None:
    """A recall message for ``recall`` (anything with ``.clinic``, ``.patient``, ``.pk`` and
    a window), now: "the window opens" unless it closes within the clinic's notice, then
    "closes soon". None when already queued or when the patient has had the clinic's
    maximum of recall messages for this course. Calls ``recall.record_contact()`` when
    the recall has it; audited."""
    clinic, patient = recall.clinic, recall.patient
    clinic_settings = settings_for(clinic)
    now = timezone.now()
    if recall_messages_sent(patient, since=_course_start(recall, now)) >= (
        clinic_settings.max_recall_messages
    ):
        return None
    closes = _first_date(recall, CLOSES)
    notice = timedelta(days=clinic_settings.recall_closing_days_before)
    closing = closes is not None and timezone.localdate(now) >= closes - notice
    with transaction.atomic():
        row = enqueue_message(
            clinic=clinic,
            patient=patient,
            kind=MessageKind.RECALL_CLOSING if closing else MessageKind.RECALL_OPEN,
            due_at=now,
            subject_key=f"recall:{recall.pk}",
            context={
                **_window_context(recall),
                "course_start": _course_start(recall, now).isoformat(),
                "contact_recorded": True,
            },
        )
        if row is not None:
            record_for_patient(Action.CREATE, row, patient, by=by, kind=row.kind)
            _record_contact(recall, by)
    return row


def recall_messages_sent(patient: Patient, *, since: datetime) -> int:
    return Outbox.objects.counting_towards_recall_cap(patient, since).count()


def _course_start(recall: Any, now: datetime) -> datetime:
    """When the course this recall follows began: recall messages since then count towards
    the clinic's maximum (a year back when the recall does not say)."""
    treatment = getattr(recall, "treatment", None)
    treated_on = getattr(treatment, "treated_on", None) or getattr(recall, "treated_on", None)
    if isinstance(treated_on, date):
        return datetime.combine(treated_on, datetime.min.time(), tzinfo=now.tzinfo)
    return now - timedelta(days=365)


def _first_date(recall: Any, names: tuple[str, ...]) -> date | None:
    for holder in (recall, getattr(recall, "treatment", None)):
        for name in names:
            value = getattr(holder, name, None)
            if isinstance(value, date):
                return value
    return None


def _window_context(recall: Any) -> dict[str, str]:
    opens, closes = _first_date(recall, OPENS), _first_date(recall, CLOSES)
    return {
        name: value.isoformat()
        for name, value in (("opens_on", opens), ("closes_on", closes))
        if value is not None
    }


def _record_contact(recall: Any, by: StaffUser) -> None:
    record_contact = getattr(recall, "record_contact", None)
    if not callable(record_contact):
        return
    parameters = inspect.signature(record_contact).parameters
    if "by" in parameters:
        record_contact(by=by)
    else:
        record_contact()


# --- staff: retry -------------------------------------------------------------------------


RETRYABLE = (OutboxStatus.FAILED, OutboxStatus.SKIPPED)


def retry_message(outbox: Outbox, *, by: StaffUser) -> Outbox:
    """Send a failed (or not sent) message again now: its attempts start over. Audited."""
    with transaction.atomic():
        row = Outbox.objects.select_for_update().get(pk=outbox.pk)
        if row.status not in RETRYABLE:
            raise ValidationError("Only a failed or unsent message can be sent again.")
        previous = row.status
        row.status = OutboxStatus.PENDING
        row.attempts = 0
        row.send_after = timezone.now()
        row.lease_until = None
        row.save(update_fields=["status", "attempts", "send_after", "lease_until", "updated_at"])
        record_for_patient(
            Action.CHANGE, row, row.patient, by=by, status="pending", previous=previous
        )
        tasks.send_after_commit(row)
    return row


# --- consent and opt-out --------------------------------------------------------------------


def record_consent(
    patient: Patient, *, consent: bool, channel: str, source: str, by: Actor = None
) -> MessagingPreference:
    """The patient's answer to "may we send you messages?" and through which channel (an
    online booking form, the front desk): written on the patient record (what staff see and
    edit) and kept here with its time and source. Consent given again ends an opt-out."""
    if channel and channel not in MessageChannel.values:
        raise ValidationError({"channel": "Choose text message or email."})
    if source not in ConsentSource.values:
        raise ValidationError({"source": f"Unknown consent source {source!r}."})
    with transaction.atomic():
        preference = _preference_row(patient)
        preference.consent = consent
        preference.consent_at = timezone.now()
        preference.consent_source = source
        preference.channel = channel
        if consent:
            preference.opted_out_at = None
            preference.opted_out_source = ""
        preference.save()
        record_fields: dict[str, Any] = {"consent_to_contact": consent}
        if channel:
            record_fields["preferred_channel"] = channel
        update_demographics(patient, record_fields, by=by)
    return preference


def opt_out(patient: Patient, *, source: str, by: Actor = None) -> MessagingPreference:
    """Stop every message to the patient (a STOP reply, the unsubscribe link): the opt-out
    is kept here and the record's consent is withdrawn, so staff see it. Audited."""
    with transaction.atomic():
        preference = _preference_row(patient)
        preference.opted_out_at = timezone.now()
        preference.opted_out_source = source
        preference.save(update_fields=["opted_out_at", "opted_out_source", "updated_at"])
        record_for_patient(
            Action.CHANGE, patient, patient, by=by, messaging="opted out", source=source
        )
        _set_record_consent(patient, False, by=by)
    return preference


def opt_back_in(patient: Patient, *, source: str, by: Actor = None) -> MessagingPreference:
    """A START reply after STOP: the patient asks for messages again. Audited."""
    with transaction.atomic():
        preference = _preference_row(patient)
        if preference.opted_out_at is not None:
            preference.opted_out_at = None
            preference.opted_out_source = ""
            preference.save(update_fields=["opted_out_at", "opted_out_source", "updated_at"])
            record_for_patient(
                Action.CHANGE, patient, patient, by=by, messaging="opted back in", source=source
            )
            _set_record_consent(patient, True, by=by)
    return preference


def _set_record_consent(patient: Patient, consent: bool, *, by: Actor) -> None:
    """The record's consent, through the patients' service (audited). A record that fails
    its own checks (old data) is left as it is: the opt-out kept here still applies."""
    try:
        with transaction.atomic():
            update_demographics(patient, {"consent_to_contact": consent}, by=by)
    except ValidationError:
        pass


def _preference_row(patient: Patient) -> MessagingPreference:
    """The patient's row, locked; made from the patient record's values if missing."""
    preference, _ = MessagingPreference.objects.select_for_update().get_or_create(
        patient=patient,
        defaults={
            "consent": patient.consent_to_contact,
            "consent_at": patient.consent_recorded_at,
            "consent_source": ConsentSource.PATIENT_RECORD,
            "channel": RECORD_CHANNEL.get(patient.preferred_channel, ""),
        },
    )
    return preference


def read_outbox(clinic: Clinic, *, by: StaffUser, status: str = "") -> Any:
    """The clinic's messages, newest due first (optionally one status); the read is
    audited, as the page shows patients' names and addresses."""
    record_read(clinic, "messaging.outbox", by=by, status=status)
    rows = Outbox.objects.for_clinic(clinic).select_related("patient")
    return rows.filter(status=status) if status in OutboxStatus.values else rows
