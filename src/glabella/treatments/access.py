"""Which consultation, treatment record, review or adverse event a staff request may reach.

Like patients (``patients/access.py``): a row outside the user's clinics is a 404 (its
existence is private); inside them, a role without the capability is a 403.
"""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpRequest

from glabella.accounts.access import clinic_row_for_user

from .models import AdverseEvent, Consultation, Recall, Review, TreatmentRecord

READ = "patients.read_clinical"
WRITE = "patients.write_clinical"
SIGN = "treatments.sign"
OVERRIDE = "screening.override"
RECALL = "recall.read"
# Noting a call, a refusal or "do not contact" on a recall, and sending the invitations: the
# roles that may change a patient's contact details.
RECALL_WRITE = "patients.write_demographics"


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


def get_recall_for_user(request: HttpRequest, treatment_id: UUID | str, capability: str) -> Recall:
    """The recall of a course, found by the course's public id."""
    course = clinic_row_for_user(
        request, TreatmentRecord.objects.select_related("clinic"), treatment_id, capability,
        what="record",
    )  # fmt: skip
    recall = Recall.objects.select_related("patient", "clinic").filter(treatment=course).first()
    if recall is None:
        raise Http404("This course has no recall (a touch-up, or not signed).")
    return recall
