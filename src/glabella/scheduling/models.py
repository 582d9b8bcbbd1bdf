"""Appointments, as far as the treatment flow needs them: the two-week review that signing a
treatment proposes, and the visits the chart timeline shows. Online booking (slots, double
booking constraint, reminders) builds on this model in a later issue."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from glabella.accounts.models import Clinic
from glabella.core.models import BaseModel
from glabella.patients.models import Patient


class AppointmentKind(models.TextChoices):
    CONSULTATION = "consultation", "Consultation"
    TREATMENT = "treatment", "Treatment"
    REVIEW = "review", "Two-week review"
    TOUCH_UP = "touch_up", "Touch-up"

    @property
    def default_minutes(self) -> int:
        return DEFAULT_MINUTES[self]


# Clinic practice, not clinical data: the FAQ's "under 30 minutes" treatment and a short review.
DEFAULT_MINUTES = {
    AppointmentKind.CONSULTATION: 30,
    AppointmentKind.TREATMENT: 30,
    AppointmentKind.REVIEW: 15,
    AppointmentKind.TOUCH_UP: 15,
}


class AppointmentStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed (to confirm with the patient)"
    BOOKED = "booked", "Booked"
    ARRIVED = "arrived", "Arrived"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "Did not attend"


LIVE_STATUSES = (AppointmentStatus.PROPOSED, AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)
SHORTEST_MINUTES, LONGEST_MINUTES = 5, 240


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def for_clinic(self, clinic: Clinic) -> AppointmentQuerySet:
        return self.filter(clinic=clinic)

    def live(self) -> AppointmentQuerySet:
        return self.filter(status__in=LIVE_STATUSES)

    def upcoming(self, now: datetime) -> AppointmentQuerySet:
        return self.live().filter(starts_at__gte=now).order_by("starts_at")

    def on_day(self, day: date) -> AppointmentQuerySet:
        """Starting on ``day`` in the clinic's time zone (the site's current one)."""
        return self.filter(starts_at__gte=_start_of(day), starts_at__lt=_start_of(day, 1))

    def starting_near(self, start: datetime, end: datetime) -> AppointmentQuerySet:
        """Every appointment that may overlap ``start``..``end``, whatever the calendar day:
        starting before ``end`` and less than the longest appointment before ``start``.
        Compare each one's ``ends_at`` with ``start`` to keep those that do."""
        earliest = start - timedelta(minutes=LONGEST_MINUTES)
        return self.filter(starts_at__lt=end, starts_at__gt=earliest)

    def to_confirm(self, today: date) -> AppointmentQuerySet:
        """Proposed by the system for ``today`` or later, still to agree with the patient."""
        return self.filter(status=AppointmentStatus.PROPOSED, starts_at__gte=_start_of(today))


def _start_of(day: date, plus_days: int = 0) -> datetime:
    zone = timezone.get_current_timezone()
    return datetime.combine(day + timedelta(days=plus_days), time.min, tzinfo=zone)


class Appointment(BaseModel):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="appointments")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    injector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    kind = models.CharField(max_length=20, choices=AppointmentKind.choices)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(SHORTEST_MINUTES), MaxValueValidator(LONGEST_MINUTES)]
    )
    status = models.CharField(
        max_length=20, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    # The treatment a review or touch-up follows (string reference: treatments depends on us).
    follows = models.ForeignKey(
        "treatments.TreatmentRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    note = models.CharField(max_length=300, blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["clinic", "starts_at"], name="appointment_clinic_start")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.patient} at {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)
