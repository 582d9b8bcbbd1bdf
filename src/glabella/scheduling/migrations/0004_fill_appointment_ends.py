"""Existing appointments get their stored end: ``duration_minutes`` after they start."""

from datetime import timedelta

from django.db import migrations


def fill_ends(apps, schema_editor):
    Appointment = apps.get_model("scheduling", "Appointment")
    rows = Appointment.objects.filter(ends_at__isnull=True).only("starts_at", "duration_minutes")
    for appointment in rows.iterator():
        appointment.ends_at = appointment.starts_at + timedelta(
            minutes=appointment.duration_minutes
        )
        appointment.save(update_fields=["ends_at"])


def clear_ends(apps, schema_editor):
    apps.get_model("scheduling", "Appointment").objects.update(ends_at=None)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0003_calendar_hours_closures_time_off")]

    operations = [migrations.RunPython(fill_ends, clear_ends)]
