"""Which consultation, treatment record, review or adverse event a staff request may reach.

Like patients (``patients/access.py``): a row outside the user's clinics is a 404 (its
existence is private); inside them, a role without the capability is a 403.
"""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from glabella.accounts.roles import allows, memberships_of

from .models import AdverseEvent, Consultation, Review, TreatmentRecord

READ = "patients.read_clinical"
WRITE = "patients.write_clinical"
SIGN = "treatments.sign"
OVERRIDE = "screening.override"
RECALL = "recall.read"

Row = TypeVar("Row", bound=Model)


def get_treatment_for_user(
    request: HttpRequest, public_id: UUID | str, capability: str
) -> TreatmentRecord:
    rows = TreatmentRecord.objects.select_related("clinic", "patient__clinic", "injector")
    return _get_for_user(request, rows, public_id, capability)


def get_consultation_for_user(
    request: HttpRequest, public_id: UUID | str, capability: str
) -> Consultation:
    rows = Consultation.objects.select_related("clinic", "patient__clinic")
    return _get_for_user(request, rows, public_id, capability)


def get_review_for_user(request: HttpRequest, public_id: UUID | str, capability: str) -> Review:
    rows = Review.objects.select_related("clinic", "patient__clinic", "treatment")
    return _get_for_user(request, rows, public_id, capability)


def get_event_for_user(
    request: HttpRequest, public_id: UUID | str, capability: str
) -> AdverseEvent:
    rows = AdverseEvent.objects.select_related("clinic", "patient__clinic", "treatment")
    return _get_for_user(request, rows, public_id, capability)


def _get_for_user(
    request: HttpRequest, rows: QuerySet[Row], public_id: UUID | str, capability: str
) -> Row:
    memberships = {m.clinic_id: m for m in memberships_of(request.user)}
    found = rows.filter(public_id=public_id, clinic_id__in=memberships).first()
    if found is None:
        raise Http404("No such record among your clinics.")
    if not allows(memberships[found.clinic_id].role, capability):  # type: ignore[attr-defined]
        raise PermissionDenied(f"Your role does not allow this ({capability}).")
    return found
