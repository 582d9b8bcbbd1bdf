"""Which appointment a staff request may reach, and whether its role allows the action.

Like patients (``patients/access.py``): an appointment outside the user's clinics is a 404
(its existence is private); inside them, a role without the capability is a 403.
"""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest

from glabella.accounts.access import clinic_row_for_user
from glabella.accounts.models import Clinic
from glabella.accounts.roles import Capability, staff_who_may
from glabella.accounts.types import StaffUser

from .models import Appointment

READ = Capability.APPOINTMENTS_READ
WRITE = Capability.APPOINTMENTS_WRITE
# Who treats, so who can be an appointment's injector.
TREATS = Capability.TREATMENTS_SIGN


def get_appointment_for_user(
    request: HttpRequest, appointment_id: UUID | str, capability: Capability
) -> Appointment:
    rows = Appointment.objects.select_related("clinic", "patient", "injector", "follows")
    return clinic_row_for_user(request, rows, appointment_id, capability, what="appointment")


def injectors_of(clinic: Clinic) -> list[StaffUser]:
    """The clinic's staff who treat, in name order (the page's injector filter)."""
    return staff_who_may(clinic, TREATS)
