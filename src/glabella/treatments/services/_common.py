"""Small pieces the treatment services share."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from glabella.clinical import ClinicalCore, Outcome
from glabella.patients.models import Patient
from glabella.patients.services import patient_intake

from ..models import ScreeningOverride


def parse_id(value: Any, field: str, *, problem: str) -> uuid.UUID:
    """``value`` as the public id it should be; a field error (``problem``) if it is not."""
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise ValidationError({field: f"{value!r} {problem}"}) from exc


def today() -> date:
    return timezone.localdate()


def refuse_future(day: date, field: str) -> None:
    if day > today():
        raise ValidationError({field: f"{day} is in the future; record what has happened."})


def refuse_before_birth(patient: Patient, day: date, field: str) -> None:
    """A date before the patient was born is a typing error, and the clinical core's
    screening (age on the day) cannot take it: refuse it as the field's error first."""
    if day < patient.date_of_birth:
        raise ValidationError(
            {field: f"{day} is before the patient's date of birth ({patient.date_of_birth})."}
        )


def require_text(data: Mapping[str, Any], field: str, message: str) -> str:
    text = str(data.get(field) or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


def known_product(core: ClinicalCore, product: str, field: str = "product") -> str:
    if product not in core.catalogue.products:
        choices = ", ".join(core.catalogue.products)
        raise ValidationError({field: f"Unknown product {product!r}. Choose from: {choices}."})
    return product


def known_area(core: ClinicalCore, area: str, field: str = "area") -> str:
    if area not in core.catalogue.areas:
        choices = ", ".join(core.catalogue.areas)
        raise ValidationError({field: f"Unknown area {area!r}. Choose from: {choices}."})
    return area


def blocking_findings(patient: Patient, product: str, on: date) -> list[dict[str, str]]:
    """The do-not-treat findings for ``product`` that no director's override covers."""
    core = patient.clinic.clinical_core()
    verdict = core.screen(patient_intake(patient, on=on)).for_product(product)
    blocking = [
        {"rule": f.rule, "reason": f.reason}
        for f in verdict.findings
        if f.outcome == Outcome.DO_NOT_TREAT
    ]
    covered = _overridden_rules(patient, product)
    return [f for f in blocking if f["rule"] not in covered]


def _overridden_rules(patient: Patient, product: str) -> set[str]:
    overrides = ScreeningOverride.objects.filter(patient=patient, product=product)
    return {finding["rule"] for o in overrides for finding in o.findings}
