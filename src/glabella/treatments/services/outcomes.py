"""After the treatment: the two-week review (and a touch-up), when the effect wore off,
and adverse events, including those that start as an urgent message to the assistant."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from glabella.accounts.types import StaffUser
from glabella.assistant.models import Handoff, HandoffKind, HandoffStatus
from glabella.audit.models import Action
from glabella.audit.services import record_for_patient
from glabella.patients.models import Patient

from ..models import AdverseEvent, EventKind, Review, Severity, TreatmentRecord, VialUse
from ._common import parse_id, refuse_future, today

MAX_EFFECT = 3


def record_review(treatment: TreatmentRecord, data: Mapping[str, Any], *, by: StaffUser) -> Review:
    """``data``: reviewed_on, onset_days, effect {area: 0–3}, satisfaction (1–5), notes."""
    if not treatment.is_signed:
        raise ValidationError({"treatment": "Review a signed treatment."})
    reviewed_on = data.get("reviewed_on") or today()
    refuse_future(reviewed_on, "reviewed_on")
    if reviewed_on < treatment.treated_on:
        raise ValidationError({"reviewed_on": "A review comes after the treatment."})
    review = Review(
        clinic=treatment.clinic,
        patient=treatment.patient,
        treatment=treatment,
        reviewed_on=reviewed_on,
        onset_days=data.get("onset_days"),
        effect=_effect(treatment, data.get("effect") or {}),
        satisfaction=data.get("satisfaction"),
        notes=str(data.get("notes") or ""),
        created_by=by,
    )
    review.full_clean(exclude=["clinic", "patient", "treatment", "touch_up"])
    with transaction.atomic():
        review.save()
        record_for_patient(Action.CREATE, review, treatment.patient, by=by)
    return review


def _effect(treatment: TreatmentRecord, effect: Mapping[str, Any]) -> dict[str, int]:
    treated = set(treatment.sites.values_list("area", flat=True))
    stray = sorted(set(effect) - treated)
    if stray:
        raise ValidationError({"effect": f"Not treated in this record: {', '.join(stray)}."})
    grades = {}
    for area, grade in effect.items():
        if isinstance(grade, bool) or not isinstance(grade, int) or not 0 <= grade <= MAX_EFFECT:
            raise ValidationError(
                {f"effect.{area}": f"Grade the effect from 0 to {MAX_EFFECT}, not {grade!r}."}
            )
        grades[area] = grade
    return grades


def record_wore_off(review: Review, wore_off_on: date, *, by: StaffUser) -> Review:
    refuse_future(wore_off_on, "wore_off_on")
    if wore_off_on < review.treatment.treated_on:
        raise ValidationError({"wore_off_on": "The effect wears off after the treatment."})
    with transaction.atomic():
        locked = Review.objects.select_for_update().get(pk=review.pk)
        locked.wore_off_on = wore_off_on
        locked.save(update_fields=["wore_off_on", "updated_at"])
        record_for_patient(Action.CHANGE, locked, review.patient, by=by, fields=["wore_off_on"])
    return locked


def start_touch_up(review: Review, *, by: StaffUser) -> TreatmentRecord:
    """A draft touch-up record linked to the review, same product and dilution."""
    original = review.treatment
    with transaction.atomic():
        locked = Review.objects.select_for_update().get(pk=review.pk)
        if locked.touch_up_id is not None:
            raise ValidationError({"touch_up": "This review already has a touch-up record."})
        touch_up = TreatmentRecord.objects.create(
            clinic=original.clinic,
            patient=original.patient,
            consultation=original.consultation,
            injector=by,
            product=original.product,
            treated_on=locked.reviewed_on,
            vial_units=original.vial_units,
            diluent_ml=original.diluent_ml,
            touch_up_of=original,
            created_by=by,
        )
        locked.touch_up = touch_up
        locked.save(update_fields=["touch_up", "updated_at"])
        record_for_patient(
            Action.CREATE, touch_up, original.patient, by=by, touch_up_of=str(original.public_id)
        )
    return touch_up


def report_adverse_event(
    patient: Patient, data: Mapping[str, Any], *, by: StaffUser, handoff: Handoff | None = None
) -> AdverseEvent:
    """``data``: kind, severity, onset_on, description, actions, treatment (a record of
    this patient), vial (of that record). From an urgent assistant message, ``handoff``
    links it and closes the message."""
    event = AdverseEvent(
        clinic=patient.clinic,
        patient=patient,
        kind=_choice(data, "kind", EventKind),
        severity=_choice(data, "severity", Severity),
        onset_on=data.get("onset_on") or today(),
        description=str(data.get("description") or "").strip(),
        actions=str(data.get("actions") or "").strip(),
        handoff=handoff,
        created_by=by,
    )
    event.treatment, event.vial = _linked(patient, data.get("treatment"), data.get("vial"))
    refuse_future(event.onset_on, "onset_on")
    if event.treatment and event.onset_on < event.treatment.treated_on:
        raise ValidationError({"onset_on": "An event linked to a treatment starts after it."})
    event.full_clean(exclude=["clinic", "patient", "treatment", "vial", "handoff"])
    with transaction.atomic():
        event.save()
        if handoff is not None:
            _close_handoff(handoff, by=by)
        record_for_patient(
            Action.CREATE, event, patient, by=by, kind=event.kind, severity=event.severity
        )
    return event


def resolve_adverse_event(
    event: AdverseEvent, resolved_on: date, actions: str, *, by: StaffUser
) -> AdverseEvent:
    refuse_future(resolved_on, "resolved_on")
    if resolved_on < event.onset_on:
        raise ValidationError({"resolved_on": "An event resolves on or after its onset."})
    with transaction.atomic():
        locked = AdverseEvent.objects.select_for_update().get(pk=event.pk)
        locked.resolved_on = resolved_on
        if actions.strip():
            locked.actions = "\n".join(filter(None, [locked.actions, actions.strip()]))
        locked.save(update_fields=["resolved_on", "actions", "updated_at"])
        record_for_patient(
            Action.CHANGE, locked, event.patient, by=by, fields=["resolved_on", "actions"]
        )
    return locked


def urgent_handoffs(clinic: Any) -> list[Handoff]:
    """Urgent assistant messages no adverse event follows up yet (open first)."""
    return list(
        Handoff.objects.filter(clinic=clinic, kind=HandoffKind.URGENT, adverse_event__isnull=True)
        .exclude(status=HandoffStatus.CLOSED)
        .order_by("created_at")
    )


def _close_handoff(handoff: Handoff, *, by: StaffUser) -> None:
    handoff.status = HandoffStatus.CLOSED
    handoff.save(update_fields=["status", "updated_at"])


def _choice(data: Mapping[str, Any], field: str, choices: Any) -> str:
    value = str(data.get(field) or "")
    if value not in choices.values:
        raise ValidationError({field: f"Choose one of: {', '.join(choices.values)}."})
    return value


def _linked(
    patient: Patient, treatment_id: Any, vial_id: Any
) -> tuple[TreatmentRecord | None, VialUse | None]:
    treatment = None
    if treatment_id:
        treatment = TreatmentRecord.objects.filter(
            public_id=parse_id(treatment_id, "treatment", problem="is not a record id."),
            patient=patient,
        ).first()
        if treatment is None:
            raise ValidationError({"treatment": "No such treatment record for this patient."})
    vial = None
    if vial_id:
        vial = VialUse.objects.filter(
            public_id=parse_id(vial_id, "vial", problem="is not a record id."), treatment=treatment
        ).first()
        if vial is None:
            raise ValidationError({"vial": "Choose a vial of the linked treatment."})
    elif treatment is not None and treatment.vials.count() == 1:
        vial = treatment.vials.get()
    return treatment, vial
