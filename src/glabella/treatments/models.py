"""The clinical record of a treatment course: consultation (screening, assessment, product
choice), overrides of a screening block, the treatment record with its vials and injection
sites, amendments, the review and adverse events.

Rows are never deleted. A treatment record is a draft until its injector signs it; after
that it is only amended (the original stays as it was).
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from glabella.accounts.models import Clinic
from glabella.core.models import BaseModel
from glabella.patients.models import Patient

GRADE = [MinValueValidator(0), MaxValueValidator(3)]
CHART_COORDINATE = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
POSITIVE_UNITS = [MinValueValidator(Decimal("0.25"))]


def _user_link(related_name: str, **options: object) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name=related_name, **options
    )


class Consultation(BaseModel):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="consultations")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consultations")
    clinician = _user_link("consultations")
    held_on = models.DateField()
    # The clinical core's verdict per product when the consultation was held, as it showed:
    # [{"product", "brand", "outcome", "findings": [{"rule", "outcome", "reason"}]}]
    screening = models.JSONField(default=list)
    product = models.CharField(max_length=40, blank=True)
    product_reason = models.TextField(blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Consultation of {self.patient} on {self.held_on}"

    def verdict_for(self, product: str) -> dict | None:
        return next((v for v in self.screening if v["product"] == product), None)


class Decision(models.TextChoices):
    TREAT = "treat", "Treat with a neuromodulator"
    REFER = "refer", "Refer (filler or resurfacing)"
    BOTH = "both", "Treat and refer"
    NONE = "none", "No treatment"


class AssessedArea(models.Model):
    """One area's severity at rest and at maximum contraction, the core's recommendation
    and the clinician's decision."""

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="areas")
    area = models.CharField(max_length=40)
    static = models.PositiveSmallIntegerField(validators=GRADE)
    dynamic = models.PositiveSmallIntegerField(validators=GRADE)
    recommendation = models.CharField(max_length=20)
    recommendation_reason = models.TextField()
    decision = models.CharField(max_length=10, choices=Decision.choices)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "area"], name="one_assessment_per_area")
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.static}/{self.dynamic}"


class ScreeningOverride(BaseModel):
    """The medical director's recorded decision to allow a product that screening blocked.
    ``created_by`` is the director; the findings overridden are kept as they read."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="overrides")
    consultation = models.ForeignKey(
        Consultation, null=True, blank=True, on_delete=models.PROTECT, related_name="overrides"
    )
    product = models.CharField(max_length=40)
    reason = models.TextField()
    findings = models.JSONField(default=list)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Override for {self.product} ({self.patient})"


class TreatmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


class TreatmentQuerySet(models.QuerySet["TreatmentRecord"]):
    def for_clinic(self, clinic: Clinic) -> TreatmentQuerySet:
        return self.filter(clinic=clinic)

    def signed(self) -> TreatmentQuerySet:
        return self.filter(status=TreatmentStatus.SIGNED)

    def before(self, record: TreatmentRecord) -> TreatmentQuerySet:
        """The patient's other records treated on or before ``record``'s day, newest first:
        ``.first()`` is the previous one."""
        return (
            self.filter(patient_id=record.patient_id, treated_on__lte=record.treated_on)
            .exclude(pk=record.pk)
            .order_by("-treated_on", "-id")
        )

    def courses(self) -> TreatmentQuerySet:
        """Signed treatments that start a course (touch-ups belong to the course they top up)."""
        return self.signed().filter(touch_up_of__isnull=True)

    def latest_course_per_patient(self) -> TreatmentQuerySet:
        later = TreatmentRecord.objects.courses().filter(
            patient=OuterRef("patient"), treated_on__gt=OuterRef("treated_on")
        )
        return self.courses().exclude(Exists(later))

    def due_for_recall(self, today: date) -> TreatmentQuerySet:
        """Each patient's latest course whose retreatment window has opened by ``today``."""
        return self.latest_course_per_patient().filter(recall_opens_on__lte=today)


class TreatmentRecord(BaseModel):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="treatments")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="treatments")
    consultation = models.ForeignKey(
        Consultation, null=True, blank=True, on_delete=models.PROTECT, related_name="treatments"
    )
    injector = _user_link("treatments")
    product = models.CharField(max_length=40)
    treated_on = models.DateField()
    vial_units = models.PositiveSmallIntegerField(help_text="Units in each vial used.")
    diluent_ml = models.DecimalField(max_digits=4, decimal_places=2)
    touch_up_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="touch_ups"
    )
    deviation_reason = models.TextField(blank=True)
    interval_reason = models.TextField(blank=True)
    aftercare_given = models.BooleanField(default=False)
    aftercare_notes = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=TreatmentStatus.choices, default=TreatmentStatus.DRAFT
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    # Set from the clinical core when signed (the clinic's settings at that moment).
    total_units = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    review_on = models.DateField(null=True, blank=True)
    recall_opens_on = models.DateField(null=True, blank=True)
    recall_closes_on = models.DateField(null=True, blank=True)
    earliest_retreatment_on = models.DateField(null=True, blank=True)

    objects = TreatmentQuerySet.as_manager()

    class Meta:
        ordering = ["-treated_on", "-id"]
        indexes = [
            models.Index(fields=["clinic", "status", "recall_opens_on"], name="treatment_recall"),
            models.Index(fields=["patient", "treated_on"], name="treatment_patient_date"),
            # The message scheduler's aftercare: a clinic's courses signed in a time window.
            models.Index(fields=["clinic", "signed_at"], name="treatment_clinic_signed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=TreatmentStatus.DRAFT) | Q(signed_at__isnull=False),
                name="signed_treatment_has_signing_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.product} for {self.patient} on {self.treated_on}"

    @property
    def is_signed(self) -> bool:
        return self.status == TreatmentStatus.SIGNED

    @property
    def is_touch_up(self) -> bool:
        return self.touch_up_of_id is not None


class VialUse(models.Model):
    """One vial opened for the treatment, traced by its lot and expiry."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    treatment = models.ForeignKey(TreatmentRecord, on_delete=models.PROTECT, related_name="vials")
    lot_number = models.CharField(max_length=40)
    expires_on = models.DateField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Lot {self.lot_number} (expires {self.expires_on})"


class Side(models.TextChoices):
    LEFT = "left", "Patient's left"
    RIGHT = "right", "Patient's right"
    CENTRE = "centre", "Midline"


class InjectionSite(models.Model):
    """A point on the face chart: where (percent of the chart's width and height, the
    patient's right on the viewer's left) and how many units of the record's product."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    treatment = models.ForeignKey(TreatmentRecord, on_delete=models.PROTECT, related_name="sites")
    area = models.CharField(max_length=40)
    side = models.CharField(max_length=10, choices=Side.choices)
    x = models.DecimalField(max_digits=5, decimal_places=2, validators=CHART_COORDINATE)
    y = models.DecimalField(max_digits=5, decimal_places=2, validators=CHART_COORDINATE)
    units = models.DecimalField(max_digits=6, decimal_places=2, validators=POSITIVE_UNITS)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.units} U {self.area} ({self.side})"


class Amendment(BaseModel):
    """A correction or addition to a signed record; ``created_by`` is the author."""

    treatment = models.ForeignKey(
        TreatmentRecord, on_delete=models.PROTECT, related_name="amendments"
    )
    reason = models.CharField(max_length=300)
    text = models.TextField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Amendment to {self.treatment_id}: {self.reason}"


class Review(BaseModel):
    """The two-week review: onset, effect per area at maximum contraction, satisfaction, a
    touch-up if one was given, and later the date the patient says the effect wore off."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="reviews")
    treatment = models.ForeignKey(TreatmentRecord, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField()
    onset_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    effect = models.JSONField(default=dict)  # {"glabellar": 0..3, ...} at maximum contraction
    satisfaction = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    touch_up = models.OneToOneField(
        TreatmentRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="review_of"
    )
    wore_off_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"Review of {self.treatment} on {self.reviewed_on}"


class EventKind(models.TextChoices):
    BRUISING = "bruising", "Bruising"
    HEADACHE = "headache", "Headache"
    EYELID_PTOSIS = "eyelid_ptosis", "Eyelid ptosis"
    BROW_PTOSIS = "brow_ptosis", "Brow ptosis"
    ASYMMETRY = "asymmetry", "Asymmetry"
    ALLERGIC_REACTION = "allergic_reaction", "Allergic reaction"
    DISTANT_SPREAD = "distant_spread", "Distant-spread symptoms"
    OTHER = "other", "Other"


class Severity(models.TextChoices):
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    SEVERE = "severe", "Severe"


class AdverseEventQuerySet(models.QuerySet["AdverseEvent"]):
    def for_clinic(self, clinic: Clinic) -> AdverseEventQuerySet:
        return self.filter(clinic=clinic)

    def open(self) -> AdverseEventQuerySet:
        return self.filter(resolved_on__isnull=True)


class AdverseEvent(BaseModel):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="adverse_events")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="adverse_events")
    treatment = models.ForeignKey(
        TreatmentRecord,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adverse_events",
    )
    vial = models.ForeignKey(
        VialUse, null=True, blank=True, on_delete=models.PROTECT, related_name="adverse_events"
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    onset_on = models.DateField()
    description = models.TextField()
    actions = models.TextField(blank=True)
    resolved_on = models.DateField(null=True, blank=True)
    # An urgent message from the patient assistant that this event follows up.
    handoff = models.OneToOneField(
        "assistant.Handoff",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adverse_event",
    )

    objects = AdverseEventQuerySet.as_manager()

    class Meta:
        ordering = ["-onset_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=models.F("onset_on")),
                name="adverse_event_resolved_after_onset",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_severity_display()}) for {self.patient}"

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None


class RecallStatus(models.TextChoices):
    DUE = "due", "Due"
    CONTACTED = "contacted", "Contacted"
    BOOKED = "booked", "Booked"
    DECLINED = "declined", "Declined"
    DO_NOT_CONTACT = "do_not_contact", "Do not contact"
    TREATED = "treated", "Treated again"


# On the list while the window is open; the others have left it.
OPEN_RECALL = (RecallStatus.DUE, RecallStatus.CONTACTED)


class RecallQuerySet(models.QuerySet["Recall"]):
    def for_clinic(self, clinic: Clinic) -> RecallQuerySet:
        return self.filter(clinic=clinic)

    def open(self) -> RecallQuerySet:
        return self.filter(status__in=OPEN_RECALL)


class Recall(BaseModel):
    """Inviting the patient back for the next course, one per signed course: its window (from
    the clinical core, never opening before the earliest retreatment date) and where the
    invitation stands. It closes itself when the patient books a treatment or consultation
    (``booked_appointment``) or the next course is signed (``treated``)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="recalls")
    treatment = models.OneToOneField(
        TreatmentRecord, on_delete=models.PROTECT, related_name="recall"
    )
    # Copied from the course for the list's filters (a signed course does not change).
    product = models.CharField(max_length=40)
    injector = _user_link("+")
    opens_on = models.DateField()
    closes_on = models.DateField()
    status = models.CharField(max_length=20, choices=RecallStatus.choices, default=RecallStatus.DUE)
    contact_count = models.PositiveSmallIntegerField(default=0)
    last_contacted_at = models.DateTimeField(null=True, blank=True)
    booked_appointment = models.ForeignKey(
        "scheduling.Appointment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = RecallQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "-id"]
        indexes = [
            # The list: one clinic's rows of a status, newest window first.
            models.Index(fields=["clinic", "status", "-opens_on", "-id"], name="recall_list"),
            # The list as it opens (due or contacted), in its order, so a page is read by
            # keyset from the index. Of the millions of rows, one per patient at most is open:
            # a partial index keeps only those. The window's end, the product and the
            # injector are key columns too, so their filters and the counts never read the
            # table.
            models.Index(
                fields=["clinic", "-opens_on", "-id", "closes_on", "product", "injector"],
                condition=Q(status__in=OPEN_RECALL),
                name="recall_open_list",
            ),
            models.Index(fields=["patient", "status"], name="recall_patient_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="recall_closes_after_opening"
            )
        ]

    def __str__(self) -> str:
        return f"Recall of {self.patient} from {self.opens_on} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_RECALL

    def record_contact(self) -> None:
        """One more invitation sent or call made: the count goes up (in the database, so two
        at once both count) and the recall is ``contacted``. Refused unless the recall is
        open (due or contacted): a booked, declined, do-not-contact or treated patient is
        not invited. Call inside the transaction that sends or records the contact."""
        now = timezone.now()
        updated = Recall.objects.filter(pk=self.pk, status__in=OPEN_RECALL).update(
            contact_count=models.F("contact_count") + 1,
            status=RecallStatus.CONTACTED,
            last_contacted_at=now,
            updated_at=now,
        )
        if not updated:
            raise ValidationError(
                {"status": "This recall is closed; the patient is not contacted."}
            )
        self.refresh_from_db(fields=["contact_count", "status", "last_contacted_at", "updated_at"])
