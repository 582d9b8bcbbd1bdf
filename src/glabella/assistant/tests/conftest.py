"""The assistant tests' clinic (with the values its answers fill in), its approver, and a
small approved knowledge base."""

from typing import Any

import pytest

from glabella.accounts.models import Clinic, Role
from glabella.assistant.services import EntryText
from glabella.testing import approved_entries, make_clinic, make_staff


@pytest.fixture
def clinic(db: None) -> Clinic:
    return make_clinic(
        "test",
        name="Test Clinic",
        phone="(555) 010-0199",
        emergency_number="911",
        booking_url="https://clinic.example/book",
        price_botox_unit="13.00",
    )


@pytest.fixture
def approver(clinic: Clinic) -> Any:
    return make_staff("director", clinic, Role.MEDICAL_DIRECTOR, is_staff=True)


SMALL_KB = [
    EntryText(
        topic="duration",
        title="How long do results last?",
        answer="Results usually last **3 to 4 months**. Book again on {booking_url}.",
        phrasings=("how long does botox last", "when will it wear off", "how many months"),
        source="Clinic FAQ",
    ),
    EntryText(
        topic="pain",
        title="Does it hurt?",
        answer="Most people feel a quick pinch. Call {phone} with worries.",
        phrasings=("is it painful", "do the needles hurt", "will it sting"),
        source="Clinic FAQ",
    ),
    EntryText(
        topic="cost",
        title="How much does it cost?",
        answer="Botox is {price_botox_unit} per unit at {clinic_name}.",
        phrasings=("what is the price", "how much per unit", "how expensive is it"),
        source="Clinic price list",
    ),
]


@pytest.fixture
def small_kb(clinic: Clinic, approver: Any) -> list[Any]:
    return approved_entries(clinic, SMALL_KB, by=approver)
