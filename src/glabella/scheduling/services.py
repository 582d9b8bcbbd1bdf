"""Appointment operations, each in one transaction with its audit event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, transaction
from django.utils import timezone

from glabella.accounts.models import Clinic
from glabella.accounts.types import Actor, StaffUser
from glabella.audit.models import Action
from glabella.audit.services import record_for_patient, record_read
from glabella.patients.models import Patient

from .access import injectors_of
from .calendar import calendar_refusal, free_slots_for
from .models import (
    NO_DOUBLE_BOOKING,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    kind_minutes,
)
from .slots import nearest_free_start


def propose_appointment(
    patient: Patient,
    kind: AppointmentKind,
    starts_at: datetime,
    *,
    injector: StaffUser | None,
    by: Actor,
    follows: Any = None,
) -> Appointment:
    """An appointment the system suggests; the front desk confirms it with the patient.

    ``starts_at`` is the preferred start: the proposal takes the injector's free slot nearest
    it by the clinic's calendar (hours, closures, time off, buffer), under the same locks as
    booking, on that day or the following ones (see ``_free_start``)."""
    appointment = Appointment(
        clinic=patient.clinic,
        patient=patient,
        injector=injector,
        kind=kind,
        starts_at=starts_at,
        duration_minutes=kind_minutes(patient.clinic, kind),
        status=AppointmentStatus.PROPOSED,
        follows=follows,
        created_by=by,
    )
    with transaction.atomic():
        if injector is not None:
            appointment.starts_at = _free_start(appointment)
        appointment.save()
        record_for_patient(Action.CREATE, appointment, appointment.patient, by=by, kind=str(kind))
    return appointment


SEARCH_DAYS = 14  # a proposal looks this far for a free slot before keeping its own start


def _free_start(appointment: Appointment) -> datetime:
    """The injector's free slot nearest the preferred start on its day (in the clinic's time
    zone), else nearest the same hour on the first of the next ``SEARCH_DAYS`` days that
    has one; the preferred start itself when there is none (confirming it is then
    refused). Takes the locks (inside the transaction). A preferred start already past (a
    record entered late, the demo's history) is placed on its own day by the same rules:
    the past does not push it on."""
    _lock_injector(_injector_of(appointment))
    preferred, zone = appointment.starts_at, appointment.clinic.zone
    first_day = timezone.localtime(preferred, zone).date()
    found = free_slots_for(
        appointment.clinic,
        _injector_of(appointment),
        first_day=first_day,
        last_day=first_day + timedelta(days=SEARCH_DAYS),
        minutes=appointment.duration_minutes,
        now=min(timezone.now(), preferred),
    )
    start = None
    for offset in range(SEARCH_DAYS + 1):  # the first day with a slot, near the same hour
        day = first_day + timedelta(days=offset)
        wanted = datetime.combine(day, timezone.localtime(preferred, zone).time(), tzinfo=zone)
        start = nearest_free_start(wanted, [s for s in found if s.date() == day])
        if start is not None:
            break
    return start or preferred


NOTE_LENGTH = Appointment._meta.get_field("note").max_length or 300


def book_appointment(patient: Patient, data: dict[str, Any], *, by: Actor) -> Appointment:
    """Book a visit agreed with the patient: ``kind``, ``starts_at`` (aware), ``injector``
    (one of the clinic's treating staff), optional ``duration_minutes`` (the kind's usual
    length when missing), ``note`` and ``follows`` (a treatment of the same patient).

    The overlap check runs under row locks (``select_for_update``): the injector's user row,
    which also covers a time with nothing booked yet, then their live appointments that may
    overlap, compared as time ranges whatever day they start on (a visit running past
    midnight blocks the next morning), widened by the clinic's buffer. On PostgreSQL a
    second booking for the same injector waits for the first and then sees it, and the
    exclusion constraint refuses any overlap that got past (reported the same way); SQLite
    (the demo) has no row locks and no constraint, only this check.

    The clinic's calendar is enforced: a closed date, a time outside the opening hours or
    the injector's working hours, or their time off is refused with the reason. There is
    no override: a manager changes the hours (or the injector's) first.
    """
    kind = _kind(data.get("kind"))
    appointment = Appointment(
        clinic=patient.clinic,
        patient=patient,
        injector=data.get("injector"),
        kind=kind or "",
        starts_at=data.get("starts_at"),  # type: ignore[misc]  # a missing one: _booking_errors
        duration_minutes=_duration(data.get("duration_minutes"), kind, patient.clinic),
        status=AppointmentStatus.BOOKED,
        follows=data.get("follows"),
        note=(data.get("note") or "").strip(),
        created_by=by,
    )
    errors = _booking_errors(appointment, kind)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        refused = _calendar_refusal(appointment) or _overlap(appointment)
        if refused:
            raise ValidationError({"starts_at": refused})
        _save_or_refuse(appointment)
        record_for_patient(
            Action.CREATE,
            appointment,
            appointment.patient,
            by=by,
            kind=str(kind),
            status=appointment.status,
            starts_at=appointment.starts_at.isoformat(),
            injector=_injector_of(appointment).get_username(),
        )
        _tell_recall(appointment, by=by)
    return appointment


def _tell_recall(appointment: Appointment, *, by: Actor) -> None:
    """A treatment or consultation booked closes the patient's recall; cancelled or missed,
    it reopens it (treatments.services.recall; imported here because treatments imports
    this module)."""
    from glabella.treatments.services.recall import note_appointment

    note_appointment(appointment, by=by)


def _save_or_refuse(appointment: Appointment, **save: Any) -> None:
    """Save; the exclusion constraint's refusal (PostgreSQL) as the overlap's clear error."""
    try:
        with transaction.atomic():  # a savepoint: the outer transaction stays usable
            appointment.save(**save)
    except IntegrityError as error:
        if NO_DOUBLE_BOOKING not in str(error):
            raise
        name = display_name(_injector_of(appointment))
        raise ValidationError(
            {"starts_at": f"{name} already has an appointment at that time."}
        ) from error


def _calendar_refusal(appointment: Appointment) -> str:
    refusal = calendar_refusal(
        appointment.clinic,
        _injector_of(appointment),
        appointment.starts_at,
        appointment.duration_minutes,
    )
    return refusal.replace("the injector", display_name(_injector_of(appointment)), 1)


def display_name(user: StaffUser) -> str:
    return user.get_full_name() or user.get_username()


def _kind(value: Any) -> AppointmentKind | None:
    return AppointmentKind(value) if value in AppointmentKind.values else None


def _duration(value: Any, kind: AppointmentKind | None, clinic: Clinic) -> Any:
    if value in (None, ""):
        return kind_minutes(clinic, kind) if kind else None
    return value


def _booking_errors(appointment: Appointment, kind: AppointmentKind | None) -> dict[str, str]:
    """Everything wrong with the booking that needs no lock, by field."""
    errors: dict[str, str] = {}
    if kind is None:
        errors["kind"] = "Choose the kind of appointment."
    starts_at = appointment.starts_at
    if not isinstance(starts_at, datetime) or timezone.is_naive(starts_at):
        errors["starts_at"] = "Give the date and time the appointment starts."
    elif starts_at < timezone.now():
        errors["starts_at"] = "That time has passed: choose a start from now on."
    minutes = appointment.duration_minutes
    # Without a kind a missing length has no default; the kind's error says enough.
    duration = _duration_error(minutes) if kind or minutes is not None else ""
    if duration:
        errors["duration_minutes"] = duration
    if appointment.injector not in injectors_of(appointment.clinic):
        errors["injector"] = f"Choose one of the injectors who treat at {appointment.clinic}."
    follows = appointment.follows
    if follows is not None and follows.patient_id != appointment.patient.pk:
        errors["follows"] = "The treatment it follows must be this patient's."
    if len(appointment.note) > NOTE_LENGTH:
        errors["note"] = f"Keep the note within {NOTE_LENGTH} characters."
    return errors


def _duration_error(minutes: Any) -> str:
    if not isinstance(minutes, int) or isinstance(minutes, bool):
        return "Give the length in whole minutes."
    try:
        Appointment._meta.get_field("duration_minutes").run_validators(minutes)
    except ValidationError:
        low, high = duration_bounds()
        return f"An appointment lasts from {low} to {high} minutes."
    return ""


def duration_bounds() -> tuple[int, int]:
    """The shortest and longest appointment the model allows, in minutes."""
    field = Appointment._meta.get_field("duration_minutes")
    low = next(v.limit_value for v in field.validators if isinstance(v, MinValueValidator))
    high = next(v.limit_value for v in field.validators if isinstance(v, MaxValueValidator))
    return int(low), int(high)


def _overlap(appointment: Appointment) -> str:
    """Why the injector is not free then, or ""; takes the locks (inside the transaction):
    the injector's user row, which also covers a time with nothing booked yet, then their
    live appointments that may overlap, whatever day they start on."""
    injector = _injector_of(appointment)
    _lock_injector(injector)
    pad = timedelta(minutes=appointment.clinic.buffer_minutes)
    start = appointment.starts_at
    end = start + timedelta(minutes=appointment.duration_minutes)
    clash = next(
        iter(_live_overlapping(injector, start - pad, end + pad, besides=appointment)), None
    )
    if clash is None:
        return ""
    zone = appointment.clinic.zone
    busy_from = timezone.localtime(clash.starts_at, zone)
    busy_to = timezone.localtime(clash.ends_at, zone)
    said = f"{display_name(injector)} already has an appointment from {busy_from:%H:%M} to "
    said += f"{busy_to:%H:%M}"
    if clash.starts_at < end and start < clash.ends_at:  # an overlap, not only the buffer
        return f"{said}."
    minutes = appointment.clinic.buffer_minutes
    return f"{said}, and the clinic keeps {minutes} minutes between appointments."


def _injector_of(appointment: Appointment) -> StaffUser:
    """The injector of an appointment past the point where one is required (the booking
    checks refuse none; a proposal without one never reaches the locks). The column is
    nullable for proposals, which is all the type can say."""
    return cast(StaffUser, appointment.injector)


def _lock_injector(injector: StaffUser) -> None:
    """Lock the injector's user row: every change to their diary takes this lock first."""
    get_user_model().objects.select_for_update().filter(pk=injector.pk).first()


def _live_overlapping(
    injector: StaffUser, start: datetime, end: datetime, *, besides: Appointment | None = None
) -> list[Appointment]:
    """The injector's live appointments whose time range overlaps ``start``..``end`` (other
    than ``besides``), locked, in time order."""
    rows = Appointment.objects.select_for_update().filter(injector=injector).live()
    rows = rows.between(start, end).order_by("starts_at", "id")
    if besides is not None and besides.pk is not None:
        rows = rows.exclude(pk=besides.pk)
    return list(rows)


TRANSITIONS = {
    AppointmentStatus.PROPOSED: {AppointmentStatus.BOOKED, AppointmentStatus.CANCELLED},
    AppointmentStatus.BOOKED: {
        AppointmentStatus.ARRIVED,
        AppointmentStatus.CANCELLED,
        AppointmentStatus.NO_SHOW,
    },
    AppointmentStatus.ARRIVED: {AppointmentStatus.COMPLETED},
}


def set_status(
    appointment: Appointment, status: str, *, by: Actor, now: datetime | None = None
) -> Appointment:
    """Move an appointment on (confirm, arrive, complete, cancel, no-show) when its status
    and time allow (``allowed_statuses``). Confirming a proposal makes the booking's checks
    (the calendar, then overlaps under the same locks in the same order: the injector's
    user row first; an appointment never changes injector)."""
    now = now or timezone.now()
    confirming = status == AppointmentStatus.BOOKED and appointment.injector_id is not None
    with transaction.atomic():
        if confirming:
            _lock_injector(_injector_of(appointment))
        locked = (
            Appointment.objects.select_for_update()
            .select_related("patient__clinic", "clinic")
            .get(pk=appointment.pk)
        )
        allowed = TRANSITIONS.get(AppointmentStatus(locked.status), set())
        if status not in allowed:
            raise ValidationError({"status": _refusal(locked, status, allowed)})
        too_soon = _too_soon(locked, AppointmentStatus(status), now)
        if too_soon:
            raise ValidationError({"status": too_soon})
        refused = (_calendar_refusal(locked) or _overlap(locked)) if confirming else ""
        if refused:
            raise ValidationError({"starts_at": refused})
        locked.status = status
        _save_or_refuse(locked, update_fields=["status", "updated_at"])
        record_for_patient(Action.CHANGE, locked, locked.patient, by=by, status=status)
        _tell_recall(locked, by=by)
        if confirming:
            transaction.on_commit(lambda: _confirm_to_patient(locked))
    return locked


def _confirm_to_patient(appointment: Appointment) -> None:
    """A proposal or a booking held for the desk, once confirmed, gets the patient's
    confirmation (messaging; imported here because messaging reads this app's models)."""
    from glabella.messaging.services import enqueue_booking_confirmation

    enqueue_booking_confirmation(appointment)


def allowed_statuses(appointment: Appointment, now: datetime) -> set[AppointmentStatus]:
    """The statuses the appointment can move to now: those its status leads to
    (``TRANSITIONS``) that its time allows (no arrival before its day, no no-show before
    it starts; see ``_too_soon``)."""
    following = TRANSITIONS.get(AppointmentStatus(appointment.status), set())
    return {status for status in following if not _too_soon(appointment, status, now)}


def _too_soon(appointment: Appointment, status: AppointmentStatus, now: datetime) -> str:
    zone = appointment.clinic.zone
    day = timezone.localtime(appointment.starts_at, zone).date()
    today = timezone.localtime(now, zone).date()
    if status in (AppointmentStatus.ARRIVED, AppointmentStatus.COMPLETED) and day > today:
        return f"The appointment is on {day:%d %B %Y}: the patient cannot have arrived yet."
    if status == AppointmentStatus.NO_SHOW and appointment.starts_at > now:
        return "The appointment has not started yet: it cannot be a no-show."
    return ""


def _refusal(appointment: Appointment, status: str, allowed: set[AppointmentStatus]) -> str:
    target = AppointmentStatus(status).label if status in AppointmentStatus.values else status
    current = appointment.status.replace("_", "-")
    if not allowed:
        return f"A {current} appointment is final: it cannot change to “{target}”."
    *others, last = sorted(s.label for s in allowed)
    options = f"{', '.join(others)} or {last}" if others else last
    return f"A {current} appointment cannot change to “{target}”; it can become {options}."


@dataclass(frozen=True)
class DaySheet:
    """What the front desk's appointments page shows for one day."""

    day: date
    appointments: list[Appointment]
    to_confirm: list[Appointment]


def appointments_on(
    clinic: Clinic,
    day: date,
    *,
    by: StaffUser,
    injector: StaffUser | None = None,
    today: date | None = None,
) -> DaySheet:
    """The clinic's appointments on ``day`` and every proposal from ``today`` on still to
    confirm (so none is forgotten), optionally for one injector; an audited view."""
    today = today or timezone.localdate(timezone=clinic.zone)
    rows = Appointment.objects.for_clinic(clinic).select_related(
        "clinic", "patient", "injector", "follows"
    )
    if injector is not None:
        rows = rows.filter(injector=injector)
    sheet = DaySheet(
        day=day,
        appointments=list(rows.on_day(day, clinic.zone).order_by("starts_at", "id")),
        to_confirm=list(rows.to_confirm(today).order_by("starts_at", "id")),
    )
    record_read(
        clinic,
        "scheduling.day",
        by=by,
        date=day.isoformat(),
        count=len(sheet.appointments),
        to_confirm=len(sheet.to_confirm),
        injector=injector.get_username() if injector is not None else "",
    )
    return sheet
