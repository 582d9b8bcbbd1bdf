"""The stored end becomes required, and on PostgreSQL an exclusion constraint makes two live
appointments of one injector over the same time impossible (btree_gist gives GiST the
equality on the injector). Other databases (SQLite: the demo, the quick tests) keep the
constraint in Django's state only; the booking service's check under locks guards them."""

import django.contrib.postgres.constraints
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations, models

import glabella.scheduling.models


class AddConstraintOnPostgreSQL(migrations.AddConstraint):
    """``AddConstraint`` whose database step runs on PostgreSQL only."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


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
        BtreeGistExtension(),  # does nothing outside PostgreSQL
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
