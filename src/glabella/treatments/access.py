"""Which consultation, treatment record, review or adverse event a staff request may reach.

Like patients (``patients/access.py``): a row outside the user's clinics is a 404 (its
existence is private); inside them, a role without the capability is a 403.
"""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest

from glabella.accounts.access import clinic_row_for_user

from .models import AdverseEvent, Consultation, Review, TreatmentRecord

READ = "patients.read_clinical"
WRITE = "patients.write_clinical"
SIGN = "treatments.sign"
OVERRIDE = "screening.override"
RECALL = "recall.read"


def get_treatment_for_user(
    request: HttpRequest, public_id: UUID | str, capability: str
) -> TreatmentRecord:
    rows = TreatmentRecord.objects.select_related("clinic", "patient__clinic", "injector")
    return clinic_row_for_user(request, rows, public_id, capability, what="record")


def get_consultation_for_user(
    request: HttpRequest, public_id: UUID | str, capability: str
) -> Consultation:
    rows = Consultation.objects.select_related("clinic", "patient__clinic")
    return clinic_row_for_user(request, rows, public_id, capability, what="record")


def get_review_for_user(request: HttpRequest, public_id: UUID | str, capability: str) -> Review:
    rows = Review.objects.select_related("clinic", "patient__clinic", "treatment")
    return clinic_row_for_user(request, rows, public_id, capability, what="record")


def get_event_for_user(
    request: HttpRequest, public_id: UUID | str, capability: str
) -> AdverseEvent:
    rows = AdverseEvent.objects.select_related("clinic", "patient__clinic", "treatment")
    return clinic_row_for_user(request, rows, public_id, capability, what="record")
