"""Treatment tests' own patient (the records themselves come from ``glabella.testing``)."""

from datetime import date

import pytest

from glabella.accounts.models import Clinic
from glabella.patients.models import Patient
from glabella.testing import make_patient


@pytest.fixture
def carol(clinic: Clinic) -> Patient:
    """A patient with nothing in her screening (every product is open to her)."""
    return make_patient(clinic, "Carol", "Plain", date(1990, 3, 3))
