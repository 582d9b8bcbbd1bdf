"""A folded copy of each patient's name for accent- and case-blind search, filled for the
patients already recorded."""

from django.db import migrations, models

from glabella.core.text import fold

BATCH = 500


def fill_name_folded(apps, schema_editor):
    # The historical model has no custom save(), so the folded name is written here the way
    # patients.models.fold_name writes it: "first last", folded (kept here, not imported, so
    # the migration does not change if the model's code does).
    Patient = apps.get_model("patients", "Patient")
    patients = Patient.objects.only("pk", "first_name", "last_name").order_by("pk")
    batch = []
    for patient in patients.iterator(chunk_size=BATCH):
        patient.name_folded = fold(f"{patient.first_name} {patient.last_name}")
        batch.append(patient)
        if len(batch) >= BATCH:
            Patient.objects.bulk_update(batch, ["name_folded"])
            batch = []
    if batch:
        Patient.objects.bulk_update(batch, ["name_folded"])


def clear_name_folded(apps, schema_editor):
    Patient = apps.get_model("patients", "Patient")
    Patient.objects.update(name_folded="")


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0001_patient_record"),
    ]

    operations = [
        migrations.AddField(
            model_name="patient",
            name="name_folded",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=201),
        ),
        migrations.RunPython(fill_name_folded, clear_name_folded),
    ]
