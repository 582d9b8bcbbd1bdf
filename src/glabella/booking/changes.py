"""What the patient's signed link does (``links.py``): show the visit (following a move to
where it went), cancel it, or move it to another free time with the same injector, until the
clinic's cancellation window. Each in one transaction with its audit events, the patient as
the anonymous actor; moving and cancelling go through scheduling's services."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from glabella.accounts.models import Clinic
from glabella.audit.models import Action
from glabella.audit.services import record_for_patient
from glabella.messaging.services import enqueue_booking_confirmation
from glabella.scheduling.models import Appointment, AppointmentStatus
from glabella.scheduling.services import book_appointment, set_status

from . import offers
from .models import Reschedule
from .services import OPEN, SlotTaken, TooLate, hold, last_bookable_day, settings_for


def current_appointment(appointment: Appointment) -> Appointment:
    """The appointment as it is now: moved ones lead to where they were moved."""
    seen = 0
    while seen < 100:
        moved = Reschedule.objects.filter(old=appointment).select_related("new").first()
        if moved is None:
            return appointment
        appointment, seen = moved.new, seen + 1
    return appointment


def view_by_link(clinic: Clinic, public_id: str) -> Appointment | None:
    """The appointment the patient's link names (followed to its current time), audited as
    a read by the patient; None when it is not this clinic's."""
    found = (
        Appointment.objects.filter(clinic=clinic, public_id=public_id)
        .select_related("clinic", "patient", "injector")
        .first()
    )
    if found is None:
        return None
    current = current_appointment(found)
    with transaction.atomic():
        record_for_patient(Action.VIEW, current, current.patient, by=None, via="patient link")
    return current


def can_change(appointment: Appointment, now: datetime) -> str:
    """Why the patient cannot move or cancel it online, or ""."""
    if appointment.status not in OPEN:
        return "This appointment is no longer booked."
    hours = settings_for(appointment.clinic).cancellation_hours
    if appointment.starts_at - now < timedelta(hours=hours):
        return (
            f"Appointments can be changed online until {hours} hours before they start. "
            f"Please call us on {appointment.clinic.phone}."
        )
    return ""


def cancel_by_link(appointment: Appointment, *, now: datetime | None = None) -> Appointment:
    now = now or timezone.now()
    reason = can_change(appointment, now)
    if reason:
        raise TooLate(reason)
    with transaction.atomic():
        cancelled = set_status(appointment, AppointmentStatus.CANCELLED, by=None, now=now)
        record_for_patient(
            Action.CHANGE, cancelled, cancelled.patient, by=None, cancelled="by the patient's link"
        )
    return cancelled


def reschedule_by_link(
    appointment: Appointment, starts_at: datetime, *, now: datetime | None = None
) -> Appointment:
    """Move the appointment to ``starts_at`` with the same injector: the old one is cancelled
    (kept as it was), a new one booked through the booking service, and the move recorded
    (``Reschedule``), all in one transaction; ``SlotTaken`` leaves everything as it was."""
    now = now or timezone.now()
    reason = can_change(appointment, now)
    if reason:
        raise TooLate(reason)
    clinic = appointment.clinic
    if starts_at <= now or starts_at.astimezone(clinic.zone).date() > last_bookable_day(
        clinic, now
    ):
        raise ValidationError({"starts_at": "Choose one of the times offered."})
    try:
        with transaction.atomic():
            return _move(appointment, starts_at, now)
    except ValidationError as error:
        if set(error.message_dict) != {"starts_at"}:
            raise
        around = offers.offers_around(
            clinic,
            [appointment.injector],
            appointment.kind,
            starts_at,
            now=now,
            last_day=last_bookable_day(clinic, now),
            minutes=appointment.duration_minutes,
        )
        nearest = offers.nearest(around, starts_at)
        raise SlotTaken(" ".join(error.message_dict["starts_at"]), nearest) from error


def _move(appointment: Appointment, starts_at: datetime, now: datetime) -> Appointment:
    # The injector's row first, as the booking service takes its locks (no deadlock).
    # (Without an injector the id is None and the lookup locks nothing, which is fine.)
    get_user_model().objects.select_for_update().filter(pk=appointment.injector_id).first()  # type: ignore[misc]
    old = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if old.status not in OPEN:
        raise TooLate("This appointment is no longer booked.")
    held = old.status == AppointmentStatus.PROPOSED
    set_status(old, AppointmentStatus.CANCELLED, by=None, now=now)
    data = {
        "kind": old.kind,
        "starts_at": starts_at,
        "injector": old.injector,
        "follows": old.follows,
        "duration_minutes": old.duration_minutes,
        "note": old.note,
    }
    new = book_appointment(old.patient, data, by=None)
    if held:
        hold(new)
    Reschedule.objects.create(clinic=old.clinic, patient=old.patient, old=old, new=new)
    record_for_patient(
        Action.CHANGE,
        new,
        new.patient,
        by=None,
        moved_from=str(old.public_id),
        starts_at_before=old.starts_at.isoformat(),
        starts_at=new.starts_at.isoformat(),
    )
    if not held:
        enqueue_booking_confirmation(new)
    return new
