"""Helpers for treatment tests: a signed glabellar Botox treatment on a given day."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from glabella.patients.models import Patient
from glabella.treatments import services
from glabella.treatments.models import TreatmentRecord

# Botox Cosmetic's label pattern for glabellar lines: 5 sites of 4 U (clinical core data).
GLABELLAR_SITES = [(50, 33), (44, 30), (56, 30), (41, 28), (59, 28)]


def chart_glabellar(record: TreatmentRecord, *, by: Any, units: str = "4") -> None:
    for x, y in GLABELLAR_SITES:
        services.add_site(record, {"x": x, "y": y, "units": units}, by=by)


def signed_botox(patient: Patient, *, by: Any, days_ago: int = 0) -> TreatmentRecord:
    treated_on = timezone.localdate() - timedelta(days=days_ago)
    record = services.start_treatment(
        patient, {"product": "botox", "treated_on": treated_on}, by=by
    )
    services.add_vial(record, "C1234", treated_on + timedelta(days=200), by=by)
    chart_glabellar(record, by=by)
    services.update_treatment(record, {"aftercare_given": True}, by=by)
    return services.sign_treatment(record, by=by)


@pytest.fixture
def carol(clinic) -> Patient:  # type: ignore[no-untyped-def]
    """A patient with nothing in her screening (every product is open to her)."""
    return Patient.objects.create(
        clinic=clinic, first_name="Carol", last_name="Plain", date_of_birth=date(1990, 3, 3)
    )


__all__ = ["Decimal", "chart_glabellar", "signed_botox"]
