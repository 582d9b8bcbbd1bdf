"""What each staff role may do, in one place (the role matrix in the README).

Every page, endpoint and service asks ``can`` or ``require`` with a ``Capability``;
nothing else compares roles. A patient role (portal) will be one more column here.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from .models import Clinic, Membership, Role
from .types import RequestUser, StaffUser

MD, INJECTOR, DESK = Role.MEDICAL_DIRECTOR, Role.INJECTOR, Role.FRONT_DESK
ALL_STAFF = frozenset({MD, INJECTOR, DESK})


class Capability(StrEnum):
    """What a page, endpoint or service may need; the value is the name the templates test
    (``"recall.read" in staff_can``). None of these is stored in the database."""

    ASSISTANT_READ = "assistant.read"
    ASSISTANT_EDIT = "assistant.edit"
    ASSISTANT_APPROVE = "assistant.approve"
    ASSISTANT_INBOX = "assistant.inbox"
    ASSISTANT_QUESTIONS = "assistant.questions"
    AUDIT_READ = "audit.read"
    PATIENTS_READ_DEMOGRAPHICS = "patients.read_demographics"
    PATIENTS_WRITE_DEMOGRAPHICS = "patients.write_demographics"
    PATIENTS_READ_CLINICAL = "patients.read_clinical"
    PATIENTS_WRITE_CLINICAL = "patients.write_clinical"
    TREATMENTS_SIGN = "treatments.sign"
    SCREENING_OVERRIDE = "screening.override"
    RECALL_READ = "recall.read"
    APPOINTMENTS_READ = "appointments.read"
    APPOINTMENTS_WRITE = "appointments.write"
    CALENDAR_MANAGE = "calendar.manage"
    MESSAGES_READ = "messages.read"
    MESSAGES_RETRY = "messages.retry"
    MESSAGES_TEMPLATES_EDIT = "messages.templates_edit"
    MESSAGES_TEMPLATES_APPROVE = "messages.templates_approve"
    MESSAGES_SETTINGS = "messages.settings"


CAPABILITIES: dict[Capability, frozenset[Role]] = {
    Capability.ASSISTANT_READ: ALL_STAFF,
    Capability.ASSISTANT_EDIT: frozenset({MD, INJECTOR}),
    Capability.ASSISTANT_APPROVE: frozenset({MD}),
    Capability.ASSISTANT_INBOX: ALL_STAFF,
    Capability.ASSISTANT_QUESTIONS: frozenset({MD, INJECTOR}),
    Capability.AUDIT_READ: frozenset({MD}),
    Capability.PATIENTS_READ_DEMOGRAPHICS: ALL_STAFF,
    Capability.PATIENTS_WRITE_DEMOGRAPHICS: ALL_STAFF,
    Capability.PATIENTS_READ_CLINICAL: frozenset({MD, INJECTOR}),
    Capability.PATIENTS_WRITE_CLINICAL: frozenset({MD, INJECTOR}),
    Capability.TREATMENTS_SIGN: frozenset({INJECTOR}),
    Capability.SCREENING_OVERRIDE: frozenset({MD}),
    Capability.RECALL_READ: ALL_STAFF,
    Capability.APPOINTMENTS_READ: ALL_STAFF,
    Capability.APPOINTMENTS_WRITE: ALL_STAFF,
    Capability.CALENDAR_MANAGE: frozenset({MD}),
    Capability.MESSAGES_READ: ALL_STAFF,
    Capability.MESSAGES_RETRY: ALL_STAFF,
    Capability.MESSAGES_TEMPLATES_EDIT: frozenset({MD, INJECTOR}),
    Capability.MESSAGES_TEMPLATES_APPROVE: frozenset({MD}),
    Capability.MESSAGES_SETTINGS: frozenset({MD}),
}


def allows(role: str, capability: Capability) -> bool:
    return role in CAPABILITIES[capability]


def memberships_of(user: RequestUser | None) -> list[Membership]:
    """The user's active roles, with their clinics, in one query."""
    if not isinstance(user, StaffUser):  # anonymous, or no request user at all
        return []
    # Kept on the user object for the rest of the request (access helper, then navigation).
    cached: list[Membership] | None = getattr(user, "_glabella_memberships", None)
    if cached is None:
        cached = list(Membership.objects.active().filter(user=user).select_related("clinic"))
        user._glabella_memberships = cached  # type: ignore[attr-defined]
    return cached


def role_in(user: RequestUser | None, clinic: Clinic) -> Role | None:
    role = next((m.role for m in memberships_of(user) if m.clinic_id == clinic.pk), None)
    return Role(role) if role else None


def can(user: RequestUser | None, clinic: Clinic, capability: Capability) -> bool:
    role = role_in(user, clinic)
    return role is not None and allows(role, capability)


def require(user: RequestUser | None, clinic: Clinic, capability: Capability) -> None:
    if not can(user, clinic, capability):
        raise PermissionDenied(f"Your role at {clinic} does not allow this ({capability}).")


def clinics_of(user: RequestUser | None) -> QuerySet[Clinic]:
    """The clinics where the user has an active role."""
    if not isinstance(user, StaffUser):
        return Clinic.objects.none()
    return Clinic.objects.filter(memberships__user=user, memberships__is_active=True).distinct()


def staff_who_may(clinic: Clinic, capability: Capability) -> list[StaffUser]:
    """The clinic's active staff whose role allows ``capability`` (e.g. who treats), by name."""
    roles = [role for role in Role.values if allows(role, capability)]
    members = (
        Membership.objects.active()
        .filter(clinic=clinic, role__in=roles)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    return [m.user for m in members]
