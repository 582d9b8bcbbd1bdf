"""The stored end becomes required, and on PostgreSQL an exclusion constraint makes two agreed
(booked or arrived) appointments of one injector over the same time impossible (btree_gist
gives GiST the equality on the injector). Other databases (SQLite: the demo, the quick tests)
keep the constraint in Django's state only; the booking service's check under locks guards
them.

Double bookings made before the checks existed would stop the constraint being added: the
later of two overlapping agreed appointments goes back to "proposed" with a note, so the
desk confirms it again (refused while it still clashes) or moves it. Nothing is deleted."""

import django.contrib.postgres.constraints
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations, models

import glabella.scheduling.models


class BtreeGistOnPostgreSQL(BtreeGistExtension):
    """The extension, created on PostgreSQL only (Django's own skips other databases going
    forwards but not backwards)."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class AddConstraintOnPostgreSQL(migrations.AddConstraint):
    """``AddConstraint`` whose database step runs on PostgreSQL only."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


AGREED = ("booked", "arrived")
NOTE = "Overlapped another booking when double bookings became impossible: confirm again."


def reopen_double_bookings(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks before ALTER
    Appointment = apps.get_model("scheduling", "Appointment")
    rows = Appointment.objects.filter(status__in=AGREED, injector__isnull=False)
    injector, busy_until = None, None
    for row in rows.order_by("injector_id", "starts_at", "id").iterator():
        if row.injector_id != injector:
            injector, busy_until = row.injector_id, None
        if busy_until is not None and row.starts_at < busy_until:
            row.status = "proposed"
            row.note = f"{NOTE} {row.note}".strip()[:300]
            row.save(update_fields=["status", "note"])
            continue
        busy_until = row.ends_at if busy_until is None else max(busy_until, row.ends_at)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0004_fill_appointment_ends")]

    operations = [
        migrations.AlterField(
            model_name="appointment",
            name="ends_at",
            field=models.DateTimeField(editable=False),
        ),
        migrations.AddIndex(
            model_name="appointment",
            index=models.Index(fields=["injector", "starts_at"], name="appointment_injector_start"),
        ),
        migrations.AddConstraint(
            model_name="appointment",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_at__gt", models.F("starts_at"))),
                name="appointment_ends_after_start",
            ),
        ),
        migrations.RunPython(reopen_double_bookings, migrations.RunPython.noop),
        BtreeGistOnPostgreSQL(),
        AddConstraintOnPostgreSQL(
            model_name="appointment",
            constraint=django.contrib.postgres.constraints.ExclusionConstraint(
                condition=models.Q(("status__in", ("booked", "arrived"))),
                expressions=[
                    ("injector", "="),
                    (glabella.scheduling.models.TsTzRange("starts_at", "ends_at"), "&&"),
                ],
                name="appointment_injector_no_overlap",
                violation_error_message="The injector already has an appointment then.",
            ),
        ),
    ]
