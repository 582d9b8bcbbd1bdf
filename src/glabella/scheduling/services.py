"""Appointment operations, each in one transaction with its audit event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from glabella.accounts.models import Clinic
from glabella.audit.models import Action
from glabella.audit.services import record
from glabella.patients.models import Patient

from .models import Appointment, AppointmentKind, AppointmentStatus


def propose_appointment(
    patient: Patient,
    kind: AppointmentKind,
    starts_at: datetime,
    *,
    injector: Any,
    by: Any,
    follows: Any = None,
) -> Appointment:
    """An appointment the system suggests; the front desk confirms it with the patient."""
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
        appointment.save()
        _audit(Action.CREATE, appointment, by=by, kind=str(kind))
    return appointment


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
    """Move an appointment on (confirm, arrive, complete, cancel, no-show)."""
    with transaction.atomic():
        locked = (
            Appointment.objects.select_for_update()
            .select_related("patient__clinic")
            .get(pk=appointment.pk)
        )
        allowed = TRANSITIONS.get(AppointmentStatus(locked.status), set())
        if status not in allowed:
            raise ValidationError({"status": _refusal(locked, status, allowed)})
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        _audit(Action.CHANGE, locked, by=by, status=status)
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


def _audit(action: Action, appointment: Appointment, *, by: Any, **detail: Any) -> None:
    record(
        action=action,
        clinic=appointment.clinic,
        actor=by,
        obj=appointment,
        patient_id=appointment.patient.public_id,
        detail=detail,
    )
