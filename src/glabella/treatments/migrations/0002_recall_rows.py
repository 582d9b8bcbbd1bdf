"""Recall rows: one per signed course, with its status. Each patient's latest signed course
signed before this migration gets one (in batches): due, or booked when the patient already
has a treatment or consultation booked after that course."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Exists, OuterRef
from django.utils import timezone

BATCH = 500
LIVE = ("proposed", "booked", "arrived")
BOOKING_KINDS = ("treatment", "consultation")


def backfill_recalls(apps, schema_editor):
    # Kept here rather than imported from the services, so this migration does not change
    # when they do. The window never opens before the earliest retreatment date.
    TreatmentRecord = apps.get_model("treatments", "TreatmentRecord")
    Recall = apps.get_model("treatments", "Recall")
    Appointment = apps.get_model("scheduling", "Appointment")
    courses = TreatmentRecord.objects.filter(status="signed", touch_up_of__isnull=True)
    later = courses.filter(patient=OuterRef("patient"), treated_on__gt=OuterRef("treated_on"))
    latest = courses.exclude(Exists(later)).filter(recall_opens_on__isnull=False).order_by("id")
    last_id = 0
    while True:
        batch = list(latest.filter(id__gt=last_id)[:BATCH])
        if not batch:
            return
        Recall.objects.bulk_create([_recall(c, Recall, Appointment) for c in batch])
        last_id = batch[-1].id


def _recall(course, Recall, Appointment):
    opens = max(course.recall_opens_on, course.earliest_retreatment_on or course.recall_opens_on)
    booking = (
        Appointment.objects.filter(
            patient_id=course.patient_id,
            kind__in=BOOKING_KINDS,
            status__in=LIVE,
            starts_at__date__gt=course.treated_on,
        )
        .order_by("starts_at")
        .first()
    )
    return Recall(
        clinic_id=course.clinic_id,
        patient_id=course.patient_id,
        treatment_id=course.pk,
        product=course.product,
        injector_id=course.injector_id,
        opens_on=opens,
        closes_on=max(course.recall_closes_on or opens, opens),
        status="booked" if booking else "due",
        booked_appointment=booking,
        closed_at=timezone.now() if booking else None,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_clinic_visit_minutes_and_policy_texts"),
        ("patients", "0003_patient_duplicates_and_merging"),
        ("scheduling", "0002_appointment_links"),
        ("treatments", "0001_treatment_record"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Recall",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("product", models.CharField(max_length=40)),
                ("opens_on", models.DateField()),
                ("closes_on", models.DateField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("due", "Due"),
                            ("contacted", "Contacted"),
                            ("booked", "Booked"),
                            ("declined", "Declined"),
                            ("do_not_contact", "Do not contact"),
                            ("treated", "Treated again"),
                        ],
                        default="due",
                        max_length=20,
                    ),
                ),
                ("contact_count", models.PositiveSmallIntegerField(default=0)),
                ("last_contacted_at", models.DateTimeField(blank=True, null=True)),
                ("closed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "booked_appointment",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="scheduling.appointment",
                    ),
                ),
                (
                    "clinic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.clinic",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "injector",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="recalls",
                        to="patients.patient",
                    ),
                ),
                (
                    "treatment",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="recall",
                        to="treatments.treatmentrecord",
                    ),
                ),
            ],
            options={
                "ordering": ["-opens_on", "-id"],
                "indexes": [
                    models.Index(
                        fields=["clinic", "status", "-opens_on", "-id"], name="recall_list"
                    ),
                    models.Index(fields=["patient", "status"], name="recall_patient_status"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("closes_on__gte", models.F("opens_on"))),
                        name="recall_closes_after_opening",
                    )
                ],
            },
        ),
        migrations.RunPython(backfill_recalls, migrations.RunPython.noop),
    ]
