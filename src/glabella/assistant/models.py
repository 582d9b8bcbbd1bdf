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


class Handoff(BaseModel):
    """A question the assistant passed to staff: unsure, or urgent symptoms."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="handoffs")
    ask_log = models.OneToOneField(
        AskLog, null=True, blank=True, on_delete=models.SET_NULL, related_name="handoff"
    )
    question = models.TextField()
    contact = models.CharField(max_length=200, blank=True)
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


class CachedEmbedding(models.Model):
    """A text's embedding, keyed by a digest of the model id and the text (not patient data)."""

    key = models.CharField(max_length=64, primary_key=True)
    vector = models.BinaryField()

    def __str__(self) -> str:
        return self.key
