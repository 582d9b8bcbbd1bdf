"""Which patient a staff request may reach, and whether its role allows the action.

A patient outside the user's clinics is a 404 (existence is private); inside them, a role
without the capability is a 403. Capabilities live in ``accounts/roles.py``.
"""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest

from glabella.accounts.access import ClinicNotChosen, clinic_row_for_user, staff_clinic
from glabella.accounts.models import Clinic
from glabella.accounts.roles import Capability, can

from .models import Patient

__all__ = ["ClinicNotChosen", "can_read_clinical", "clinic_for_patients", "get_patient_for_user"]

READ_DEMOGRAPHICS = Capability.PATIENTS_READ_DEMOGRAPHICS
WRITE_DEMOGRAPHICS = Capability.PATIENTS_WRITE_DEMOGRAPHICS
READ_CLINICAL = Capability.PATIENTS_READ_CLINICAL
WRITE_CLINICAL = Capability.PATIENTS_WRITE_CLINICAL


def get_patient_for_user(
    request: HttpRequest, patient_id: UUID | str, capability: Capability
) -> Patient:
    rows = Patient.objects.select_related("clinic")
    return clinic_row_for_user(request, rows, patient_id, capability, what="patient")


def can_read_clinical(request: HttpRequest, patient: Patient) -> bool:
    """Whether the user's role at the patient's clinic may read the clinical part."""
    return can(request.user, patient.clinic, READ_CLINICAL)


def can_write(request: HttpRequest, patient: Patient, capability: Capability) -> bool:
    return can(request.user, patient.clinic, capability)


def clinic_for_patients(request: HttpRequest, capability: Capability) -> Clinic:
    """The clinic a search or registration works on (``?clinic=``; see accounts.access)."""
    return staff_clinic(request, capability)
