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

from glabella.accounts.models import Clinic, Role
from glabella.patients.models import Patient
from glabella.testing import make_clinic, make_patient, make_staff, quiet_hours_off


@pytest.fixture
def clinic(db: None) -> Clinic:
    return make_clinic("north")


@pytest.fixture
def other_clinic(db: None) -> Clinic:
    return make_clinic("south")


@pytest.fixture
def director(clinic: Clinic) -> Any:
    return make_staff("dr-ada", clinic, Role.MEDICAL_DIRECTOR)


@pytest.fixture
def injector(clinic: Clinic) -> Any:
    return make_staff("nurse-ben", clinic, Role.INJECTOR)


@pytest.fixture
def front_desk(clinic: Clinic) -> Any:
    return make_staff("desk-cat", clinic, Role.FRONT_DESK)


@pytest.fixture
def other_director(other_clinic: Clinic) -> Any:
    return make_staff("dr-dan", other_clinic, Role.MEDICAL_DIRECTOR)


@pytest.fixture
def no_role(db: None) -> Any:
    return make_staff("visitor")


@pytest.fixture
def anonymous(db: None) -> None:
    return None


@pytest.fixture
def alice(clinic: Clinic) -> Patient:
    return make_patient(
        clinic,
        "Alice",
        "Testpatient",
        date(1985, 6, 15),
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
    return make_patient(
        other_clinic,
        "Bob",
        "Otherclinic",
        date(1979, 2, 1),
        clinical_notes="SECRET-NOTE of the south clinic.",
    )


@pytest.fixture
def dora(clinic: Clinic) -> Patient:
    """A patient of this clinic with nothing in her screening (every product open to her)."""
    return make_patient(clinic, "Dora", "Plain", date(1988, 4, 4))


@pytest.fixture
def no_quiet_hours(clinic: Clinic) -> Any:
    """Quiet hours off, so messages go at any hour (a booking's confirmation as it commits)."""
    return quiet_hours_off(clinic)


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
