from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from glabella.accounts.models import Clinic, Membership, Role
from glabella.assistant import engine_cache
from glabella.assistant.starter import load_starter_kb

DEMO_CLINIC = {
    "slug": "demo",
    "name": "Glabella Demo Clinic",
    "phone": "(555) 010-0100",
    "booking_url": "http://127.0.0.1:8000/book",
    "opening_hours": "Monday to Saturday, 9 am to 6 pm",
    "price_botox_unit": "14.00",
    "price_dysport_unit": "5.00",
    "price_xeomin_unit": "12.00",
    "price_jeuveau_unit": "12.00",
    "price_daxxify_unit": "9.00",
    "price_letybo_unit": "11.00",
    "consultation_fee": "0.00",
}
DEMO_PASSWORD = "glabella-demo"  # noqa: S105  (synthetic demo account, printed at start)


class Command(BaseCommand):
    help = "Load the demo clinic (synthetic data) with the starter knowledge base and staff logins."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        clinic, _ = Clinic.objects.get_or_create(slug="demo", defaults=DEMO_CLINIC)
        added = load_starter_kb(clinic)
        staff = [
            _staff(clinic, "director", "Dana", "Director", Role.MEDICAL_DIRECTOR),
            _staff(clinic, "injector", "Ines", "Injector", Role.INJECTOR),
            _staff(clinic, "frontdesk", "Frankie", "Desk", Role.FRONT_DESK),
        ]
        self.stdout.write(f"{clinic.name}: {added} starter answers added")
        self.stdout.write("Preparing the assistant's index (the first time embeds every answer)…")
        engine_cache.engine_for(clinic)
        self.stdout.write("Staff logins (synthetic demo accounts):")
        for user, role in staff:
            self.stdout.write(f"  {user.username} / {DEMO_PASSWORD}  ({role.label})")


def _staff(clinic: Clinic, username: str, first: str, last: str, role: Role) -> tuple[Any, Role]:
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, "is_staff": True}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    Membership.objects.get_or_create(user=user, clinic=clinic, defaults={"role": role})
    return user, role
