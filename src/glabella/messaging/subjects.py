"""What an outbox row is about, and whether it is still worth sending when its time comes:
a cancelled visit gets no reminder, a patient who has booked gets no recall."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from glabella.scheduling.models import Appointment, AppointmentKind, AppointmentStatus
from glabella.treatments.models import OPEN_RECALL, Recall, TreatmentRecord

from .models import RECALL_KINDS, MessageKind, Outbox, OutboxStatus

# A recall is over once the patient has booked one of these.
BOOKS_THE_NEXT_COURSE = (AppointmentKind.TREATMENT, AppointmentKind.CONSULTATION)
BOOKED = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)


@dataclass(frozen=True)
class Subject:
    appointment: Appointment | None = None
    treatment: TreatmentRecord | None = None
    recall: Recall | None = None


def split_key(subject_key: str) -> tuple[str, str]:
    prefix, _, key = subject_key.partition(":")
    return prefix, key


def subject_of(row: Outbox) -> Subject:
    prefix, key = split_key(row.subject_key)
    if not key.isdigit():
        return Subject()
    if prefix == "appointment":
        found = (
            Appointment.objects.select_related("injector")
            .filter(pk=int(key), patient_id=row.patient_id)
            .first()
        )
        return Subject(appointment=found)
    if prefix == "treatment":
        return Subject(treatment=_treatment(int(key), row.patient_id))
    if prefix == "recall":
        recall = _recall(int(key))
        treatment = getattr(recall, "treatment", None)
        return Subject(recall=recall, treatment=treatment)
    return Subject()


def _treatment(pk: int, patient_id: int) -> TreatmentRecord | None:
    return TreatmentRecord.objects.filter(pk=pk, patient_id=patient_id).first()


def _recall(pk: int) -> Recall | None:
    return Recall.objects.select_related("treatment").filter(pk=pk).first()


def why_not_send(row: Outbox, subject: Subject, now: datetime) -> str:
    """The reason the row is no longer worth sending, or "" to send it."""
    kind = row.kind
    appointment = subject.appointment
    if kind in (MessageKind.BOOKING_CONFIRMATION, MessageKind.REMINDER):
        if appointment is None or appointment.status != AppointmentStatus.BOOKED:
            return "the appointment is no longer booked"
        if appointment.starts_at <= now:
            return "the appointment has started"
        if row.context.get("starts_at") not in (None, appointment.starts_at.isoformat()):
            return "the appointment was moved"
    if kind == MessageKind.NO_SHOW and (
        appointment is None or appointment.status != AppointmentStatus.NO_SHOW
    ):
        return "the appointment is no longer marked as missed"
    if kind in (MessageKind.AFTERCARE, MessageKind.REVIEW_INVITATION) and (
        subject.treatment is None or not subject.treatment.is_signed
    ):
        return "the treatment is not signed"
    if kind == MessageKind.REVIEW_INVITATION and _review_arranged(subject.treatment):
        return "the review is already booked or done"
    if kind in RECALL_KINDS:
        return _recall_over(row, subject, now)
    return ""


def _review_arranged(treatment: TreatmentRecord | None) -> bool:
    if treatment is None:
        return False
    booked = Appointment.objects.reviews_of(treatment).filter(status__in=[*BOOKED, "completed"])
    return booked.exists() or treatment.reviews.exists()


def _recall_over(row: Outbox, subject: Subject, now: datetime) -> str:
    recall = subject.recall
    if recall is not None and recall.status not in OPEN_RECALL:
        return f"the recall is closed ({recall.get_status_display().lower()})"
    already = Outbox.objects.filter(
        subject_key=row.subject_key, kind=row.kind, status=OutboxStatus.SENT
    ).exclude(pk=row.pk)
    if already.exists():
        return "this recall message was already sent"
    booked = Appointment.objects.filter(
        patient_id=row.patient_id,
        kind__in=BOOKS_THE_NEXT_COURSE,
        status__in=BOOKED,
        starts_at__gte=now,
    )
    if booked.exists():
        return "the patient has booked"
    treatment = subject.treatment
    if treatment is not None:
        later = TreatmentRecord.objects.courses().filter(
            Q(treated_on__gt=treatment.treated_on), patient_id=row.patient_id
        )
        if later.exists():
            return "the patient has been treated since"
    return ""
