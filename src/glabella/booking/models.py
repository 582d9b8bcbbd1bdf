"""Online booking: each clinic's booking settings, the record of each booking made on the
public page (keyed by the form's one-time key, so a double submit books once), and the
history of a booking moved by the patient's own link.

The appointment itself is scheduling's (``scheduling.Appointment``); the patient is
patients'; these rows say how the booking came about and what the patient did with it."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from glabella.accounts.models import Clinic
from glabella.core.models import BaseModel
from glabella.patients.models import Patient
from glabella.scheduling.models import Appointment

# Clinic practice, not clinical data; each clinic changes its own (README "Online booking").
# 48 hours: the cancellation rule clinics commonly publish (CLINIC-NEEDS.md, e.g.
# polishedbeautymedspa.com/policies, illumatox.com/cancellation-policy).
DEFAULT_CANCELLATION_HOURS = 48
# 365 days: a first examination (the US "good faith exam") is renewed every 12 months in most
# states (spakinect.com/blog/how-often-does-a-good-faith-exam-need-to-be-renewed); a
# clinic whose rules differ sets its own period.
DEFAULT_CONSULTATION_VALID_DAYS = 365
DEFAULT_DAYS_AHEAD = 60


class BookingSettings(models.Model):
    """How a clinic takes bookings on its public page."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="booking")
    enabled = models.BooleanField(default=True, help_text="Patients may book online.")
    hold_for_front_desk = models.BooleanField(
        default=False,
        help_text="Online bookings wait for the front desk to confirm them (otherwise they "
        "are confirmed at once).",
    )
    cancellation_hours = models.PositiveSmallIntegerField(
        default=DEFAULT_CANCELLATION_HOURS,
        validators=[MaxValueValidator(336)],
        help_text="Patients may cancel or move a visit online until this many hours before it.",
    )
    consultation_valid_days = models.PositiveSmallIntegerField(
        default=DEFAULT_CONSULTATION_VALID_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text="A treatment can be booked online within this many days of the patient's "
        "last consultation (with its screening).",
    )
    days_ahead = models.PositiveSmallIntegerField(
        default=DEFAULT_DAYS_AHEAD,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="How far ahead patients may book, in days.",
    )

    class Meta:
        verbose_name_plural = "booking settings"

    def __str__(self) -> str:
        return f"Online booking at {self.clinic}"


class MatchedAs(models.TextChoices):
    EXACT = "exact", "Matched an existing record"
    UNCERTAIN = "uncertain", "May be an existing record: the front desk checks"
    NONE = "none", "New patient"


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    HELD = "held", "Held for the front desk"


class OnlineBooking(BaseModel):
    """One submit of the booking form that booked something. ``key`` is the form's one-time
    key: a second submit of the same form finds this row and books nothing."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    key = models.UUIDField(unique=True)
    # Named relations (not "+"): merging two patient records moves these rows as well.
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="online_bookings")
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, related_name="online_bookings"
    )
    matched_as = models.CharField(max_length=10, choices=MatchedAs.choices)
    status = models.CharField(max_length=10, choices=BookingStatus.choices)
    any_injector = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Online booking {self.key} ({self.status})"


class Reschedule(BaseModel):
    """The patient moved ``old`` (now cancelled, kept as it was) to ``new`` by their link."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="reschedules")
    old = models.OneToOneField(Appointment, on_delete=models.PROTECT, related_name="moved_to")
    new = models.OneToOneField(Appointment, on_delete=models.PROTECT, related_name="moved_from")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Appointment {self.old_id} moved to {self.new_id}"
