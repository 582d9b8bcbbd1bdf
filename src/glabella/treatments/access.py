"""Which consultation, treatment record, review or adverse event a staff request may reach.

Like patients (``patients/access.py``): a row outside the user's clinics is a 404 (its
existence is private); inside them, a role without the capability is a 403.
"""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpRequest

from glabella.accounts.access import clinic_row_for_user
from glabella.accounts.roles import Capability

from .models import AdverseEvent, Consultation, Recall, Review, TreatmentRecord

READ = Capability.PATIENTS_READ_CLINICAL
WRITE = Capability.PATIENTS_WRITE_CLINICAL
SIGN = Capability.TREATMENTS_SIGN
OVERRIDE = Capability.SCREENING_OVERRIDE
RECALL = Capability.RECALL_READ
# Noting a call, a refusal or "do not contact" on a recall, and sending the invitations: the
# roles that may change a patient's contact details.
RECALL_WRITE = Capability.PATIENTS_WRITE_DEMOGRAPHICS


def get_treatment_for_user(
    request: HttpRequest, public_id: UUID | str, capability: Capability
) -> TreatmentRecord:
    rows = TreatmentRecord.objects.select_related("clinic", "patient__clinic", "injector")
    return clinic_row_for_user(request, rows, public_id, capability, what="record")


def get_consultation_for_user(
    request: HttpRequest, public_id: UUID | str, capability: Capability
) -> Consultation:
    rows = Consultation.objects.select_related("clinic", "patient__clinic")
    return clinic_row_for_user(request, rows, public_id, capability, what="record")


def get_review_for_user(
    request: HttpRequest, public_id: UUID | str, capability: Capability
) -> Review:
    rows = Review.objects.select_related("clinic", "patient__clinic", "treatment")
    return clinic_row_for_user(request, rows, public_id, capability, what="record")


def get_event_for_user(
    request: HttpRequest, public_id: UUID | str, capability: Capability
) -> AdverseEvent:
    rows = AdverseEvent.objects.select_related("clinic", "patient__clinic", "treatment")
    return clinic_row_for_user(request, rows, public_id, capability, what="record")


def get_recall_for_user(
    request: HttpRequest, treatment_id: UUID | str, capability: Capability
) -> Recall:
    """The recall of a course, found by the course's public id."""
    course = clinic_row_for_user(
        request, TreatmentRecord.objects.select_related("clinic"), treatment_id, capability,
        what="record",
    )  # fmt: skip
    recall = Recall.objects.select_related("patient", "clinic").filter(treatment=course).first()
    if recall is None:
        raise Http404("This course has no recall (a touch-up, or not signed).")
    return recall
