"""Consultation: screening per product through the clinical core, assessment per area,
product choice; and the medical director's override of a screening block."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from glabella.accounts.types import StaffUser
from glabella.audit.models import Action
from glabella.audit.services import record_for_patient
from glabella.clinical import ClinicalCore, InvalidAssessment, Outcome, ScreeningResult
from glabella.patients.models import Patient
from glabella.patients.services import patient_intake

from ..models import AssessedArea, Consultation, Decision, ScreeningOverride
from ._common import (
    blocking_findings,
    known_area,
    known_product,
    refuse_before_birth,
    refuse_future,
    today,
)


def screening_snapshot(result: ScreeningResult) -> list[dict[str, Any]]:
    """The core's verdicts in the form kept with the consultation (and shown later)."""
    return [
        {
            "product": verdict.product,
            "brand": verdict.brand,
            "outcome": str(verdict.outcome),
            "findings": [
                {"rule": f.rule, "outcome": str(f.outcome), "reason": f.reason}
                for f in verdict.findings
            ],
        }
        for verdict in result.products
    ]


def screen_patient(patient: Patient) -> list[dict[str, Any]]:
    """Today's screening of every product for the patient (not stored; for the form)."""
    core = patient.clinic.clinical_core()
    return screening_snapshot(core.screen(patient_intake(patient, on=today())))


def record_consultation(
    patient: Patient, data: Mapping[str, Any], *, by: StaffUser
) -> Consultation:
    """``data``: held_on, areas [{area, static, dynamic, decision, note}], product,
    product_reason, notes. The screening is the core's, on the day held."""
    core = patient.clinic.clinical_core()
    held_on = data.get("held_on") or today()
    refuse_future(held_on, "held_on")
    refuse_before_birth(patient, held_on, "held_on")
    areas = [_assessed(core, item, index) for index, item in enumerate(data.get("areas", []))]
    _refuse_repeated_areas(areas)
    product = str(data.get("product") or "")
    reason = str(data.get("product_reason") or "").strip()
    if product:
        known_product(core, product)
        if not reason:
            raise ValidationError({"product_reason": "Say why this product was chosen."})
    consultation = Consultation(
        clinic=patient.clinic,
        patient=patient,
        clinician=by,
        held_on=held_on,
        screening=screening_snapshot(core.screen(patient_intake(patient, on=held_on))),
        product=product,
        product_reason=reason,
        notes=str(data.get("notes") or ""),
        created_by=by,
    )
    with transaction.atomic():
        consultation.save()
        for area in areas:
            area.consultation = consultation
        AssessedArea.objects.bulk_create(areas)
        record_for_patient(
            Action.CREATE, consultation, patient, by=by, areas=[a.area for a in areas]
        )
    return consultation


def _assessed(core: ClinicalCore, item: Mapping[str, Any], index: int) -> AssessedArea:
    prefix = f"areas.{index}"
    area = known_area(core, str(item.get("area", "")), f"{prefix}.area")
    try:
        # A missing or non-integer grade is the core's InvalidAssessment, reported below.
        static, dynamic = item.get("static"), item.get("dynamic")
        result = core.assess(area, static=static, dynamic=dynamic)  # type: ignore[arg-type]
    except InvalidAssessment as exc:
        raise ValidationError({f"{prefix}.dynamic": str(exc)}) from exc
    decision = str(item.get("decision") or "")
    if decision not in Decision.values:
        raise ValidationError(
            {f"{prefix}.decision": f"Choose one of: {', '.join(Decision.values)}."}
        )
    return AssessedArea(
        area=area,
        static=result.static,
        dynamic=result.dynamic,
        recommendation=result.recommendation,
        recommendation_reason=result.reason,
        decision=decision,
        note=str(item.get("note") or "")[:300],
    )


def _refuse_repeated_areas(areas: Sequence[AssessedArea]) -> None:
    names = [a.area for a in areas]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValidationError({"areas": f"Each area once: {', '.join(repeated)} repeated."})


def override_block(
    patient: Patient,
    product: str,
    reason: str,
    *,
    by: StaffUser,
    consultation: Consultation | None = None,
) -> ScreeningOverride:
    """Record the director's decision to treat with ``product`` despite do-not-treat
    findings (access: ``screening.override``). Refused when nothing blocks it."""
    core = patient.clinic.clinical_core()
    known_product(core, product)
    if not reason.strip():
        raise ValidationError({"reason": "An override needs the reason, in the record."})
    findings = blocking_findings(patient, product, today())
    if not findings:
        brand = core.product(product).brand
        raise ValidationError({"product": f"Screening does not block {brand}: no override needed."})
    override = ScreeningOverride(
        clinic=patient.clinic,
        patient=patient,
        consultation=consultation,
        product=product,
        reason=reason.strip(),
        findings=findings,
        created_by=by,
    )
    with transaction.atomic():
        override.save()
        record_for_patient(
            Action.OVERRIDE,
            override,
            patient,
            by=by,
            product=product,
            rules=[f["rule"] for f in findings],
        )
    return override


def blocked_outcome(verdict: Mapping[str, Any]) -> bool:
    return bool(verdict["outcome"] == str(Outcome.DO_NOT_TREAT))
