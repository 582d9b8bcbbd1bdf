"""Trigram indexes for the patient search on PostgreSQL: the folded name (a word anywhere in
it, or at the start of a word) and the phone's digits (a part of the number). SQLite has no
such index and searches by scanning, which is fine at its size; so these are created only on
PostgreSQL, and are not part of the models' state (``makemigrations`` does not see them).

The folded name itself was filled for existing rows by 0002 (in batches) and is kept by
``Patient.save``; nothing needs filling here."""

from django.db import migrations

INDEXES = {
    "patient_name_trgm": "name_folded",
    "patient_phone_trgm": "phone_digits",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON patients_patient "
            f"USING gin ({column} gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0003_patient_duplicates_and_merging"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
