"""Patient records over JSON for signed-in staff (session cookie + CSRF, as the pages).

Front desk receives ``PatientDemographicsOut``; clinicians ``PatientClinicalOut``. Bad input
is a 422 problem with field errors and nothing saved; another clinic's patient is a 404.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status
from ninja.security import SessionAuth

from glabella.accounts.two_factor import TwoFactorRequired, require_verified_staff

from . import services
from .access import (
    READ_DEMOGRAPHICS,
    WRITE_CLINICAL,
    WRITE_DEMOGRAPHICS,
    can_read_clinical,
    clinic_for_patients,
    get_patient_for_user,
)
from .models import Channel, Patient, Sex

LIST_LIMIT = 50


class StaffSessionAuth(SessionAuth):
    """django_auth, plus the staff area's two-factor rule (the pages get it from /staff/)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None:
            return None
        try:
            require_verified_staff(request)
        except TwoFactorRequired as needed:
            raise PermissionDenied("Verify this session with your authenticator app.") from needed
        return user


router = Router(tags=["patients"], auth=StaffSessionAuth())


class _PatientBase(Schema):
    id: UUID = Field(..., description="the patient's public id (never the database key)")
    first_name: str
    last_name: str
    date_of_birth: date
    sex: str
    phone: str
    email: str
    preferred_channel: str
    consent_to_contact: bool
    consent_recorded_at: datetime | None
    created_at: datetime
    updated_at: datetime


class PatientDemographicsOut(_PatientBase):
    """What every staff role sees."""


class PatientClinicalOut(_PatientBase):
    """Demographics plus the clinical record: medical directors and injectors."""

    allergies: list[str]
    medicines: list[str]
    pregnant: bool
    breastfeeding: bool
    neuromuscular_disorder: bool
    swallowing_or_breathing_difficulty: bool
    cardiovascular_disease: bool
    previous_reaction: bool
    facial_anatomy_caution: bool
    dry_eye: bool
    clinical_notes: str


class PatientIn(Schema):
    first_name: str = Field(..., min_length=1, max_length=100)
    last_name: str = Field(..., min_length=1, max_length=100)
    date_of_birth: date
    sex: Sex | None = None
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    preferred_channel: Channel = Channel.NONE
    consent_to_contact: bool = False


class DemographicsPatch(Schema):
    first_name: str | None = Field(None, min_length=1, max_length=100)
    last_name: str | None = Field(None, min_length=1, max_length=100)
    date_of_birth: date | None = None
    sex: Sex | None = None
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    preferred_channel: Channel | None = None
    consent_to_contact: bool | None = None


class ClinicalPatch(Schema):
    allergies: list[str] | None = Field(None, description="allergen names from the catalogue")
    medicines: list[str] | None = Field(None, description="medicine names from the catalogue")
    pregnant: bool | None = None
    breastfeeding: bool | None = None
    neuromuscular_disorder: bool | None = None
    swallowing_or_breathing_difficulty: bool | None = None
    cardiovascular_disease: bool | None = None
    previous_reaction: bool | None = None
    facial_anatomy_caution: bool | None = None
    dry_eye: bool | None = None
    clinical_notes: str | None = None


PatientOut = PatientClinicalOut | PatientDemographicsOut


@router.get(
    "",
    response=list[PatientDemographicsOut],
    summary="Find patients by name, phone or date of birth",
)
def list_patients(request: HttpRequest, q: str = "", clinic: str | None = None) -> list[Schema]:
    chosen = clinic_for_patients(request, READ_DEMOGRAPHICS)
    found = services.search_patients(chosen, q, by=request.user)[:LIST_LIMIT]
    return [_out(patient, clinical=False) for patient in found]


@router.post("", response={201: PatientDemographicsOut}, summary="Register a patient")
def create_patient(
    request: HttpRequest, payload: PatientIn, clinic: str | None = None
) -> Status[Schema]:
    chosen = clinic_for_patients(request, WRITE_DEMOGRAPHICS)
    data = payload.dict()
    data["sex"] = data["sex"] or ""
    patient = services.register_patient(chosen, data, by=request.user)
    return Status(201, _out(patient, clinical=False))


@router.get("/{patient_id}", response=PatientOut, summary="A patient's record (by role)")
def get_patient(request: HttpRequest, patient_id: UUID) -> Schema:
    patient = get_patient_for_user(request, patient_id, READ_DEMOGRAPHICS)
    clinical = can_read_clinical(request, patient)
    services.view_patient(patient, by=request.user, clinical=clinical)
    return _out(patient, clinical=clinical)


@router.patch("/{patient_id}/demographics", response=PatientOut, summary="Change contact details")
def patch_demographics(
    request: HttpRequest, patient_id: UUID, payload: DemographicsPatch
) -> Schema:
    patient = get_patient_for_user(request, patient_id, WRITE_DEMOGRAPHICS)
    data = payload.dict(exclude_unset=True)
    if "sex" in data:
        data["sex"] = data["sex"] or ""
    patient = services.update_demographics(patient, _not_null(data), by=request.user)
    return _out(patient, clinical=can_read_clinical(request, patient))


@router.patch(
    "/{patient_id}/clinical", response=PatientClinicalOut, summary="Change the clinical record"
)
def patch_clinical(request: HttpRequest, patient_id: UUID, payload: ClinicalPatch) -> Schema:
    patient = get_patient_for_user(request, patient_id, WRITE_CLINICAL)
    data = _not_null(payload.dict(exclude_unset=True))
    return _out(services.update_clinical(patient, data, by=request.user), clinical=True)


def _out(patient: Patient, *, clinical: bool) -> Schema:
    """Only the fields the role may see are ever read from the row."""
    schema = PatientClinicalOut if clinical else PatientDemographicsOut
    fields = {name: getattr(patient, name) for name in schema.model_fields if name != "id"}
    return schema(id=patient.public_id, **fields)


def _not_null(data: dict[str, Any]) -> dict[str, Any]:
    """A field sent as null is refused with a field error rather than stored."""
    nulls = sorted(k for k, v in data.items() if v is None)
    if nulls:
        raise ValidationError(dict.fromkeys(nulls, "This field cannot be null."))
    return data
