"""Which appointment a staff request may reach, and whether its role allows the action.

Like patients (``patients/access.py``): an appointment outside the user's clinics is a 404
(its existence is private); inside them, a role without the capability is a 403.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest

from glabella.accounts.access import clinic_row_for_user
from glabella.accounts.models import Clinic
from glabella.accounts.roles import staff_who_may

from .models import Appointment

READ = "appointments.read"
WRITE = "appointments.write"
# Who treats, so who can be an appointment's injector.
TREATS = "treatments.sign"


def get_appointment_for_user(
    request: HttpRequest, appointment_id: UUID | str, capability: str
) -> Appointment:
    rows = Appointment.objects.select_related("clinic", "patient", "injector", "follows")
    return clinic_row_for_user(request, rows, appointment_id, capability, what="appointment")


def injectors_of(clinic: Clinic) -> list[Any]:
    """The clinic's staff who treat, in name order (the page's injector filter)."""
    return staff_who_may(clinic, TREATS)
