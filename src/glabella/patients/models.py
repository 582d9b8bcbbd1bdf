"""The patient record: demographics (front desk and clinicians) and the clinical part
(screening inputs and notes, clinicians only). Patients are never deleted."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from glabella.accounts.models import Clinic
from glabella.clinical import load_catalogue
from glabella.core.models import BaseModel
from glabella.core.text import fold

OLDEST_AGE = 130  # the screening Intake refuses an older age


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"


class Channel(models.TextChoices):
    SMS = "sms", "Text message"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone call"
    NONE = "none", "Do not contact"


# Which fields belong to which part of the record; access rules and audit use these names.
DEMOGRAPHIC_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "phone",
    "email",
    "preferred_channel",
    "consent_to_contact",
)
HISTORY_FIELDS = (
    "pregnant",
    "breastfeeding",
    "neuromuscular_disorder",
    "swallowing_or_breathing_difficulty",
    "cardiovascular_disease",
    "previous_reaction",
    "facial_anatomy_caution",
    "dry_eye",
)
CLINICAL_FIELDS = ("allergies", "medicines", *HISTORY_FIELDS, "clinical_notes")


def allergen_choices() -> list[tuple[str, str]]:
    return list(load_catalogue().screening.allergens.items())


def medicine_choices() -> list[tuple[str, str]]:
    return list(load_catalogue().screening.medicines.items())


def _validate_slugs(value: Any, known: dict[str, str], kind: str) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(f"Give the {kind} as a list of names.", code="invalid")
    unknown = sorted(set(value) - set(known))
    if unknown:
        raise ValidationError(
            f"Unknown {kind}: {', '.join(unknown)}. Choose from: {', '.join(known)}.",
            code="unknown",
        )


def validate_allergies(value: Any) -> None:
    _validate_slugs(value, load_catalogue().screening.allergens, "allergy")


def validate_medicines(value: Any) -> None:
    _validate_slugs(value, load_catalogue().screening.medicines, "medicine")


def validate_date_of_birth(value: date) -> None:
    today = timezone.localdate()
    if value > today:
        raise ValidationError("The date of birth cannot be in the future.", code="future")
    if age_on(value, today) > OLDEST_AGE:
        raise ValidationError(
            f"A date of birth more than {OLDEST_AGE} years ago is not plausible; check the year.",
            code="too_old",
        )


def age_on(date_of_birth: date, day: date) -> int:
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - before_birthday


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


PHONE_KEY_DIGITS = 9


def phone_key(phone: str) -> str:
    """The phone number as duplicate matching compares it: its last nine digits, so the same
    number written with or without its country code or trunk zero ("+1 (555) 010-2000",
    "555.010.2000", "+34 612 345 678", "612345678") gives one key. Shorter numbers are kept
    whole; no number gives ""."""
    return _digits(phone)[-PHONE_KEY_DIGITS:]


class PatientQuerySet(models.QuerySet["Patient"]):
    def for_clinic(self, clinic: Clinic) -> PatientQuerySet:
        return self.filter(clinic=clinic)

    def unmerged(self) -> PatientQuerySet:
        """Records not merged into another (a merged record is kept for its audit trail)."""
        return self.filter(merged_into__isnull=True)

    def matching(self, query: str) -> PatientQuerySet:
        """Patients whose names contain every word (a word of one or two letters: a word of
        the name starts with it), whose phone contains the digits, or born on the date
        (YYYY-MM-DD or MM/DD/YYYY). Names are compared folded (no case, no accents), so
        "nunez" finds "Ñúñez". On PostgreSQL trigram indexes serve the name and phone
        matches (migration 0004); callers take a page of the result, never all of it."""
        query = query.strip()
        born = _parse_date(query)
        if born is not None:
            return self.filter(date_of_birth=born)
        if re.fullmatch(r"[\d\s()+.-]+", query) and len(_digits(query)) >= PHONE_KEY_DIGITS:
            return self.filter(phone_key=phone_key(query))  # a whole number: indexed
        if re.fullmatch(r"[\d\s()+.-]+", query) and len(_digits(query)) >= 3:
            return self.filter(phone_digits__contains=_digits(query))
        condition = Q()
        for word in fold(query).split():
            condition &= _name_word(word)
        return self.filter(condition)


# A word this long is matched anywhere in the name (PostgreSQL's trigram index serves it); a
# shorter one has no trigram of its own, so it is matched at the start of a word instead,
# which the trigram index serves through the word's padded first trigrams.
CONTAINS_FROM = 3


def _name_word(word: str) -> Q:
    if len(word) >= CONTAINS_FROM:
        return Q(name_folded__contains=word)
    return Q(name_folded__startswith=word) | Q(name_folded__contains=f" {word}")


def fold_name(first_name: str, last_name: str) -> str:
    """The stored search form of a name (migration 0002 repeats it for the rows it fills)."""
    return fold(f"{first_name} {last_name}")


def _parse_date(text: str) -> date | None:
    for pattern, order in (
        (r"(\d{4})-(\d{1,2})-(\d{1,2})", "ymd"),
        (r"(\d{1,2})/(\d{1,2})/(\d{4})", "mdy"),
    ):
        match = re.fullmatch(pattern, text)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            try:
                return date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                return None
    return None


class Patient(BaseModel):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")

    # --- demographics and contact: every staff role --------------------------------------
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    # "first last" folded (core.text.fold), kept by save(); what the name search matches on.
    name_folded = models.CharField(max_length=201, blank=True, editable=False, db_index=True)
    date_of_birth = models.DateField(validators=[validate_date_of_birth])
    sex = models.CharField(max_length=10, choices=Sex.choices, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    phone_digits = models.CharField(max_length=40, blank=True, editable=False)  # for search
    # phone_key(phone), kept by save(): what duplicate matching and whole-number search use.
    phone_key = models.CharField(max_length=PHONE_KEY_DIGITS, blank=True, editable=False)
    email = models.EmailField(blank=True)
    preferred_channel = models.CharField(
        max_length=10, choices=Channel.choices, default=Channel.NONE
    )
    consent_to_contact = models.BooleanField(default=False)
    consent_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)

    # --- clinical: the screening inputs and notes; clinicians only ----------------------
    allergies = models.JSONField(default=list, blank=True, validators=[validate_allergies])
    medicines = models.JSONField(default=list, blank=True, validators=[validate_medicines])
    pregnant = models.BooleanField(default=False)
    breastfeeding = models.BooleanField(default=False)
    neuromuscular_disorder = models.BooleanField(default=False)
    swallowing_or_breathing_difficulty = models.BooleanField(default=False)
    cardiovascular_disease = models.BooleanField(default=False)
    previous_reaction = models.BooleanField(default=False)
    facial_anatomy_caution = models.BooleanField(default=False)
    dry_eye = models.BooleanField(default=False)
    clinical_notes = models.TextField(blank=True)

    # --- a duplicate merged into the record kept (see services.merge_patients) ------------
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records"
    )
    merged_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["clinic", "last_name"], name="patient_clinic_last_name"),
            # Duplicate matching reads one clinic's patients born on one day (a few dozen
            # among a million), then compares names, phones and emails.
            models.Index(fields=["clinic", "date_of_birth"], name="patient_clinic_dob"),
            models.Index(fields=["clinic", "phone_key"], name="patient_clinic_phone_key"),
            # A page of search results in name order, read from the index alone: the folded
            # name is a key column so a word filter is checked on the index entry, and a
            # broad search (a letter or two) stops after a page instead of sorting thousands.
            models.Index(
                fields=["clinic", "last_name", "first_name", "id", "name_folded"],
                condition=Q(merged_into__isnull=True),
                name="patient_search_order",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def clean(self) -> None:
        if self.preferred_channel == Channel.SMS and not self.phone:
            raise ValidationError({"phone": "Give a phone number for text messages."})
        if self.preferred_channel == Channel.PHONE and not self.phone:
            raise ValidationError({"phone": "Give a phone number to be called on."})
        if self.preferred_channel == Channel.EMAIL and not self.email:
            raise ValidationError({"email": "Give an email address for email."})

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.phone_digits = _digits(self.phone)
        self.phone_key = phone_key(self.phone)
        self.name_folded = fold_name(self.first_name, self.last_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            derived = set()
            if "phone" in update_fields:
                derived |= {"phone_digits", "phone_key"}
            if {"first_name", "last_name"} & set(update_fields):
                derived.add("name_folded")
            kwargs["update_fields"] = {*update_fields, *derived}
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValidationError("Patient records are kept; they cannot be deleted.")


class DuplicateReason(models.TextChoices):
    SAME_NAME_OTHER_CONTACT = "same_name", "Same name and date of birth, other phone and email"
    SAME_CONTACT_OTHER_NAME = "same_contact", "Same date of birth and phone or email, other name"
    SAME_PERSON = "same_person", "Same name, date of birth and phone or email"


class DuplicateStatus(models.TextChoices):
    OPEN = "open", "To check"
    MERGED = "merged", "Merged"
    DISMISSED = "dismissed", "Not the same person"


class DuplicateFlagQuerySet(models.QuerySet["DuplicateFlag"]):
    def open(self) -> DuplicateFlagQuerySet:
        return self.filter(status=DuplicateStatus.OPEN)


class DuplicateFlag(BaseModel):
    """A record that may be a second record of the same person: the front desk merges the
    two or says they are different people. ``patient`` is the newer record."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=20, choices=DuplicateReason.choices)
    source = models.CharField(max_length=20)  # where the newer record came from: staff, online
    status = models.CharField(
        max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = DuplicateFlagQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["clinic", "status", "created_at"], name="duplicate_queue")]
        constraints = [
            models.UniqueConstraint(fields=["patient", "candidate"], name="one_flag_per_pair"),
            models.CheckConstraint(
                condition=~Q(patient=models.F("candidate")), name="flag_pairs_two_records"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient_id} may be {self.candidate_id} ({self.reason})"


class RegistrationKey(models.Model):
    """The one-time key of a registration form: a second submit of the same form (a double
    click, a resent request) returns the patient the first one registered."""

    key = models.UUIDField(unique=True)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Registration {self.key}"
