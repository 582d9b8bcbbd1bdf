"""Appointments and the calendar they are placed in: the clinic's opening hours and
closures, each injector's working hours and time off (the clinic's time zone, buffer and
lengths per kind are fields of ``accounts.Clinic``).

An appointment stores its end (``ends_at``, kept in step with ``starts_at`` and
``duration_minutes`` by ``save``) so that, on PostgreSQL, an exclusion constraint over the
injector's time range makes a double booking impossible whatever code path writes it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Func, Q
from django.utils import timezone

from glabella.accounts.models import Clinic
from glabella.core.models import BaseModel
from glabella.patients.models import Patient

if TYPE_CHECKING:
    from glabella.treatments.models import TreatmentRecord


class AppointmentKind(models.TextChoices):
    CONSULTATION = "consultation", "Consultation"
    TREATMENT = "treatment", "Treatment"
    REVIEW = "review", "Two-week review"
    TOUCH_UP = "touch_up", "Touch-up"

    @property
    def default_minutes(self) -> int:
        return DEFAULT_MINUTES[self]


# Clinic practice, not clinical data: the FAQ's "under 30 minutes" treatment and a short review.
# A clinic's own lengths are its fields (``kind_minutes``); these are their defaults.
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
# Agreed with the patient: what the database's constraint keeps apart. A proposal holds its
# time for the slot finder like any live appointment, but is only a suggestion: one that
# found no free slot keeps its preferred time, and confirming it runs the overlap check.
AGREED_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)
SHORTEST_MINUTES, LONGEST_MINUTES = 5, 240
# The clinic field holding each kind's usual length.
KIND_MINUTES_FIELD = {
    AppointmentKind.CONSULTATION: "consultation_minutes",
    AppointmentKind.TREATMENT: "treatment_minutes",
    AppointmentKind.REVIEW: "review_minutes",
    AppointmentKind.TOUCH_UP: "touch_up_minutes",
}


def kind_minutes(clinic: Clinic, kind: str) -> int:
    """How long ``kind`` usually lasts at ``clinic`` (its calendar settings)."""
    return int(getattr(clinic, KIND_MINUTES_FIELD[AppointmentKind(kind)]))


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def for_clinic(self, clinic: Clinic) -> AppointmentQuerySet:
        return self.filter(clinic=clinic)

    def live(self) -> AppointmentQuerySet:
        return self.filter(status__in=LIVE_STATUSES)

    def reviews_of(self, treatment: TreatmentRecord) -> AppointmentQuerySet:
        """The review visits that follow ``treatment``, earliest first."""
        return self.filter(follows=treatment, kind=AppointmentKind.REVIEW).order_by("starts_at")

    def upcoming(self, now: datetime) -> AppointmentQuerySet:
        return self.live().filter(starts_at__gte=now).order_by("starts_at")

    def on_day(self, day: date, zone: tzinfo | None = None) -> AppointmentQuerySet:
        """Starting on ``day`` in ``zone`` (the clinic's; the current one when not given)."""
        return self.filter(
            starts_at__gte=_start_of(day, zone=zone), starts_at__lt=_start_of(day, 1, zone=zone)
        )

    def between(self, start: datetime, end: datetime) -> AppointmentQuerySet:
        """Overlapping ``start``..``end`` (as time ranges)."""
        return self.filter(starts_at__lt=end, ends_at__gt=start)

    def to_confirm(self, today: date) -> AppointmentQuerySet:
        """Proposed by the system for ``today`` or later, still to agree with the patient."""
        return self.filter(status=AppointmentStatus.PROPOSED, starts_at__gte=_start_of(today))


def _start_of(day: date, plus_days: int = 0, *, zone: tzinfo | None = None) -> datetime:
    zone = zone or timezone.get_current_timezone()
    return datetime.combine(day + timedelta(days=plus_days), time.min, tzinfo=zone)


class TsTzRange(Func):
    """PostgreSQL's ``tstzrange(start, end)``, half open: ``[start, end)``."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


NO_DOUBLE_BOOKING = "appointment_injector_no_overlap"


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
    # starts_at + duration_minutes, set by save(): the exclusion constraint's range end.
    ends_at = models.DateTimeField(editable=False)
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
        indexes = [
            models.Index(fields=["clinic", "starts_at"], name="appointment_clinic_start"),
            models.Index(fields=["injector", "starts_at"], name="appointment_injector_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="appointment_ends_after_start"
            ),
            # PostgreSQL only (migration 0005 skips it elsewhere): one injector, one agreed
            # appointment at a time. Needs btree_gist for the equality on the injector.
            ExclusionConstraint(
                name=NO_DOUBLE_BOOKING,
                expressions=[
                    ("injector", RangeOperators.EQUAL),
                    (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=AGREED_STATUSES),
                violation_error_message="The injector already has an appointment then.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.patient} at {self.starts_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.ends_at = self.starts_at + timedelta(minutes=self.duration_minutes)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"starts_at", "duration_minutes"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "ends_at"}
        super().save(*args, **kwargs)


WEEKDAYS = [(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday")]
WEEKDAYS += [(5, "Saturday"), (6, "Sunday")]


# Closing at 00:00 is closing at midnight (the end of the day).
OPENS_BEFORE_CLOSING = Q(closes__gt=models.F("opens")) | Q(closes=time(0, 0))


class Hours(models.Model):
    """Open from ``opens`` to ``closes`` (local wall time; 00:00 closes at midnight) on
    ``weekday`` (0 is Monday); a weekday without a row is closed."""

    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        abstract = True
        ordering = ["weekday"]


class OpeningHours(Hours):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="opening_hours_set")

    class Meta(Hours.Meta):
        constraints = [
            models.UniqueConstraint(fields=["clinic", "weekday"], name="opening_hours_once_a_day"),
            models.CheckConstraint(condition=OPENS_BEFORE_CLOSING, name="opening_order"),
        ]

    def __str__(self) -> str:
        return f"{self.clinic}: {self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class InjectorHours(Hours):
    """An injector's working hours at a clinic; an injector with none works whenever the
    clinic is open."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="injector_hours")
    injector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_hours"
    )

    class Meta(Hours.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "injector", "weekday"], name="injector_hours_once_a_day"
            ),
            models.CheckConstraint(condition=OPENS_BEFORE_CLOSING, name="injector_hours_order"),
        ]

    def __str__(self) -> str:
        day = self.get_weekday_display()
        return f"{self.injector} at {self.clinic}: {day} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(BaseModel):
    """The clinic is closed from ``starts_on`` to ``ends_on``, both included."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="closures")
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=120)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="closure_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.clinic} closed {self.starts_on}–{self.ends_on}: {self.reason}"


class TimeOff(BaseModel):
    """An injector away from ``starts_at`` to ``ends_at`` (leave, training, a meeting)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="time_off")
    injector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_off"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=120)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="time_off_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.injector} away {self.starts_at:%Y-%m-%d %H:%M}: {self.reason}"
