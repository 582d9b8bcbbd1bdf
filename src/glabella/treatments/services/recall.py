"""The recall loop: one ``Recall`` per signed course, opened when the course is signed, and
moved through its states by the front desk, by messages and by the patient booking.

    due ──contact──▶ contacted (n times) ──┐
     │                                     ├──booking──▶ booked ──next course signed──▶ treated
     ├──────────────── declined ───────────┤   (a cancelled or missed booking: back to due
     └──────────────── do not contact      │    or contacted)
                                           └──next course signed──▶ treated

Scheduling calls ``note_appointment`` after it books an appointment or changes its status;
messaging calls ``Recall.record_contact`` when it sends an invitation. Every change is
audited in its transaction."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from glabella.accounts.models import Clinic
from glabella.accounts.types import Actor, StaffUser
from glabella.audit.models import Action
from glabella.audit.services import record, record_for_patient
from glabella.clinical import Schedule
from glabella.patients.models import Channel, Patient
from glabella.scheduling.models import (
    LIVE_STATUSES,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
)

from ..models import OPEN_RECALL, Recall, RecallStatus, TreatmentRecord

# What books the patient back in (a review or touch-up belongs to the course just given).
BOOKING_KINDS = (AppointmentKind.TREATMENT, AppointmentKind.CONSULTATION)
UNBOOKED = (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)


def recall_window(schedule: Schedule) -> tuple[date, date]:
    """The window from the clinical core's schedule after a course, never opening before the
    earliest retreatment date the same schedule gives (the label's or the clinic's minimum
    interval, whichever is later), nor closing before it opens."""
    opens = max(schedule.window_opens_on, schedule.earliest_retreatment_on)
    return opens, max(schedule.window_closes_on, opens)


def open_recall(course: TreatmentRecord, *, by: StaffUser) -> Recall | None:
    """The recall of a course just signed (inside ``sign_treatment``'s transaction); the
    patient's recalls of earlier courses close as treated. A touch-up has none. A patient
    who asked not to be contacted stays so; a course older than one already recalled is
    recorded closed."""
    if course.is_touch_up or course.recall_opens_on is None:
        return None
    earlier = list(
        Recall.objects.select_for_update(of=("self",))
        .filter(patient_id=course.patient_id)
        .exclude(status=RecallStatus.TREATED)
        .select_related("treatment")
    )
    now = timezone.now()
    newer = [r for r in earlier if r.treatment.treated_on > course.treated_on]
    status = _first_status(earlier, newer)
    for recall in earlier:
        if recall not in newer:
            recall.status, recall.closed_at = RecallStatus.TREATED, now
            recall.save(update_fields=["status", "closed_at", "updated_at"])
    recall = Recall(
        clinic_id=course.clinic_id,
        patient_id=course.patient_id,
        treatment=course,
        product=course.product,
        injector_id=course.injector_id,
        opens_on=course.recall_opens_on,
        closes_on=max(course.recall_closes_on or course.recall_opens_on, course.recall_opens_on),
        status=status,
        closed_at=now if newer else None,
        created_by=by,
    )
    recall.save()
    record_for_patient(
        Action.CREATE, recall, course.patient, by=by, status=recall.status,
        opens_on=recall.opens_on.isoformat(), closed=[str(r.public_id) for r in earlier],
    )  # fmt: skip
    return recall


def _first_status(earlier: list[Recall], newer: list[Recall]) -> RecallStatus:
    if newer:
        return RecallStatus.TREATED
    if any(r.status == RecallStatus.DO_NOT_CONTACT for r in earlier):
        return RecallStatus.DO_NOT_CONTACT
    return RecallStatus.DUE


def note_appointment(appointment: Appointment, *, by: Actor) -> Recall | None:
    """Scheduling's one call after booking an appointment or changing its status: a live
    treatment or consultation booked after the course closes the patient's open (or
    declined) recall as booked; that booking cancelled or missed puts it back on the list.
    Returns the recall changed, if any."""
    if appointment.kind not in BOOKING_KINDS:
        return None
    with transaction.atomic():
        if appointment.status in LIVE_STATUSES:
            recall = _bookable(appointment)
            if recall is None:
                return None
            recall.status, recall.booked_appointment = RecallStatus.BOOKED, appointment
            recall.closed_at = timezone.now()
        elif appointment.status in UNBOOKED:
            recall = _booked_by(appointment)
            if recall is None:
                return None
            other = _other_booking(recall, besides=appointment)
            if other is not None:  # moved to another visit (a reschedule): still booked
                recall.booked_appointment = other
            else:
                recall.status = RecallStatus.CONTACTED if recall.contact_count else RecallStatus.DUE
                recall.booked_appointment, recall.closed_at = None, None
        else:
            return None
        recall.save(update_fields=["status", "booked_appointment", "closed_at", "updated_at"])
        record_for_patient(
            Action.CHANGE, recall, appointment.patient, by=by, status=recall.status,
            appointment=str(appointment.public_id),
        )  # fmt: skip
    return recall


def _bookable(appointment: Appointment) -> Recall | None:
    starts_on = timezone.localtime(appointment.starts_at).date()
    return (
        Recall.objects.select_for_update()
        .filter(
            patient_id=appointment.patient_id,
            status__in=(*OPEN_RECALL, RecallStatus.DECLINED),
            treatment__treated_on__lt=starts_on,
        )
        .order_by("-opens_on", "-id")
        .first()
    )


def _other_booking(recall: Recall, *, besides: Appointment) -> Appointment | None:
    """Another live treatment or consultation of the patient after the recall's course."""
    return (
        Appointment.objects.live()
        .filter(patient_id=recall.patient_id, kind__in=BOOKING_KINDS)
        .filter(starts_at__date__gt=recall.treatment.treated_on)
        .exclude(pk=besides.pk)
        .order_by("starts_at")
        .first()
    )


def _booked_by(appointment: Appointment) -> Recall | None:
    return (
        Recall.objects.select_for_update(of=("self",))
        .select_related("treatment")
        .filter(booked_appointment=appointment, status=RecallStatus.BOOKED)
        .first()
    )


# --- the front desk's changes -----------------------------------------------------------------

StaffStatus = Literal["contacted", "declined", "do_not_contact", "due"]
# From which statuses the front desk may set each one (booked and treated follow events).
STAFF_MOVES: dict[str, tuple[RecallStatus, ...]] = {
    RecallStatus.CONTACTED: OPEN_RECALL,
    RecallStatus.DECLINED: OPEN_RECALL,
    RecallStatus.DO_NOT_CONTACT: (*OPEN_RECALL, RecallStatus.DECLINED),
    RecallStatus.DUE: (RecallStatus.DECLINED, RecallStatus.DO_NOT_CONTACT),
}


def set_recall_status(recall: Recall, status: str, *, by: StaffUser) -> Recall:
    """The front desk's note on a recall: ``contacted`` (a call made: counts one contact),
    ``declined``, ``do_not_contact``, or ``due`` again (after declined or do not contact).
    Anything else, or a move the current status does not allow, is a ``ValidationError``."""
    if status not in STAFF_MOVES:
        raise ValidationError({"status": f"Choose one of: {', '.join(STAFF_MOVES)}."})
    with transaction.atomic():
        locked = (
            Recall.objects.select_for_update(of=("self",))
            .select_related("patient")
            .get(pk=recall.pk)
        )
        before = locked.status
        if before not in STAFF_MOVES[status]:
            raise ValidationError(
                {"status": f"A recall that is {locked.get_status_display().lower()} cannot "
                 f"be marked {RecallStatus(status).label.lower()}."}
            )  # fmt: skip
        if status == RecallStatus.CONTACTED:
            locked.record_contact()
        else:
            locked.status = status
            locked.closed_at = None if status == RecallStatus.DUE else timezone.now()
            locked.save(update_fields=["status", "closed_at", "updated_at"])
        record_for_patient(
            Action.CHANGE, locked, locked.patient, by=by, status=status, was=before,
            contacts=locked.contact_count,
        )  # fmt: skip
    return locked


def settle_recalls_after_merge(patient: Patient, *, by: StaffUser) -> None:
    """After two records merged, the patient keeps one live recall: that of their latest
    course; the others close as treated (inside the merge's transaction)."""
    live = list(
        Recall.objects.select_for_update(of=("self",))
        .filter(patient=patient)
        .exclude(status=RecallStatus.TREATED)
        .select_related("treatment")
        .order_by("-treatment__treated_on", "-id")
    )
    for recall in live[1:]:
        recall.status, recall.closed_at = RecallStatus.TREATED, timezone.now()
        recall.save(update_fields=["status", "closed_at", "updated_at"])
        record_for_patient(Action.CHANGE, recall, patient, by=by, status=recall.status, merged=True)


def due_this_week(today: date) -> tuple[date, date]:
    """Monday and the next Monday of ``today``'s week."""
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=7)


# --- contacting the week's selection ------------------------------------------------------------

CONTACT_LIMIT = 200  # invitations queued by one press of the button


@dataclass(frozen=True)
class ContactRun:
    queued: int  # messages put in the outbox (each recall counted as contacted)
    not_queued: int  # already queued, or the patient had the clinic's maximum of recalls
    without_consent: int  # due this week but not agreeing to messages: call them instead
    left_over: int  # beyond CONTACT_LIMIT: press again


def contact_due_this_week(
    clinic: Clinic, rows: QuerySet[Recall], *, today: date, by: StaffUser
) -> ContactRun:
    """Queue the recall message (``messaging.services.enqueue_recall``) for each of ``rows``
    (the list's filtered selection) not contacted yet whose window opened this week (from
    Monday to ``today``: never before it opens) and who agreed to messages, at most
    ``CONTACT_LIMIT``. Each message is its own
    transaction (a refusal leaves the others); the run is audited with its counts."""
    from glabella.messaging.services import enqueue_recall  # the messaging app sits above us

    monday = today - timedelta(days=today.weekday())
    # Only those not contacted yet: pressing again does not send a second message.
    week = rows.filter(status=RecallStatus.DUE, opens_on__gte=monday, opens_on__lte=today)
    consenting = week.filter(patient__consent_to_contact=True).exclude(
        patient__preferred_channel=Channel.NONE
    )
    chosen = list(consenting.select_related("patient", "clinic", "treatment")[:CONTACT_LIMIT])
    queued = [r for r in chosen if _queued(enqueue_recall, r, by=by)]
    run = ContactRun(
        queued=len(queued),
        not_queued=len(chosen) - len(queued),
        without_consent=week.count() - consenting.count(),
        left_over=max(consenting.count() - len(chosen), 0),
    )
    with transaction.atomic():
        record(
            action=Action.CREATE,
            clinic=clinic,
            actor=by,
            object_type="treatments.recall_contact",
            detail={**asdict(run), "week": monday.isoformat(),
                    "recalls": [str(r.public_id) for r in queued]},
        )  # fmt: skip
    return run


def _queued(enqueue: Any, recall: Recall, *, by: StaffUser) -> bool:
    try:
        return enqueue(recall, by=by) is not None
    except ValidationError:  # closed meanwhile (booked, declined): not contacted
        return False
