"""What each staff role may do, in one place (the role matrix in the README).

Every page, endpoint and service asks ``can`` or ``require`` with a capability name;
nothing else compares roles. A patient role (portal) will be one more column here.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from .models import Clinic, Membership, Role

MD, INJECTOR, DESK = Role.MEDICAL_DIRECTOR, Role.INJECTOR, Role.FRONT_DESK
ALL_STAFF = frozenset({MD, INJECTOR, DESK})

CAPABILITIES: dict[str, frozenset[Role]] = {
    "assistant.read": ALL_STAFF,
    "assistant.edit": frozenset({MD, INJECTOR}),
    "assistant.approve": frozenset({MD}),
    "assistant.inbox": ALL_STAFF,
    "assistant.questions": frozenset({MD, INJECTOR}),
    "audit.read": frozenset({MD}),
    "patients.read_demographics": ALL_STAFF,
    "patients.write_demographics": ALL_STAFF,
    "patients.read_clinical": frozenset({MD, INJECTOR}),
    "patients.write_clinical": frozenset({MD, INJECTOR}),
    "treatments.sign": frozenset({INJECTOR}),
    "screening.override": frozenset({MD}),
    "recall.read": ALL_STAFF,
    "appointments.read": ALL_STAFF,
    "appointments.write": ALL_STAFF,
    "calendar.manage": frozenset({MD}),
    "messages.read": ALL_STAFF,
    "messages.retry": ALL_STAFF,
    "messages.templates_edit": frozenset({MD, INJECTOR}),
    "messages.templates_approve": frozenset({MD}),
    "messages.settings": frozenset({MD}),
}


def allows(role: str, capability: str) -> bool:
    return role in CAPABILITIES[capability]


def memberships_of(user: Any) -> list[Membership]:
    """The user's active roles, with their clinics, in one query."""
    if not getattr(user, "is_authenticated", False):
        return []
    # Kept on the user object for the rest of the request (access helper, then navigation).
    cached: list[Membership] | None = getattr(user, "_glabella_memberships", None)
    if cached is None:
        cached = list(Membership.objects.active().filter(user=user).select_related("clinic"))
        user._glabella_memberships = cached
    return cached


def role_in(user: Any, clinic: Clinic) -> Role | None:
    role = next((m.role for m in memberships_of(user) if m.clinic_id == clinic.pk), None)
    return Role(role) if role else None


def can(user: Any, clinic: Clinic, capability: str) -> bool:
    role = role_in(user, clinic)
    return role is not None and allows(role, capability)


def require(user: Any, clinic: Clinic, capability: str) -> None:
    if not can(user, clinic, capability):
        raise PermissionDenied(f"Your role at {clinic} does not allow this ({capability}).")


def clinics_of(user: Any) -> QuerySet[Clinic]:
    """The clinics where the user has an active role."""
    if not getattr(user, "is_authenticated", False):
        return Clinic.objects.none()
    return Clinic.objects.filter(memberships__user=user, memberships__is_active=True).distinct()


def staff_who_may(clinic: Clinic, capability: str) -> list[Any]:
    """The clinic's active staff whose role allows ``capability`` (e.g. who treats), by name."""
    roles = [role for role in Role.values if allows(role, capability)]
    members = (
        Membership.objects.active()
        .filter(clinic=clinic, role__in=roles)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    return [m.user for m in members]
