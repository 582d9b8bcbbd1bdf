import json
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from glabella.clinical import ClinicalCore
from glabella.clinical.intervals import retreatment_window
from glabella.core.csp import https_origin
from glabella.core.models import BaseModel

PRICE = {
    "max_digits": 8,
    "decimal_places": 2,
    "null": True,
    "blank": True,
    "validators": [MinValueValidator(Decimal("0"))],
}
MINUTES = {"default": 30, "validators": [MinValueValidator(1)]}
POLICY_TEXT = {"max_length": 300, "blank": True}
PRICE_FIELDS = (
    "price_botox_unit",
    "price_dysport_unit",
    "price_xeomin_unit",
    "price_jeuveau_unit",
    "price_daxxify_unit",
    "price_letybo_unit",
    "consultation_fee",
)
POLICIES = ("injectors", "touch_up_policy", "same_visit_policy")

# What patients read until the clinic fills in its own value: never a made-up fact or
# price, always an invitation to ask. Keyed by the language of the answer.
UNSET_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "booking_url": "our booking page",
        "opening_hours": "our opening hours",
        "price": "ask us for the current price",
        "no_charge": "no charge",
        "injectors": "Ask us who will give your injections and how they are trained.",
        "touch_up_policy": "Ask us about touch-ups at your review appointment.",
        "same_visit_policy": (
            "Ask us whether you can be treated at the same visit as your consultation."
        ),
    },
    "es": {
        "booking_url": "nuestra página de reservas",
        "opening_hours": "nuestro horario de atención",
        "price": "pregúntenos el precio actual",
        "no_charge": "sin cargo",
        "injectors": "Pregúntenos quién le pondrá las inyecciones y qué formación tiene.",
        "touch_up_policy": "Pregúntenos por los retoques en su cita de revisión.",
        "same_visit_policy": (
            "Pregúntenos si puede recibir el tratamiento en la misma visita que la consulta."
        ),
    },
}


def default_time_zone() -> str:
    """A new clinic's time zone: the site's (settings.TIME_ZONE)."""
    return str(settings.TIME_ZONE)


def validate_time_zone(name: str) -> None:
    if name not in _zone_names():
        raise ValidationError(
            "“%(name)s” is not a time zone name; use one such as Europe/London or "
            "America/New_York.",
            params={"name": name},
        )


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


# The calendar's lengths (clinic practice, not clinical data): the FAQ's "under 30 minutes"
# treatment, and short reviews and touch-ups.
REVIEW_MINUTES = {"default": 15, "validators": [MinValueValidator(5), MaxValueValidator(240)]}
BUFFER_MINUTES = {"default": 0, "validators": [MaxValueValidator(120)]}


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
    treatment_minutes = models.PositiveIntegerField(
        **MINUTES, help_text="How long a treatment appointment usually takes, in minutes."
    )
    consultation_minutes = models.PositiveIntegerField(
        **MINUTES, help_text="How long a first consultation usually takes, in minutes."
    )
    review_minutes = models.PositiveIntegerField(
        **REVIEW_MINUTES, help_text="How long a two-week review usually takes, in minutes."
    )
    touch_up_minutes = models.PositiveIntegerField(
        **REVIEW_MINUTES, help_text="How long a touch-up usually takes, in minutes."
    )
    buffer_minutes = models.PositiveIntegerField(
        **BUFFER_MINUTES,
        help_text="Minutes kept free before and after each appointment (cleaning, notes).",
    )
    time_zone = models.CharField(
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text="The clinic's IANA time zone, e.g. Europe/London: its hours and "
        "appointments are read in it.",
    )
    injectors_en = models.CharField(
        **POLICY_TEXT,
        help_text="Who gives the injections, in a sentence or two (English). "
        "Left blank, patients are invited to ask.",
    )
    injectors_es = models.CharField(
        **POLICY_TEXT, help_text="Who gives the injections (Spanish). Left blank, patients ask."
    )
    touch_up_policy_en = models.CharField(
        **POLICY_TEXT,
        help_text="The clinic's touch-up policy after the review (English), e.g. whether "
        "extra units are charged. Left blank, patients are invited to ask.",
    )
    touch_up_policy_es = models.CharField(
        **POLICY_TEXT, help_text="The touch-up policy (Spanish). Left blank, patients ask."
    )
    same_visit_policy_en = models.CharField(
        **POLICY_TEXT,
        help_text="Whether a first consultation and treatment can happen at one visit "
        "(English). Left blank, patients are invited to ask.",
    )
    same_visit_policy_es = models.CharField(
        **POLICY_TEXT, help_text="Same-visit treatment (Spanish). Left blank, patients ask."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        """The clinic's time zone (the site's when the stored name is not a zone)."""
        name = self.time_zone if self.time_zone in _zone_names() else default_time_zone()
        return ZoneInfo(name)

    def clinical_core(self) -> ClinicalCore:
        """The clinical core with this clinic's settings (checked: bad settings raise)."""
        return _core_for(json.dumps(self.clinical_settings, sort_keys=True))

    def answer_variables(self, language: str = "en") -> dict[str, str]:
        """The values that ``{name}`` placeholders in approved answers show, in ``language``
        ("en" or "es"; anything else reads as English). Clinical numbers come from the
        clinic's clinical core, so a changed review day or window shows in the answers."""
        unset = UNSET_TEXT.get(language, UNSET_TEXT["en"])
        suffix = "es" if language == "es" else "en"
        policies = {
            name: getattr(self, f"{name}_{suffix}").strip() or unset[name] for name in POLICIES
        }
        prices = {field: _money(getattr(self, field), unset) for field in PRICE_FIELDS}
        return {
            "clinic_name": self.name,
            "phone": self.phone,
            "emergency_number": self.emergency_number,
            "booking_url": self.booking_url or unset["booking_url"],
            "opening_hours": self.opening_hours or unset["opening_hours"],
            "treatment_minutes": str(self.treatment_minutes),
            "consultation_minutes": str(self.consultation_minutes),
            **policies,
            **prices,
            **clinical_numbers(self.clinical_core()),
        }


def clinical_numbers(core: ClinicalCore) -> dict[str, str]:
    """The clinical figures answers quote, as plain digits: class facts from the effect
    timeline and labels, and the clinic's own review day, window and minimum interval."""
    effect = core.catalogue.effect
    clinic = core.clinic
    # Daxxify's recall window opens when its longer effect is expected to wear off
    # (median about 24 weeks in its trials); a clinic's own Daxxify window wins.
    daxxify_opens_weeks, _ = retreatment_window(core.product("daxxify"), clinic)
    label_days = max(p.retreatment.min_days for p in core.catalogue.products.values())
    numbers = {
        "onset_days_min": effect.onset.low_days,
        "onset_days_max": effect.onset.high_days,
        "peak_days": effect.peak.weeks * 7,
        "review_days": clinic.review_after_days,
        "duration_months_min": effect.duration.low_months,
        "duration_months_max": effect.duration.high_months,
        "daxxify_duration_months": _months(daxxify_opens_weeks * 7),
        "retreat_weeks_min": clinic.retreatment_window_start_weeks,
        "retreat_weeks_max": clinic.retreatment_window_end_weeks,
        "minimum_interval_weeks": clinic.minimum_interval_weeks,
        "label_interval_months": _months(label_days),
    }
    return {name: str(value) for name, value in numbers.items()}


def _months(days: int) -> int:
    """Whole months, as a patient would say them (90 days is 3 months, 24 weeks is 6)."""
    return round(days * 12 / 365.25)


@lru_cache(maxsize=64)
def _core_for(settings_json: str) -> ClinicalCore:
    # Validated once per distinct settings; the core is immutable, so clinics share it.
    return ClinicalCore.for_clinic(json.loads(settings_json))


def _money(value: Decimal | str | None, unset: dict[str, str]) -> str:
    if value is None:
        return unset["price"]
    amount = Decimal(value)
    return unset["no_charge"] if amount == 0 else f"${amount:,.2f}"


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


def validate_framing_origins(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError("A list of site addresses.")
    for origin in value:
        if https_origin(origin) != origin:
            raise ValidationError(f"{origin} is not written as a site's address.")


class SiteEmbedding(models.Model):
    """The clinic's own sites that may show its patient chat and booking pages in a frame
    (the pages' Content-Security-Policy ``frame-ancestors``; core/csp.py)."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="embedding")
    framing_origins = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_framing_origins],
        help_text="https origins, e.g. https://www.example-clinic.com; "
        "empty: no other site may frame them.",
    )

    def __str__(self) -> str:
        return f"Sites that may frame {self.clinic}'s public pages"
