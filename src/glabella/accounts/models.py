import json
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from glabella.clinical import ClinicalCore
from glabella.core.models import BaseModel

PRICE = {
    "max_digits": 8,
    "decimal_places": 2,
    "null": True,
    "blank": True,
    "validators": [MinValueValidator(Decimal("0"))],
}


class Clinic(BaseModel):
    """A clinic; a chain has several. Every clinic-owned row points here."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    phone = models.CharField(max_length=40)
    emergency_number = models.CharField(max_length=20, default="911")
    booking_url = models.URLField(blank=True)
    opening_hours = models.CharField(max_length=200, blank=True)
    price_botox_unit = models.DecimalField(**PRICE)
    price_dysport_unit = models.DecimalField(**PRICE)
    price_xeomin_unit = models.DecimalField(**PRICE)
    price_jeuveau_unit = models.DecimalField(**PRICE)
    price_daxxify_unit = models.DecimalField(**PRICE)
    price_letybo_unit = models.DecimalField(**PRICE)
    consultation_fee = models.DecimalField(**PRICE)
    question_log_retention_days = models.PositiveIntegerField(
        default=365, help_text="How long the assistant keeps patients' questions for review."
    )
    assistant_revision = models.PositiveIntegerField(
        default=0, help_text="Bumped whenever approved assistant content changes."
    )
    clinical_settings = models.JSONField(
        default=dict,
        blank=True,
        help_text="The clinic's changes to the clinical core's default settings "
        "(review day, retreatment window, minimum interval, dose templates).",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clinical_core(self) -> ClinicalCore:
        """The clinical core with this clinic's settings (checked: bad settings raise)."""
        return _core_for(json.dumps(self.clinical_settings, sort_keys=True))

    def answer_variables(self) -> dict[str, str]:
        """The values that ``{name}`` placeholders in approved answers show."""
        prices = {
            field: _money(getattr(self, field))
            for field in (
                "price_botox_unit",
                "price_dysport_unit",
                "price_xeomin_unit",
                "price_jeuveau_unit",
                "price_daxxify_unit",
                "price_letybo_unit",
                "consultation_fee",
            )
        }
        return {
            "clinic_name": self.name,
            "phone": self.phone,
            "emergency_number": self.emergency_number,
            "booking_url": self.booking_url or "our booking page",
            "opening_hours": self.opening_hours or "our opening hours",
            **prices,
        }


@lru_cache(maxsize=64)
def _core_for(settings_json: str) -> ClinicalCore:
    # Validated once per distinct settings; the core is immutable, so clinics share it.
    return ClinicalCore.for_clinic(json.loads(settings_json))


def _money(value: Decimal | str | None) -> str:
    return f"${Decimal(value):,.2f}" if value is not None else "(ask the front desk)"


class Role(models.TextChoices):
    MEDICAL_DIRECTOR = "medical_director", "Medical director"
    INJECTOR = "injector", "Injector"
    FRONT_DESK = "front_desk", "Front desk"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> "MembershipQuerySet":
        return self.filter(is_active=True, clinic__isnull=False)


class Membership(BaseModel):
    """A staff member's role at one clinic; a person may work at several clinics of a chain."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    is_active = models.BooleanField(default=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "clinic"], name="one_membership_per_clinic")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} at {self.clinic}"
