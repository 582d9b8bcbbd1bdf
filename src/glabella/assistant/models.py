import re
import secrets
from typing import Any

from django.conf import settings
from django.db import models

from glabella.accounts.models import Clinic
from glabella.core.models import BaseModel


class EntryStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    RETIRED = "retired", "Retired"


class Language(models.TextChoices):
    """Languages an entry can be written in; patients may write in others (handed to staff)."""

    ENGLISH = "en", "English"
    SPANISH = "es", "Español"


class EntryQuerySet(models.QuerySet["Entry"]):
    def answering(self) -> "EntryQuerySet":
        """Entries that may answer patients: approved, with their approved version."""
        return self.filter(status=EntryStatus.APPROVED, approved_version__isnull=False)


class Entry(BaseModel):
    """A knowledge-base answer. Its text lives in versions; only an approved one answers."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="entries")
    topic = models.SlugField(max_length=60)
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.ENGLISH)
    status = models.CharField(max_length=10, choices=EntryStatus.choices, default=EntryStatus.DRAFT)
    approved_version = models.ForeignKey(
        "EntryVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_note = models.CharField(max_length=200, blank=True)
    import_key = models.SlugField(max_length=200, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "entries"
        ordering = ["topic", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "import_key"],
                condition=~models.Q(import_key=""),
                name="entry_import_key_unique_per_clinic",
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.status})"

    @property
    def latest_version(self) -> "EntryVersion":
        return self.versions.order_by("-number").first()  # type: ignore[return-value]

    @property
    def has_pending_changes(self) -> bool:
        latest = self.latest_version
        return latest is not None and latest.pk != self.approved_version_id


class EntryVersion(models.Model):
    """One wording of an entry. Versions are never changed once written."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    phrasings = models.JSONField(default=list)
    answer = models.TextField()
    source = models.CharField(max_length=500, blank=True)
    change_note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry", "number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="entry_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.entry.topic} v{self.number}"


class Outcome(models.TextChoices):
    ANSWERED = "answered", "Answered"
    CLARIFIED = "clarified", "Asked which answer was meant"
    ABSTAINED = "abstained", "Handed to staff"
    URGENT = "urgent", "Urgent"


class AskLogQuerySet(models.QuerySet["AskLog"]):
    def older_than(self, moment: object) -> "AskLogQuerySet":
        return self.filter(created_at__lt=moment)


class AskLog(BaseModel):
    """A patient's question and what the assistant did with it, for the clinic's review."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="ask_logs")
    question = models.TextField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.SET_NULL)
    version_number = models.PositiveIntegerField(null=True, blank=True)
    topic = models.SlugField(max_length=60, blank=True)
    confidence = models.FloatField(default=0)
    reason = models.CharField(max_length=300, blank=True)
    signals = models.JSONField(default=list, blank=True)
    timings_ms = models.JSONField(default=dict, blank=True)
    channel = models.CharField(max_length=10, default="web")

    objects = AskLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["clinic", "created_at"])]


class HandoffKind(models.TextChoices):
    QUESTION = "question", "Question for staff"
    URGENT = "urgent", "Urgent symptoms: follow up as a possible adverse event"


class HandoffStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed"


class HandoffQuerySet(models.QuerySet["Handoff"]):
    def open(self) -> "HandoffQuerySet":
        return self.filter(status=HandoffStatus.OPEN)


# A reference a patient reads out on the phone: no 0/O or 1/I to confuse.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 8


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def tidy_reference(text: str) -> str:
    """What a patient quotes ("abcd-efgh", "ABCD EFGH") as stored: upper case, no separators."""
    return re.sub(r"[\s-]", "", text).upper()


class Handoff(BaseModel):
    """A question the assistant passed to staff: unsure, or urgent symptoms.

    The patient may leave a name and a phone number or email to be called back (with their
    consent); the reference is what they quote when they call the clinic."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="handoffs")
    ask_log = models.OneToOneField(
        AskLog, null=True, blank=True, on_delete=models.SET_NULL, related_name="handoff"
    )
    question = models.TextField()
    reference = models.CharField(max_length=REFERENCE_LENGTH, editable=False)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_consent_at = models.DateTimeField(null=True, blank=True)
    patient = models.ForeignKey(
        "patients.Patient",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assistant_handoffs",
        help_text="The clinic's patient record the contact details matched, if exactly one.",
    )
    called_back_at = models.DateTimeField(null=True, blank=True)
    called_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(max_length=10, choices=HandoffKind.choices)
    status = models.CharField(
        max_length=10, choices=HandoffStatus.choices, default=HandoffStatus.OPEN
    )
    reply = models.TextField(blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    saved_as = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.SET_NULL)

    objects = HandoffQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "reference"], name="handoff_reference_unique_per_clinic"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.reference:
            self.reference = self._unused_reference()
        super().save(*args, **kwargs)

    def _unused_reference(self) -> str:
        # 32**8 references per clinic make a clash rare, not impossible over years of
        # messages; the constraint is the guarantee, this loop keeps a clash from failing.
        taken = Handoff.objects.filter(clinic_id=self.clinic_id)
        while True:
            reference = new_reference()
            if not taken.filter(reference=reference).exists():
                return reference

    @property
    def reference_display(self) -> str:
        """The reference in two groups of four, easier to read out: "K7QM-4XPD"."""
        half = REFERENCE_LENGTH // 2
        return f"{self.reference[:half]}-{self.reference[half:]}"

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_phone or self.contact_email)

    @property
    def contact_summary(self) -> str:
        """Name, phone and email on one line, for lists."""
        return " · ".join(
            p for p in (self.contact_name, self.contact_phone, self.contact_email) if p
        )

    @property
    def tel_href(self) -> str:
        """The phone number as a ``tel:`` link wants it: digits, with the leading + if given."""
        digits = re.sub(r"\D", "", self.contact_phone)
        return f"+{digits}" if self.contact_phone.startswith("+") else digits


class CachedEmbedding(models.Model):
    """A text's embedding, keyed by a digest of the model id and the text (not patient data)."""

    key = models.CharField(max_length=64, primary_key=True)
    vector = models.BinaryField()

    def __str__(self) -> str:
        return self.key
