"""Messages to patients: the outbox (one row per subject, kind and due time), each patient's
messaging preference, the clinic's message settings and templates, and the replies received.

The outbox is the source of truth: a task or the worker's sweep claims a due row with a
conditional UPDATE and a lease, so a row is sent by one worker at a time, and a row whose
worker died is claimed again when the lease runs out (``sending.py``).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from glabella.accounts.models import Clinic
from glabella.core.models import BaseModel
from glabella.patients.models import Patient


class MessageKind(models.TextChoices):
    BOOKING_CONFIRMATION = "booking_confirmation", "Booking confirmation"
    REMINDER = "reminder", "Reminder before the visit"
    AFTERCARE = "aftercare", "Aftercare after a treatment"
    REVIEW_INVITATION = "review_invitation", "Two-week review invitation"
    RECALL_OPEN = "recall_open", "Recall: the window opens"
    RECALL_CLOSING = "recall_closing", "Recall: the window closes soon"
    NO_SHOW = "no_show", "No-show follow-up"


RECALL_KINDS = (MessageKind.RECALL_OPEN, MessageKind.RECALL_CLOSING)


class MessageChannel(models.TextChoices):
    SMS = "sms", "Text message"
    EMAIL = "email", "Email"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed (retries used up)"
    SKIPPED = "skipped", "Not sent"


class OutboxQuerySet(models.QuerySet["Outbox"]):
    def for_clinic(self, clinic: Clinic) -> OutboxQuerySet:
        return self.filter(clinic=clinic)

    def claimable(self, now: datetime) -> OutboxQuerySet:
        """Due and waiting, or claimed by a worker whose lease has run out (it died)."""
        return self.filter(
            Q(status=OutboxStatus.PENDING, send_after__lte=now)
            | Q(status=OutboxStatus.SENDING, lease_until__lt=now)
        )

    def counting_towards_recall_cap(self, patient: Patient, since: datetime) -> OutboxQuerySet:
        return self.filter(patient=patient, kind__in=RECALL_KINDS, created_at__gte=since).exclude(
            status=OutboxStatus.SKIPPED
        )


class Outbox(BaseModel):
    """One message to one patient: what, when, through which channel, and how it went."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="outbox")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="outbox")
    kind = models.CharField(max_length=30, choices=MessageKind.choices)
    # What the message is about, e.g. "appointment:42", "treatment:7", "recall:3".
    subject_key = models.CharField(max_length=100)
    due_at = models.DateTimeField()
    # When it may go: the due time, moved past quiet hours, or later after a failure.
    send_after = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    context = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=40, blank=True)
    channel = models.CharField(max_length=10, choices=MessageChannel.choices, blank=True)
    recipient = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    template_version = models.ForeignKey(
        "MessageTemplateVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    provider_id = models.CharField(max_length=100, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        ordering = ["-due_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_key", "kind", "due_at"], name="outbox_one_per_subject_kind_due"
            )
        ]
        indexes = [
            models.Index(fields=["status", "send_after"], name="outbox_due"),
            models.Index(fields=["clinic", "status", "due_at"], name="outbox_clinic_status"),
            models.Index(fields=["patient", "kind", "created_at"], name="outbox_patient_kind"),
            models.Index(fields=["clinic", "provider_id"], name="outbox_provider_id"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.patient} due {self.due_at:%Y-%m-%d %H:%M}"


class ConsentSource(models.TextChoices):
    PATIENT_RECORD = "patient_record", "Patient record"
    FRONT_DESK = "front_desk", "Front desk"
    ONLINE_BOOKING = "online_booking", "Online booking"
    SMS_REPLY = "sms_reply", "Text message reply"
    EMAIL_REPLY = "email_reply", "Email reply"
    UNSUBSCRIBE_LINK = "unsubscribe_link", "Unsubscribe link"


class MessagingPreference(models.Model):
    """Whether and how a patient accepts messages. Without a row the patient record's
    consent and preferred channel apply (``preferences.effective_preference``)."""

    patient = models.OneToOneField(
        Patient, on_delete=models.PROTECT, related_name="messaging_preference"
    )
    consent = models.BooleanField(default=False)
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_source = models.CharField(max_length=20, choices=ConsentSource.choices, blank=True)
    channel = models.CharField(max_length=10, choices=MessageChannel.choices, blank=True)
    opted_out_at = models.DateTimeField(null=True, blank=True)
    opted_out_source = models.CharField(max_length=20, choices=ConsentSource.choices, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Messages for {self.patient}: {'yes' if self.accepts_messages else 'no'}"

    @property
    def accepts_messages(self) -> bool:
        return self.consent and self.opted_out_at is None


DEFAULT_REMINDER_HOURS = [48, 2]


def default_reminder_hours() -> list[int]:
    return list(DEFAULT_REMINDER_HOURS)


class MessagingSettings(models.Model):
    """A clinic's message practice (not clinical data) and its SMS provider account."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="messaging")
    quiet_start = models.TimeField(default=time(20, 0))
    quiet_end = models.TimeField(default=time(8, 0))
    reminder_hours = models.JSONField(
        default=default_reminder_hours,
        help_text="Hours before a visit at which reminders go, e.g. [48, 2].",
    )
    send_hour = models.PositiveSmallIntegerField(
        default=10,
        validators=[MaxValueValidator(23)],
        help_text="Clinic-local hour at which day-based messages (recall, review) go.",
    )
    review_invite_days_before = models.PositiveSmallIntegerField(
        default=3, validators=[MaxValueValidator(14)]
    )
    recall_closing_days_before = models.PositiveSmallIntegerField(
        default=14, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    no_show_delay_hours = models.PositiveSmallIntegerField(
        default=2, validators=[MaxValueValidator(72)]
    )
    max_recall_messages = models.PositiveSmallIntegerField(
        default=3, validators=[MaxValueValidator(10)]
    )
    twilio_account_sid = models.CharField(max_length=64, blank=True)
    twilio_auth_token = models.CharField(max_length=64, blank=True)
    twilio_from_number = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name_plural = "messaging settings"

    def __str__(self) -> str:
        return f"Message settings of {self.clinic}"

    @property
    def reminder_offsets(self) -> list[timedelta]:
        return [timedelta(hours=int(h)) for h in self.reminder_hours]


class MessageTemplate(BaseModel):
    """A clinic's wording of one kind of message; its text lives in versions and only an
    approved version is sent. Without one, the shipped default is (``defaults.py``)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="message_templates")
    kind = models.CharField(max_length=30, choices=MessageKind.choices)
    approved_version = models.ForeignKey(
        "MessageTemplateVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "kind"], name="one_template_per_clinic_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.clinic}"

    @property
    def latest_version(self) -> MessageTemplateVersion | None:
        return self.versions.order_by("-number").first()


class MessageTemplateVersion(models.Model):
    """One wording of a template. Versions are never changed once written."""

    template = models.ForeignKey(MessageTemplate, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["template", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"], name="message_template_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template.kind} v{self.number}"


class InboundMessage(BaseModel):
    """A reply from a patient (text or email), what it matched and what was done with it."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="inbound_messages")
    channel = models.CharField(max_length=10, choices=MessageChannel.choices)
    sender = models.CharField(max_length=254)
    body = models.TextField()
    provider_id = models.CharField(max_length=100, blank=True)
    patient = models.ForeignKey(
        Patient, null=True, blank=True, on_delete=models.PROTECT, related_name="inbound_messages"
    )
    treatment = models.ForeignKey(
        "treatments.TreatmentRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The patient's last signed treatment when the reply came.",
    )
    handoff = models.ForeignKey(
        "assistant.Handoff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opted_out = models.BooleanField(default=False)
    outcome = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["clinic", "created_at"], name="inbound_clinic_created")]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "provider_id"],
                condition=~Q(provider_id=""),
                name="inbound_provider_id_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} from {self.sender}"
