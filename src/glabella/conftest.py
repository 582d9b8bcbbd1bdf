"""Shared personas (CONVENTIONS.md): one clinic's medical director, injector and front desk;
another clinic's director who must see nothing of this one; a signed-in user with no role;
two synthetic patients, alice in this clinic and bob in the other.
App conftests may add their own or override ``clinic``."""

from datetime import date

import pytest

from glabella.accounts.models import Clinic, Membership, Role
from glabella.patients.models import Patient


def _clinic(slug: str) -> Clinic:
    return Clinic.objects.create(name=f"Clinic {slug}", slug=slug, phone="(555) 010-0100")


def _member(django_user_model, username: str, clinic: Clinic, role: Role):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user(username, password="pw-long-enough")
    Membership.objects.create(user=user, clinic=clinic, role=role)
    return user


@pytest.fixture
def clinic(db: None) -> Clinic:
    return _clinic("north")


@pytest.fixture
def other_clinic(db: None) -> Clinic:
    return _clinic("south")


@pytest.fixture
def director(django_user_model, clinic):  # type: ignore[no-untyped-def]
    return _member(django_user_model, "dr-ada", clinic, Role.MEDICAL_DIRECTOR)


@pytest.fixture
def injector(django_user_model, clinic):  # type: ignore[no-untyped-def]
    return _member(django_user_model, "nurse-ben", clinic, Role.INJECTOR)


@pytest.fixture
def front_desk(django_user_model, clinic):  # type: ignore[no-untyped-def]
    return _member(django_user_model, "desk-cat", clinic, Role.FRONT_DESK)


@pytest.fixture
def other_director(django_user_model, other_clinic):  # type: ignore[no-untyped-def]
    return _member(django_user_model, "dr-dan", other_clinic, Role.MEDICAL_DIRECTOR)


@pytest.fixture
def no_role(django_user_model, db):  # type: ignore[no-untyped-def]
    return django_user_model.objects.create_user("visitor", password="pw-long-enough")


@pytest.fixture
def anonymous(db: None) -> None:
    return None


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
