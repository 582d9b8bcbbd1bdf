"""What is due: the scheduler the worker runs every minute.

Each clinic in turn, each kind with one indexed range query over a bounded window, then one
bulk insert that ignores rows already in the outbox (the unique (subject, kind, due time)
makes running twice, or on two workers, harmless). The sweep that sends is enqueued after
the commit. A row that is no longer worth sending when its time comes (a cancelled visit, a
patient who has booked) is skipped then, by ``subjects.why_not_send``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from glabella.accounts.models import Clinic
from glabella.scheduling.models import Appointment, AppointmentKind, AppointmentStatus
from glabella.treatments.models import OPEN_RECALL, Recall, TreatmentRecord, TreatmentStatus

from . import tasks
from .clinic_settings import settings_for
from .models import MessageKind, MessagingSettings, Outbox
from .timing import after_quiet_hours, local_moment

# A worker that was down catches up on what fell due in this long; older is let go.
CATCH_UP = timedelta(hours=6)
# Rows are queued this far ahead of their due time (the sweep sends them when due).
AHEAD = timedelta(minutes=15)
BATCH = 1000


@dataclass(frozen=True)
class Due:
    patient_id: int
    kind: str
    subject_key: str
    due_at: datetime
    context: dict[str, str]


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


def run_scheduler(*, now: datetime | None = None) -> int:
    """Queue everything due for every clinic; returns how many rows were new."""
    now = (now or timezone.now()).replace(microsecond=0)
    window = Window(now - CATCH_UP, now + AHEAD)
    added = 0
    for clinic in Clinic.objects.order_by("pk").iterator():
        added += queue_for_clinic(clinic, window, now)
    transaction.on_commit(tasks.send_due_messages.enqueue)
    return added


def queue_for_clinic(clinic: Clinic, window: Window, now: datetime) -> int:
    clinic_settings = settings_for(clinic)
    found: Iterable[Due] = (
        due
        for source in (reminders, confirmations, no_shows, aftercare, review_invitations, recalls)
        for due in source(clinic, clinic_settings, window, now)
    )
    return _insert(clinic, clinic_settings, found)


def _insert(clinic: Clinic, clinic_settings: MessagingSettings, found: Iterable[Due]) -> int:
    """Insert in batches, skipping rows already queued; returns how many were offered."""
    zone = clinic.zone
    quiet = (clinic_settings.quiet_start, clinic_settings.quiet_end, zone)
    offered = 0
    for chunk in _chunks(found, BATCH):
        rows = [
            Outbox(
                clinic=clinic,
                patient_id=due.patient_id,
                kind=due.kind,
                subject_key=due.subject_key,
                due_at=due.due_at.replace(microsecond=0),
                send_after=after_quiet_hours(due.due_at.replace(microsecond=0), *quiet),
                context=due.context,
            )
            for due in chunk
        ]
        Outbox.objects.bulk_create(rows, ignore_conflicts=True)
        offered += len(rows)
    return offered


def _chunks(items: Iterable[Due], size: int) -> Iterator[list[Due]]:
    chunk: list[Due] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- the kinds -----------------------------------------------------------------------------


def reminders(clinic: Clinic, s: MessagingSettings, window: Window, now: datetime) -> Iterator[Due]:
    """A reminder at each of the clinic's offsets before a booked visit, for visits booked
    before that reminder's time (a later booking has its confirmation instead)."""
    for offset in s.reminder_offsets:
        visits = Appointment.objects.filter(
            clinic=clinic,
            status=AppointmentStatus.BOOKED,
            starts_at__gt=max(window.start + offset, now),
            starts_at__lte=window.end + offset,
        ).values_list("pk", "patient_id", "starts_at", "created_at")
        for pk, patient_id, starts_at, created_at in visits.iterator(chunk_size=BATCH):
            due_at = starts_at - offset
            if created_at <= due_at:
                yield Due(
                    patient_id,
                    MessageKind.REMINDER,
                    f"appointment:{pk}",
                    due_at,
                    {"starts_at": starts_at.isoformat()},
                )


def confirmations(
    clinic: Clinic, s: MessagingSettings, window: Window, now: datetime
) -> Iterator[Due]:
    """Visits booked in the window (by staff or online) and still ahead; due when booked,
    as ``services.enqueue_booking_confirmation`` has it."""
    visits = Appointment.objects.filter(
        clinic=clinic,
        status=AppointmentStatus.BOOKED,
        starts_at__gt=now,
        created_at__gte=window.start,
        created_at__lte=window.end,
    ).values_list("pk", "patient_id", "starts_at", "created_at")
    for pk, patient_id, starts_at, created_at in visits.iterator(chunk_size=BATCH):
        yield Due(
            patient_id,
            MessageKind.BOOKING_CONFIRMATION,
            f"appointment:{pk}",
            created_at,
            {"starts_at": starts_at.isoformat()},
        )


def no_shows(clinic: Clinic, s: MessagingSettings, window: Window, now: datetime) -> Iterator[Due]:
    delay = timedelta(hours=s.no_show_delay_hours)
    visits = Appointment.objects.filter(
        clinic=clinic,
        status=AppointmentStatus.NO_SHOW,
        starts_at__gte=window.start - delay - timedelta(days=1),
        starts_at__lte=window.end - delay,
    ).values_list("pk", "patient_id", "starts_at")
    for pk, patient_id, starts_at in visits.iterator(chunk_size=BATCH):
        due_at = starts_at + delay
        if window.start <= due_at:
            yield Due(patient_id, MessageKind.NO_SHOW, f"appointment:{pk}", due_at, {})


def aftercare(clinic: Clinic, s: MessagingSettings, window: Window, now: datetime) -> Iterator[Due]:
    """Treatments given and signed in the window (not touch-ups): aftercare when signed."""
    signed = TreatmentRecord.objects.filter(
        clinic=clinic,
        status=TreatmentStatus.SIGNED,
        signed_at__gte=window.start,
        signed_at__lte=window.end,
        # An old visit signed only now (an imported history) gets no aftercare days later.
        treated_on__gte=(window.start - timedelta(days=1)).date(),
        touch_up_of__isnull=True,
    ).values_list("pk", "patient_id", "signed_at")
    for pk, patient_id, signed_at in signed.iterator(chunk_size=BATCH):
        yield Due(patient_id, MessageKind.AFTERCARE, f"treatment:{pk}", signed_at, {})


def review_invitations(
    clinic: Clinic, s: MessagingSettings, window: Window, now: datetime
) -> Iterator[Due]:
    """The review invitation, the clinic's chosen days before the review that signing
    proposed (on the review day from the clinical core), while it is still to confirm."""
    zone = clinic.zone
    before = timedelta(days=s.review_invite_days_before)
    for day in _days(window, clinic):
        due_at = local_moment(day, s.send_hour, zone)
        if not window.start <= due_at <= window.end:
            continue
        proposals = Appointment.objects.filter(
            clinic=clinic,
            kind=AppointmentKind.REVIEW,
            status=AppointmentStatus.PROPOSED,
            starts_at__gte=local_moment(day + before, 0, zone),
            starts_at__lt=local_moment(day + before + timedelta(days=1), 0, zone),
            follows__isnull=False,
        ).values_list("follows_id", "patient_id")
        for treatment_id, patient_id in proposals.iterator(chunk_size=BATCH):
            yield Due(
                patient_id, MessageKind.REVIEW_INVITATION, f"treatment:{treatment_id}", due_at, {}
            )


def recalls(clinic: Clinic, s: MessagingSettings, window: Window, now: datetime) -> Iterator[Due]:
    """Each open recall (due or contacted): when its window opens, and the clinic's chosen
    days before it closes (windows from the clinical core, set when the course was signed).
    Booked, declined, do-not-contact and treated recalls get nothing."""
    zone = clinic.zone
    notice = timedelta(days=s.recall_closing_days_before)
    open_recalls = Recall.objects.filter(clinic=clinic, status__in=OPEN_RECALL)
    for day in _days(window, clinic):
        due_at = local_moment(day, s.send_hour, zone)
        if not window.start <= due_at <= window.end:
            continue
        opening = open_recalls.filter(opens_on=day)
        # Bounded by the opening date (indexed): no window is open longer than a year.
        closing = open_recalls.filter(
            closes_on=day + notice,
            opens_on__lte=day + notice,
            opens_on__gte=day + notice - timedelta(days=366),
        )
        kinds = ((MessageKind.RECALL_OPEN, opening), (MessageKind.RECALL_CLOSING, closing))
        for kind, rows in kinds:
            found = rows.values_list("pk", "patient_id", "treatment__treated_on")
            for pk, patient_id, treated_on in found.iterator(chunk_size=BATCH):
                context = {"course_start": _start_of(treated_on, due_at).isoformat()}
                yield Due(patient_id, kind, f"recall:{pk}", due_at, context)


def _days(window: Window, clinic: Clinic) -> list[date]:
    zone = clinic.zone
    first, last = window.start.astimezone(zone).date(), window.end.astimezone(zone).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _start_of(day: date, like: datetime) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=like.tzinfo)
