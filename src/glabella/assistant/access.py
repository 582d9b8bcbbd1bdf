"""Which clinic, entry or handoff a staff request may see; 404 when it is not theirs.

Staff work on the clinics where they hold a role (``?clinic=`` picks one when they have
several). What the role allows comes from ``glabella.accounts.roles``. Every staff page
goes through these helpers.
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from glabella.accounts.models import Clinic, Membership
from glabella.accounts.roles import allows, memberships_of

from .models import Entry, Handoff


def clinic_for_staff(request: HttpRequest, capability: str = "assistant.read") -> Clinic:
    memberships = memberships_of(request.user)
    if not memberships:
        raise PermissionDenied("Only staff of a clinic can open these pages.")
    membership = _chosen(memberships, request.GET.get("clinic"))
    if not allows(membership.role, capability):
        raise PermissionDenied(f"Your role does not allow this ({capability}).")
    return membership.clinic


def _chosen(memberships: list[Membership], slug: str | None) -> Membership:
    if slug:
        chosen = next((m for m in memberships if m.clinic.slug == slug), None)
    else:
        chosen = memberships[0] if len(memberships) == 1 else None
    if chosen is None:
        raise Http404("No such clinic among yours; choose one with ?clinic=.")
    return chosen


def get_entry_for_staff(
    request: HttpRequest, entry_id: UUID, capability: str = "assistant.read"
) -> Entry:
    clinic = clinic_for_staff(request, capability)
    return get_object_or_404(
        Entry.objects.select_related("clinic", "approved_version", "approved_by"),
        public_id=entry_id,
        clinic=clinic,
    )


def get_handoff_for_staff(request: HttpRequest, handoff_id: UUID) -> Handoff:
    clinic = clinic_for_staff(request, "assistant.inbox")
    return get_object_or_404(
        Handoff.objects.select_related("clinic", "replied_by", "saved_as"),
        public_id=handoff_id,
        clinic=clinic,
    )
