"""Synthetic patients for the demo: names from short made-up lists, fictional phone numbers
(the 555-0100 to 555-0199 range is reserved for fiction) and addresses under the reserved
example.test domain. Everything comes from the caller's seeded ``random.Random``."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

FEMALE_NAMES = (
    "Ada", "Bianca", "Celia", "Daria", "Elena", "Fiona", "Greta", "Hana", "Iris", "Juno",
    "Kira", "Lena", "Maya", "Nora", "Olive", "Petra", "Quinn", "Rosa", "Sana", "Talia",
    "Uma", "Vera", "Willa", "Yara", "Zoe", "Amara", "Bea", "Clara", "Dina", "Esme",
)  # fmt: skip
MALE_NAMES = (
    "Aaron", "Bruno", "Caleb", "Dario", "Emil", "Felix", "Gideon", "Hugo", "Ivo", "Jonah",
    "Kai", "Luca", "Milo", "Nico", "Otto", "Pavel", "Rafe", "Silas", "Tomas", "Viktor",
)  # fmt: skip
OTHER_NAMES = ("Ash", "Briar", "Remy", "Sky", "Wren")
LAST_NAMES = (
    "Abbott", "Bellamy", "Castellano", "Dunmore", "Ellery", "Fairbanks", "Galloway",
    "Hartwell", "Ingram", "Jessop", "Kingsley", "Lindqvist", "Marchetti", "Northcott",
    "Oakley", "Pemberton", "Quigley", "Rowntree", "Salcedo", "Thornbury", "Underhill",
    "Vance", "Whitlock", "Yardley", "Zeller", "Ashby", "Brightwater", "Calloway",
    "Delacroix", "Everly", "Fenwick", "Greaves", "Holloway", "Iverson", "Juniper",
    "Kestrel", "Lockhart", "Merriweather", "Nakamura", "Okonkwo",
)  # fmt: skip
# Area codes only vary the fictional 555-01xx numbers so that each patient has their own.
AREA_CODES = ("202", "303", "312", "404", "415", "512", "617", "702", "718", "808")
NUMBERS_PER_AREA_CODE = 100
YOUNGEST, OLDEST = 24, 70


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    date_of_birth: date
    sex: str
    phone: str
    email: str
    preferred_channel: str
    consent_to_contact: bool

    def registration(self) -> dict[str, Any]:
        """The demographic fields ``patients.services.register_patient`` takes."""
        return {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "date_of_birth": self.date_of_birth,
            "sex": self.sex,
            "phone": self.phone,
            "email": self.email,
            "preferred_channel": self.preferred_channel,
            "consent_to_contact": self.consent_to_contact,
        }


def synthetic_person(rng: random.Random, number: int, today: date) -> Person:
    """Person ``number`` (unique per clinic: it picks the phone number)."""
    sex = rng.choices(("female", "male", "other"), weights=(80, 18, 2))[0]
    names = {"female": FEMALE_NAMES, "male": MALE_NAMES, "other": OTHER_NAMES}[sex]
    first, last = rng.choice(names), rng.choice(LAST_NAMES)
    channel = rng.choices(("sms", "email", "phone", "none"), weights=(50, 30, 10, 10))[0]
    return Person(
        first_name=first,
        last_name=last,
        date_of_birth=_birth_date(rng, today),
        sex=sex,
        phone=fictional_phone(number),
        email=f"{first}.{last}.{number}@example.test".lower(),
        preferred_channel=channel,
        consent_to_contact=channel != "none",
    )


def fictional_phone(number: int) -> str:
    area_code = AREA_CODES[(number // NUMBERS_PER_AREA_CODE) % len(AREA_CODES)]
    return f"({area_code}) 555-01{number % NUMBERS_PER_AREA_CODE:02d}"


def _birth_date(rng: random.Random, today: date) -> date:
    age = round(rng.triangular(YOUNGEST, OLDEST, 40))
    return today - timedelta(days=age * 365 + rng.randint(0, 364))
