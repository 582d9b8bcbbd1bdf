"""The demo's two clinics and their staff accounts (synthetic; the password is printed)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from glabella.accounts.models import Clinic, Membership, Role

from .history import Staff

DEMO_PASSWORD = "glabella-demo"  # noqa: S105  (synthetic demo accounts, printed at start)
PRICES = {
    "price_botox_unit": "14.00",
    "price_dysport_unit": "5.00",
    "price_xeomin_unit": "12.00",
    "price_jeuveau_unit": "12.00",
    "price_daxxify_unit": "9.00",
    "price_letybo_unit": "11.00",
    "consultation_fee": "0.00",
}


@dataclass(frozen=True)
class Account:
    username: str
    first_name: str
    last_name: str
    role: Role


@dataclass(frozen=True)
class DemoClinic:
    slug: str
    details: dict[str, str]
    accounts: tuple[Account, Account, Account, Account]  # director, injectors, front desk
    seed: int


DEMO = DemoClinic(
    slug="demo",
    details={
        "name": "Glabella Demo Clinic",
        "phone": "(555) 010-0100",
        "booking_url": "http://127.0.0.1:8000/book",
        "opening_hours": "Monday to Saturday, 9 am to 6 pm",
        **PRICES,
    },
    accounts=(
        Account("director", "Dana", "Director", Role.MEDICAL_DIRECTOR),
        Account("injector", "Ines", "Injector", Role.INJECTOR),
        Account("injector2", "Jules", "Injector", Role.INJECTOR),
        Account("frontdesk", "Frankie", "Desk", Role.FRONT_DESK),
    ),
    seed=2024,
)
SECOND = DemoClinic(
    slug="demo-east",
    details={
        "name": "Glabella Demo Clinic East",
        "phone": "(555) 010-0150",
        "booking_url": "http://127.0.0.1:8000/c/demo-east/ask",
        "opening_hours": "Tuesday to Friday, 10 am to 7 pm",
        **PRICES,
    },
    accounts=(
        Account("east-director", "Edda", "Director", Role.MEDICAL_DIRECTOR),
        Account("east-injector", "Ezra", "Injector", Role.INJECTOR),
        Account("east-injector2", "Elin", "Injector", Role.INJECTOR),
        Account("east-frontdesk", "Emery", "Desk", Role.FRONT_DESK),
    ),
    seed=2025,
)
DEMO_CLINICS = (DEMO, SECOND)


def ensure_clinic(spec: DemoClinic) -> tuple[Clinic, Staff]:
    """The clinic and its four staff accounts, created the first time only."""
    clinic, _ = Clinic.objects.get_or_create(slug=spec.slug, defaults=spec.details)
    director, first, second, desk = (_account(clinic, account) for account in spec.accounts)
    return clinic, Staff(director=director, injectors=(first, second), front_desk=desk)


@cache
def _password_hash() -> str:
    """One hash for every demo account: the slow password hasher runs once, not per user."""
    return make_password(DEMO_PASSWORD)


def _account(clinic: Clinic, account: Account) -> Any:
    user, created = get_user_model().objects.get_or_create(
        username=account.username,
        defaults={
            "first_name": account.first_name,
            "last_name": account.last_name,
            "is_staff": True,
        },
    )
    if created:
        user.password = _password_hash()
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, clinic=clinic, defaults={"role": account.role})
    return user
