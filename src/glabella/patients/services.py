"""Operations on patient records. Each runs in one transaction and writes its audit event
inside it; changes record the names of the fields changed, never their values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from glabella.accounts.models import Clinic
from glabella.audit.models import Action
from glabella.audit.services import record, record_for_patient
from glabella.clinical import Intake

from .models import (
    CLINICAL_FIELDS,
    DEMOGRAPHIC_FIELDS,
    HISTORY_FIELDS,
    Patient,
    PatientQuerySet,
    age_on,
)


def register_patient(clinic: Clinic, data: Mapping[str, Any], *, by: Any) -> Patient:
    """A new patient of ``clinic`` from demographic ``data``; ``ValidationError`` saves nothing."""
    patient = Patient(clinic=clinic, created_by=by)
    _assign(patient, data, DEMOGRAPHIC_FIELDS)
    patient.consent_recorded_at = timezone.now()
    patient.full_clean(validate_unique=False, validate_constraints=False)
    with transaction.atomic():
        patient.save()
        record_for_patient(Action.CREATE, patient, patient, by=by, fields=sorted(data))
    return patient


def update_demographics(patient: Patient, data: Mapping[str, Any], *, by: Any) -> Patient:
    return _update(patient, data, DEMOGRAPHIC_FIELDS, section="demographics", by=by)


def update_clinical(patient: Patient, data: Mapping[str, Any], *, by: Any) -> Patient:
    return _update(patient, data, CLINICAL_FIELDS, section="clinical", by=by)


def view_patient(patient: Patient, *, by: Any, clinical: bool) -> Patient:
    """Record that ``by`` opened the record (its clinical part too when ``clinical``)."""
    with transaction.atomic():
        section = "clinical" if clinical else "demographics"
        record_for_patient(Action.VIEW, patient, patient, by=by, section=section)
    return patient


def search_patients(clinic: Clinic, query: str, *, by: Any) -> PatientQuerySet:
    """The clinic's patients matching ``query`` (all of them for an empty one). The search
    is recorded with the query's length only: the text may itself be a name."""
    patients = Patient.objects.for_clinic(clinic)
    if query.strip():
        patients = patients.matching(query)
    with transaction.atomic():
        record(
            action=Action.VIEW,
            clinic=clinic,
            actor=by,
            object_type="patients.search",
            detail={"query_length": len(query.strip())},
        )
    return patients


def patient_intake(patient: Patient, *, on: date) -> Intake:
    """The patient's screening answers as the clinical core's ``Intake``, age as of ``on``."""
    return Intake(
        age=age_on(patient.date_of_birth, on),
        allergies=frozenset(patient.allergies),
        medicines=frozenset(patient.medicines),
        **{name: getattr(patient, name) for name in HISTORY_FIELDS},
    )


def _update(
    patient: Patient, data: Mapping[str, Any], allowed: Iterable[str], *, section: str, by: Any
) -> Patient:
    with transaction.atomic():
        locked = Patient.objects.select_for_update().select_related("clinic").get(pk=patient.pk)
        changed = _assign(locked, data, allowed)
        if not changed:
            return locked
        if "consent_to_contact" in changed:
            locked.consent_recorded_at = timezone.now()
            changed.append("consent_recorded_at")
        locked.full_clean(validate_unique=False, validate_constraints=False)
        locked.save(update_fields=[*changed, "updated_at"])
        record_for_patient(
            Action.CHANGE, locked, locked, by=by, section=section, fields=sorted(changed)
        )
    return locked


def _assign(patient: Patient, data: Mapping[str, Any], allowed: Iterable[str]) -> list[str]:
    """Set the fields in ``data`` (all among ``allowed``); the names of those that changed."""
    stray = set(data) - set(allowed)
    if stray:
        raise ValueError(f"Not fields of this part of the record: {', '.join(sorted(stray))}")
    changed = []
    for name, value in data.items():
        if name in ("allergies", "medicines") and _is_names(value):
            value = sorted(set(value))  # stored in one order, so a reordering is no change
        if getattr(patient, name) != value:
            setattr(patient, name, value)
            changed.append(name)
    return changed


def _is_names(value: Any) -> bool:
    return isinstance(value, list | tuple | set | frozenset) and all(
        isinstance(v, str) for v in value
    )
