"""Which appointment a staff request may reach, and whether its role allows the action.

Like patients (``patients/access.py``): an appointment outside the user's clinics is a 404
(its existence is private); inside them, a role without the capability is a 403.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from glabella.accounts.models import Clinic, Membership, Role
from glabella.accounts.roles import allows, memberships_of

from .models import Appointment

READ = "appointments.read"
WRITE = "appointments.write"
# Who treats, so who can be an appointment's injector.
TREATS = "treatments.sign"


def get_appointment_for_user(
    request: HttpRequest, appointment_id: UUID | str, capability: str
) -> Appointment:
    memberships = {m.clinic_id: m for m in memberships_of(request.user)}
    appointment = (
        Appointment.objects.select_related("clinic", "patient", "injector", "follows")
        .filter(public_id=appointment_id, clinic_id__in=memberships)
        .first()
    )
    if appointment is None:
        raise Http404("No such appointment among your clinics.")
    if not allows(memberships[appointment.clinic_id].role, capability):
        raise PermissionDenied(f"Your role does not allow this ({capability}).")
    return appointment


def injectors_of(clinic: Clinic) -> list[Any]:
    """The clinic's staff who treat, in name order (the page's injector filter)."""
    treating = [role for role in Role.values if allows(role, TREATS)]
    members = (
        Membership.objects.active()
        .filter(clinic=clinic, role__in=treating)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    return [m.user for m in members]
