"""Appointment operations, each in one transaction with its audit event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

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
            raise ValidationError(
                {
                    "status": f"A {locked.get_status_display().lower()} appointment cannot become "
                    f"{status}."
                }
            )
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        _audit(Action.CHANGE, locked, by=by, status=status)
    return locked


def _audit(action: Action, appointment: Appointment, *, by: Any, **detail: Any) -> None:
    record(
        action=action,
        clinic=appointment.clinic,
        actor=by,
        obj=appointment,
        patient_id=appointment.patient.public_id,
        detail=detail,
    )
