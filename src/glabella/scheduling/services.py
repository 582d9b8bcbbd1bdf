"""Appointment operations, each in one transaction with its audit event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import transaction
from django.utils import timezone

from glabella.accounts.models import Clinic
from glabella.audit.models import Action
from glabella.audit.services import record, record_for_patient
from glabella.patients.models import Patient

from .access import injectors_of
from .models import Appointment, AppointmentKind, AppointmentStatus
from .slots import FIRST_START, LAST_START, nearest_free_start, proposed_start


def propose_appointment(
    patient: Patient,
    kind: AppointmentKind,
    starts_at: datetime,
    *,
    injector: Any,
    by: Any,
    follows: Any = None,
) -> Appointment:
    """An appointment the system suggests; the front desk confirms it with the patient.

    ``starts_at`` is the preferred start: the proposal takes the free quarter hour nearest
    it for the injector (under the same locks as booking) within the working day, else on
    the next working days (see ``_free_start``)."""
    appointment = Appointment(
        clinic=patient.clinic,
        patient=patient,
        injector=injector,
        kind=kind,
        starts_at=starts_at,
        duration_minutes=AppointmentKind(kind).default_minutes,
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


SEARCH_WORKING_DAYS = 5  # a proposal looks this far for a free start before keeping its own


def _free_start(appointment: Appointment) -> datetime:
    """The free start nearest the preferred one on its day in the clinic's time zone, else
    on the following working days; the preferred start itself when a week of working days
    has none (confirming it is then refused). Takes the locks (inside the transaction)."""
    injector = appointment.injector
    _lock_injector(injector)
    zone = timezone.get_current_timezone()
    minutes = appointment.duration_minutes
    preferred = timezone.localtime(appointment.starts_at, zone)
    for _ in range(SEARCH_WORKING_DAYS):
        day = preferred.date()
        opens = datetime.combine(day, FIRST_START, tzinfo=zone)
        closes = datetime.combine(day, LAST_START, tzinfo=zone) + timedelta(minutes=minutes)
        busy = [(a.starts_at, a.ends_at) for a in _live_overlapping(injector, opens, closes)]
        start = nearest_free_start(preferred, minutes, busy)
        if start is not None:
            return start
        preferred = proposed_start(day + timedelta(days=1), preferred.time(), zone)
    return appointment.starts_at


NOTE_LENGTH = Appointment._meta.get_field("note").max_length or 300


def book_appointment(patient: Patient, data: dict[str, Any], *, by: Any) -> Appointment:
    """Book a visit agreed with the patient: ``kind``, ``starts_at`` (aware), ``injector``
    (one of the clinic's treating staff), optional ``duration_minutes`` (the kind's usual
    length when missing), ``note`` and ``follows`` (a treatment of the same patient).

    The overlap check runs under row locks (``select_for_update``): the injector's user row,
    which also covers a time with nothing booked yet, then their live appointments that may
    overlap, compared as time ranges whatever day they start on (a visit running past
    midnight blocks the next morning). On PostgreSQL a second booking for the same injector
    waits for the first and then sees it; SQLite (the demo) has no row locks. The database
    constraint against double booking arrives with online booking; until then this check is
    the only guard.
    """
    kind = _kind(data.get("kind"))
    appointment = Appointment(
        clinic=patient.clinic,
        patient=patient,
        injector=data.get("injector"),
        kind=kind or "",
        starts_at=data.get("starts_at"),
        duration_minutes=_duration(data.get("duration_minutes"), kind),
        status=AppointmentStatus.BOOKED,
        follows=data.get("follows"),
        note=(data.get("note") or "").strip(),
        created_by=by,
    )
    errors = _booking_errors(appointment, kind)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        overlap = _overlap(appointment)
        if overlap:
            raise ValidationError({"starts_at": overlap})
        appointment.save()
        record_for_patient(
            Action.CREATE,
            appointment,
            appointment.patient,
            by=by,
            kind=str(kind),
            status=appointment.status,
            starts_at=appointment.starts_at.isoformat(),
            injector=appointment.injector.get_username(),
        )
    return appointment


def _kind(value: Any) -> AppointmentKind | None:
    return AppointmentKind(value) if value in AppointmentKind.values else None


def _duration(value: Any, kind: AppointmentKind | None) -> Any:
    if value in (None, ""):
        return kind.default_minutes if kind else None
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
    return int(low), int(high)  # type: ignore[arg-type]


def _overlap(appointment: Appointment) -> str:
    """Why the injector is not free then, or ""; takes the locks (inside the transaction):
    the injector's user row, which also covers a time with nothing booked yet, then their
    live appointments that may overlap, whatever day they start on."""
    injector = appointment.injector
    _lock_injector(injector)
    start, end = appointment.starts_at, appointment.ends_at
    clash = next(iter(_live_overlapping(injector, start, end, besides=appointment)), None)
    if clash is None:
        return ""
    busy_from, busy_to = timezone.localtime(clash.starts_at), timezone.localtime(clash.ends_at)
    name = injector.get_full_name() or injector.get_username()
    return f"{name} already has an appointment from {busy_from:%H:%M} to {busy_to:%H:%M}."


def _lock_injector(injector: Any) -> None:
    """Lock the injector's user row: every change to their diary takes this lock first."""
    get_user_model().objects.select_for_update().filter(pk=injector.pk).first()


def _live_overlapping(
    injector: Any, start: datetime, end: datetime, *, besides: Appointment | None = None
) -> list[Appointment]:
    """The injector's live appointments whose time range overlaps ``start``..``end`` (other
    than ``besides``), locked, in time order."""
    rows = Appointment.objects.select_for_update().filter(injector=injector).live()
    rows = rows.starting_near(start, end).order_by("starts_at", "id")
    if besides is not None and besides.pk is not None:
        rows = rows.exclude(pk=besides.pk)
    return [a for a in rows if a.starts_at < end and start < a.ends_at]


TRANSITIONS = {
    AppointmentStatus.PROPOSED: {AppointmentStatus.BOOKED, AppointmentStatus.CANCELLED},
    AppointmentStatus.BOOKED: {
        AppointmentStatus.ARRIVED,
        AppointmentStatus.CANCELLED,
        AppointmentStatus.NO_SHOW,
    },
    AppointmentStatus.ARRIVED: {AppointmentStatus.COMPLETED},
}


def set_status(appointment: Appointment, status: str, *, by: Any) -> Appointment:
    """Move an appointment on (confirm, arrive, complete, cancel, no-show). Confirming a
    proposal makes the booking's overlap check, under the same locks in the same order (the
    injector's user row first: an appointment never changes injector)."""
    confirming = status == AppointmentStatus.BOOKED and appointment.injector_id is not None
    with transaction.atomic():
        if confirming:
            _lock_injector(appointment.injector)
        locked = (
            Appointment.objects.select_for_update()
            .select_related("patient__clinic")
            .get(pk=appointment.pk)
        )
        allowed = TRANSITIONS.get(AppointmentStatus(locked.status), set())
        if status not in allowed:
            raise ValidationError({"status": _refusal(locked, status, allowed)})
        overlap = _overlap(locked) if confirming else ""
        if overlap:
            raise ValidationError({"starts_at": overlap})
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        record_for_patient(Action.CHANGE, locked, locked.patient, by=by, status=status)
    return locked


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
    clinic: Clinic, day: date, *, by: Any, injector: Any = None, today: date | None = None
) -> DaySheet:
    """The clinic's appointments on ``day`` and every proposal from ``today`` on still to
    confirm (so none is forgotten), optionally for one injector; an audited view."""
    today = today or timezone.localdate()
    rows = Appointment.objects.for_clinic(clinic).select_related("patient", "injector", "follows")
    if injector is not None:
        rows = rows.filter(injector=injector)
    sheet = DaySheet(
        day=day,
        appointments=list(rows.on_day(day).order_by("starts_at", "id")),
        to_confirm=list(rows.to_confirm(today).order_by("starts_at", "id")),
    )
    with transaction.atomic():
        record(
            action=Action.VIEW,
            clinic=clinic,
            actor=by,
            object_type="scheduling.day",
            detail={
                "date": day.isoformat(),
                "count": len(sheet.appointments),
                "to_confirm": len(sheet.to_confirm),
                "injector": injector.get_username() if injector is not None else "",
            },
        )
    return sheet
