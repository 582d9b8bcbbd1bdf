"""Which clinic, entry or handoff a staff request may see; 404 when it is not theirs.

Until staff are tied to clinics, a staff member works on the clinic named by ``?clinic=``
(else the default or only clinic). Every staff page goes through these helpers.
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from glabella.accounts.models import Clinic

from .clinics import NoClinic, clinic_by_slug
from .models import Entry, Handoff


def clinic_for_staff(request: HttpRequest) -> Clinic:
    if not request.user.is_staff:
        raise PermissionDenied("Staff only.")
    try:
        return clinic_by_slug(request.GET.get("clinic"))
    except NoClinic as exc:
        raise Http404(str(exc)) from exc


def get_entry_for_staff(request: HttpRequest, entry_id: UUID) -> Entry:
    clinic = clinic_for_staff(request)
    return get_object_or_404(
        Entry.objects.select_related("clinic", "approved_version", "approved_by"),
        public_id=entry_id,
        clinic=clinic,
    )


def get_handoff_for_staff(request: HttpRequest, handoff_id: UUID) -> Handoff:
    clinic = clinic_for_staff(request)
    return get_object_or_404(
        Handoff.objects.select_related("clinic", "replied_by", "saved_as"),
        public_id=handoff_id,
        clinic=clinic,
    )
