"""Which of their clinics a staff request works on, and whether their role allows the action.

The clinic comes from ``?clinic=<slug>`` among the user's own clinics (404 otherwise, so a
page never confirms that another clinic exists); someone with a single clinic may leave it
out. The action needs the capability at that clinic (``roles.py``), else 403.
"""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from .models import Clinic, Membership
from .roles import Capability, allows, memberships_of

Row = TypeVar("Row", bound=Model)


class ClinicNotChosen(Http404):
    """The user works at several clinics and named none (a 404 unless a page offers a choice)."""

    def __init__(self, clinics: list[Clinic]) -> None:
        super().__init__("Choose one of your clinics with ?clinic=.")
        self.clinics = clinics


def staff_clinic(request: HttpRequest, capability: Capability) -> Clinic:
    memberships = memberships_of(request.user)
    if not memberships:
        raise PermissionDenied("Only staff of a clinic can open this page.")
    membership = _chosen(memberships, request.GET.get("clinic"))
    if not allows(membership.role, capability):
        raise PermissionDenied(f"Your role does not allow this ({capability}).")
    return membership.clinic


def _chosen(memberships: list[Membership], slug: str | None) -> Membership:
    if not slug:
        if len(memberships) > 1:
            raise ClinicNotChosen([m.clinic for m in memberships])
        return memberships[0]
    chosen = next((m for m in memberships if m.clinic.slug == slug), None)
    if chosen is None:
        raise Http404("No such clinic among yours.")
    return chosen


def clinic_row_for_user(
    request: HttpRequest,
    rows: QuerySet[Row],
    public_id: UUID | str,
    capability: Capability,
    *,
    what: str,
) -> Row:
    """The row of ``rows`` with ``public_id`` if it belongs to one of the user's clinics
    (else 404: its existence is private) and their role there allows ``capability``
    (else 403). Every access helper that fetches one clinic-owned row goes through here."""
    memberships = {m.clinic_id: m for m in memberships_of(request.user)}
    found: Any = rows.filter(public_id=public_id, clinic_id__in=memberships).first()
    if found is None:
        raise Http404(f"No such {what} among your clinics.")
    if not allows(memberships[found.clinic_id].role, capability):
        raise PermissionDenied(f"Your role does not allow this ({capability}).")
    return found  # type: ignore[no-any-return]
