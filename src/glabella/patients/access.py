"""Which patient a staff request may reach, and whether its role allows the action.

A patient outside the user's clinics is a 404 (existence is private); inside them, a role
without the capability is a 403. Capabilities live in ``accounts/roles.py``.
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from glabella.accounts.access import ClinicNotChosen, staff_clinic
from glabella.accounts.models import Clinic
from glabella.accounts.roles import allows, can, memberships_of

from .models import Patient

__all__ = ["ClinicNotChosen", "can_read_clinical", "clinic_for_patients", "get_patient_for_user"]

READ_DEMOGRAPHICS = "patients.read_demographics"
WRITE_DEMOGRAPHICS = "patients.write_demographics"
READ_CLINICAL = "patients.read_clinical"
WRITE_CLINICAL = "patients.write_clinical"


def get_patient_for_user(request: HttpRequest, patient_id: UUID | str, capability: str) -> Patient:
    memberships = {m.clinic_id: m for m in memberships_of(request.user)}
    patient = (
        Patient.objects.select_related("clinic")
        .filter(public_id=patient_id, clinic_id__in=memberships)
        .first()
    )
    if patient is None:
        raise Http404("No such patient among your clinics.")
    if not allows(memberships[patient.clinic_id].role, capability):
        raise PermissionDenied(f"Your role does not allow this ({capability}).")
    return patient


def can_read_clinical(request: HttpRequest, patient: Patient) -> bool:
    """Whether the user's role at the patient's clinic may read the clinical part."""
    return can(request.user, patient.clinic, READ_CLINICAL)


def can_write(request: HttpRequest, patient: Patient, capability: str) -> bool:
    return can(request.user, patient.clinic, capability)


def clinic_for_patients(request: HttpRequest, capability: str) -> Clinic:
    """The clinic a search or registration works on (``?clinic=``; see accounts.access)."""
    return staff_clinic(request, capability)
