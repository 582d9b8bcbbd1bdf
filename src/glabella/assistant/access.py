"""Which clinic, entry or handoff a staff request may see; 404 when it is not theirs.

Staff work on the clinics where they hold a role (``?clinic=`` picks one when they have
several). What the role allows comes from ``glabella.accounts.roles``. Every staff page
goes through these helpers.
"""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from glabella.accounts.access import staff_clinic
from glabella.accounts.models import Clinic
from glabella.accounts.roles import Capability

from .models import Entry, Handoff


def clinic_for_staff(
    request: HttpRequest, capability: Capability = Capability.ASSISTANT_READ
) -> Clinic:
    return staff_clinic(request, capability)


def get_entry_for_staff(
    request: HttpRequest, entry_id: UUID, capability: Capability = Capability.ASSISTANT_READ
) -> Entry:
    clinic = clinic_for_staff(request, capability)
    return get_object_or_404(
        Entry.objects.select_related("clinic", "approved_version", "approved_by"),
        public_id=entry_id,
        clinic=clinic,
    )


def get_handoff_for_staff(request: HttpRequest, handoff_id: UUID) -> Handoff:
    clinic = clinic_for_staff(request, Capability.ASSISTANT_INBOX)
    return get_object_or_404(
        Handoff.objects.select_related(
            "clinic", "replied_by", "saved_as", "patient", "called_back_by"
        ),
        public_id=handoff_id,
        clinic=clinic,
    )
