"""Two synthetic patients, one in each clinic of the shared personas (src/glabella/conftest.py)."""

from datetime import date

import pytest

from glabella.accounts.models import Clinic
from glabella.patients.models import Patient


@pytest.fixture
def alice(clinic: Clinic) -> Patient:
    return Patient.objects.create(
        clinic=clinic,
        first_name="Alice",
        last_name="Testpatient",
        date_of_birth=date(1985, 6, 15),
        phone="(555) 010-1234",
        email="alice@example.test",
        preferred_channel="sms",
        consent_to_contact=True,
        allergies=["cow_milk_protein"],
        medicines=["anticoagulant_or_antiplatelet"],
        dry_eye=True,
        clinical_notes="SECRET-NOTE: prefers morning visits.",
    )


@pytest.fixture
def bob(other_clinic: Clinic) -> Patient:
    return Patient.objects.create(
        clinic=other_clinic,
        first_name="Bob",
        last_name="Otherclinic",
        date_of_birth=date(1979, 2, 1),
        clinical_notes="SECRET-NOTE of the south clinic.",
    )
