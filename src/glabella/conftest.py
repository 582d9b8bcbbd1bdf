"""Shared personas (CONVENTIONS.md): one clinic's medical director, injector and front desk;
another clinic's director who must see nothing of this one; a signed-in user with no role;
two synthetic patients, alice in this clinic and bob in the other; and headless Chromium for
the browser tests.
App conftests may add their own or override ``clinic``."""

import os
from collections.abc import Iterator
from datetime import date
from typing import Any

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


@pytest.fixture
def dora(clinic: Clinic) -> Patient:
    """A patient of this clinic with nothing in her screening (every product open to her)."""
    return Patient.objects.create(
        clinic=clinic, first_name="Dora", last_name="Plain", date_of_birth=date(1988, 4, 4)
    )


# --- the browser tests: Debian's Chromium driven by Playwright ---------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.fixture(scope="module")
def orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API runs an event loop in the test's thread, which trips Django's
    async-safety check on the test's own ORM calls: allowed while a browser module runs."""
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    yield
    if previous is None:
        os.environ.pop(ASYNC_UNSAFE, None)
    else:
        os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture(scope="module")
def browser(orm_beside_playwright: None) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright  # only the browser tests pay for it

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
