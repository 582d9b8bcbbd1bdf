import pytest

from glabella.accounts.models import Clinic, Membership, Role
from glabella.assistant import services
from glabella.assistant.services import EntryText


@pytest.fixture
def clinic(db: None) -> Clinic:
    return Clinic.objects.create(
        name="Test Clinic",
        slug="test",
        phone="(555) 010-0199",
        emergency_number="911",
        booking_url="https://clinic.example/book",
        price_botox_unit="13.00",
    )


@pytest.fixture
def approver(django_user_model, clinic: Clinic):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user("director", password="pw", is_staff=True)
    Membership.objects.create(user=user, clinic=clinic, role=Role.MEDICAL_DIRECTOR)
    return user


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
def small_kb(clinic: Clinic, approver):  # type: ignore[no-untyped-def]
    entries = []
    for text in SMALL_KB:
        entry = services.create_entry(clinic, text, by=approver)
        entries.append(services.approve_entry(entry, by=approver))
    return entries
