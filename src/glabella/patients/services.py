"""Operations on patient records. Each runs in one transaction and writes its audit event
inside it; changes record the names of the fields changed, never their values.

Duplicates: ``match_patient`` finds an existing record of the same person (see its rules);
``register_patient`` never creates a second record silently: a new record that matches
another is queued for the front desk (``DuplicateFlag``), who merge the two
(``merging.merge_patients``) or say they are different people."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from glabella.accounts.models import Clinic
from glabella.accounts.types import Actor, StaffUser
from glabella.audit.models import Action
from glabella.audit.services import record, record_for_patient, record_read
from glabella.clinical import Intake
from glabella.core.text import fold

from .models import (
    CLINICAL_FIELDS,
    DEMOGRAPHIC_FIELDS,
    HISTORY_FIELDS,
    DuplicateFlag,
    DuplicateReason,
    Patient,
    PatientQuerySet,
    RegistrationKey,
    age_on,
    phone_key,
)

# --- matching ---------------------------------------------------------------------------------


class MatchOutcome(StrEnum):
    EXACT = "exact"  # one record: same date of birth, name, and phone or email
    UNCERTAIN = "uncertain"  # a record that may be the person: the front desk decides
    NONE = "none"  # nobody of that date of birth shares the name, phone or email


@dataclass(frozen=True)
class Candidate:
    patient: Patient
    reason: DuplicateReason


@dataclass(frozen=True)
class MatchResult:
    outcome: MatchOutcome
    patient: Patient | None  # the record, when the outcome is exact
    candidates: tuple[Candidate, ...]  # every record that matched in some way


MATCH_LIMIT = 20  # candidates read; one date of birth in one clinic is a few dozen at most


def match_patient(
    clinic: Clinic,
    *,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    phone: str = "",
    email: str = "",
) -> MatchResult:
    """Which of ``clinic``'s records (not merged away) is this person.

    Candidates share the date of birth and one of: the name (folded: case, accents and the
    first and last name may be swapped, so "NUNEZ maria" is "María Ñúñez"), the phone (its last nine
    digits, so "+1 555-010-2000" is "(555) 0102000") or the email (case ignored).
    ``EXACT``: exactly one candidate shares the name and the phone or email; it is
    ``patient``. ``UNCERTAIN``: otherwise any candidate (same name with another phone and
    email, or the same phone or email under another name, or two exact ones).
    ``NONE``: no candidate. Reads only, audits nothing: callers that show the candidates
    audit that (``check_for_duplicates``)."""
    names = {fold(f"{first_name} {last_name}"), fold(f"{last_name} {first_name}")}
    key, mail = phone_key(phone or ""), (email or "").strip()
    same = Q(name_folded__in=names)
    if key:
        same |= Q(phone_key=key)
    if mail:
        same |= Q(email__iexact=mail)
    rows = Patient.objects.for_clinic(clinic).unmerged().filter(same, date_of_birth=date_of_birth)
    candidates = []
    for row in rows.order_by("id")[:MATCH_LIMIT]:
        named = row.name_folded in names
        reached = bool(key and row.phone_key == key) or bool(
            mail and row.email.casefold() == mail.casefold()
        )
        candidates.append(Candidate(row, _reason(named=named, reached=reached)))
    exact = [c.patient for c in candidates if c.reason == DuplicateReason.SAME_PERSON]
    if len(exact) == 1:
        return MatchResult(MatchOutcome.EXACT, exact[0], tuple(candidates))
    outcome = MatchOutcome.UNCERTAIN if candidates else MatchOutcome.NONE
    return MatchResult(outcome, None, tuple(candidates))


def _reason(*, named: bool, reached: bool) -> DuplicateReason:
    if named and reached:
        return DuplicateReason.SAME_PERSON
    return (
        DuplicateReason.SAME_NAME_OTHER_CONTACT
        if named
        else DuplicateReason.SAME_CONTACT_OTHER_NAME
    )


def check_for_duplicates(clinic: Clinic, data: Mapping[str, Any], *, by: StaffUser) -> MatchResult:
    """``match_patient`` for the registration form's ``data``, audited (the page shows the
    candidates' names): the event names the candidates, never the typed details."""
    result = match_patient(clinic, **_match_fields(data))
    record_read(
        clinic,
        "patients.duplicate_check",
        by=by,
        outcome=str(result.outcome),
        candidates=[str(c.patient.public_id) for c in result.candidates],
    )
    return result


def _match_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "first_name": data.get("first_name") or "",
        "last_name": data.get("last_name") or "",
        "date_of_birth": data["date_of_birth"],
        "phone": data.get("phone") or "",
        "email": data.get("email") or "",
    }


# --- registering --------------------------------------------------------------------------------


def register_patient(
    clinic: Clinic,
    data: Mapping[str, Any],
    *,
    by: Actor,
    key: UUID | None = None,
    source: str = "staff",
) -> Patient:
    """A new patient of ``clinic`` from demographic ``data``; ``ValidationError`` saves nothing.

    ``key`` (a registration form's one-time key) makes it idempotent: a second call with
    the same key returns the patient the first registered, and registers nobody.
    Registrations of one clinic take turns (its row is locked), so two at once cannot both
    miss each other; a new record that matches an existing one (exactly or not) is queued
    as a possible duplicate of it for the front desk (``source`` says where it came from)."""
    patient = Patient(clinic=clinic, created_by=by)
    _assign(patient, data, DEMOGRAPHIC_FIELDS)
    patient.consent_recorded_at = timezone.now()
    patient.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            # NO KEY UPDATE: registrations take turns, but rows that merely point at the
            # clinic (appointments, audit events) are not blocked; a plain FOR UPDATE made an
            # online booking that registers (clinic, then injector) deadlock with one of a
            # known patient (injector, then an insert pointing at the clinic).
            Clinic.objects.select_for_update(no_key=True).filter(pk=clinic.pk).exists()
            earlier = registered_with(key, clinic) if key else None
            if earlier is not None:
                return earlier
            match = match_patient(clinic, **_match_fields(data))
            patient.save()
            if key:
                RegistrationKey.objects.create(
                    key=key, clinic=clinic, patient=patient, created_by=by
                )
            flags = _flag(patient, match, source=source, by=by)
            record_for_patient(
                Action.CREATE,
                patient,
                patient,
                by=by,
                fields=sorted(data),
                possible_duplicates=flags,
            )
    except IntegrityError:
        # The same key committed by a request that did not wait for the lock (SQLite).
        earlier = registered_with(key, clinic) if key else None
        if earlier is None:
            raise
        return earlier
    return patient


def registered_with(key: UUID, clinic: Clinic) -> Patient | None:
    """The patient a registration form's key registered at ``clinic`` (the record kept, if
    it was merged since), or None."""
    used = RegistrationKey.objects.filter(key=key, clinic=clinic).select_related("patient").first()
    if used is None:
        return None
    patient = used.patient
    while patient.merged_into_id is not None:
        patient = Patient.objects.get(pk=patient.merged_into_id)
    return patient


def _flag(patient: Patient, match: MatchResult, *, source: str, by: Actor) -> list[str]:
    flags = [
        DuplicateFlag(
            clinic=patient.clinic,
            patient=patient,
            candidate=c.patient,
            reason=c.reason,
            source=source,
            created_by=by,
        )
        for c in match.candidates
    ]
    DuplicateFlag.objects.bulk_create(flags)
    return [str(c.patient.public_id) for c in match.candidates]


def update_demographics(patient: Patient, data: Mapping[str, Any], *, by: Actor) -> Patient:
    return _update(patient, data, DEMOGRAPHIC_FIELDS, section="demographics", by=by)


def update_clinical(patient: Patient, data: Mapping[str, Any], *, by: StaffUser) -> Patient:
    return _update(patient, data, CLINICAL_FIELDS, section="clinical", by=by)


def view_patient(patient: Patient, *, by: StaffUser, clinical: bool) -> Patient:
    """Record that ``by`` opened the record (its clinical part too when ``clinical``)."""
    with transaction.atomic():
        section = "clinical" if clinical else "demographics"
        record_for_patient(Action.VIEW, patient, patient, by=by, section=section)
    return patient


SEARCH_LIMIT = 50  # a page: no screen or API shows more of a search at once


def search_patients(clinic: Clinic, query: str, *, by: StaffUser) -> PatientQuerySet:
    """The first ``SEARCH_LIMIT`` of the clinic's patients matching ``query`` (of all of
    them for an empty one), by name. The search is recorded with the query's length only:
    the text may itself be a name.

    The page is chosen by ids in a subquery that reads only indexed columns, so PostgreSQL
    can answer it from an index (the trigram one, or the name-ordered partial one) and
    fetch just the page's rows."""
    patients = Patient.objects.for_clinic(clinic).unmerged()
    if query.strip():
        patients = patients.matching(query)
    page = patients.order_by("last_name", "first_name", "id").values("pk")[:SEARCH_LIMIT]
    patients = Patient.objects.filter(pk__in=page).order_by("last_name", "first_name", "id")
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
    patient: Patient,
    data: Mapping[str, Any],
    allowed: Iterable[str],
    *,
    section: str,
    by: Actor,
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
