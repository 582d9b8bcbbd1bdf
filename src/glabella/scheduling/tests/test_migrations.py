"""Migrating a database that already has appointments: each gets its stored end, and double
bookings made before the checks existed go back to "proposed" (with a note) instead of
stopping the exclusion constraint from being added. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from glabella.accounts.models import Clinic
from glabella.patients.models import Patient
from glabella.scheduling.models import NO_DOUBLE_BOOKING as NAME

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("scheduling", "0002_appointment_links")]
AFTER = [("scheduling", "0005_no_double_booking")]


def _migrate(targets):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_old_appointments_get_their_end_and_old_double_bookings_are_reopened() -> None:
    old = _migrate(BEFORE)  # only scheduling (and what depends on it) goes back
    clinic = Clinic.objects.create(name="Old", slug="old", phone="0")
    user = get_user_model().objects.create(username="old-nurse")
    patient = Patient.objects.create(
        clinic=clinic, first_name="Ola", last_name="Old", date_of_birth=date(1980, 1, 1)
    )
    Appointment = old.get_model("scheduling", "Appointment")

    def visit(hour: int, minute: int, status: str = "booked"):  # type: ignore[no-untyped-def]
        return Appointment.objects.create(
            clinic_id=clinic.pk,
            patient_id=patient.pk,
            injector_id=user.pk,
            kind="treatment",
            starts_at=datetime(2026, 11, 19, hour, minute, tzinfo=UTC),
            duration_minutes=30,
            status=status,
            note="Window seat",
        )

    first, clash, cancelled, after = (
        visit(10, 0),
        visit(10, 15),
        visit(10, 0, "cancelled"),
        visit(10, 30),
    )

    new = _migrate(AFTER)

    rows = {a.pk: a for a in new.get_model("scheduling", "Appointment").objects.all()}
    assert rows[first.pk].ends_at == datetime(2026, 11, 19, 10, 30, tzinfo=UTC)
    assert [rows[a.pk].status for a in (first, clash, cancelled, after)] == [
        "booked",
        "proposed",
        "cancelled",
        "booked",
    ]
    assert rows[clash.pk].note == (
        "Overlapped another booking when double bookings became impossible: confirm again. "
        "Window seat"
    )
    assert rows[after.pk].note == "Window seat"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT contype FROM pg_constraint WHERE conname = %s", [NAME])
            assert cursor.fetchall() == [("x",)]  # the exclusion constraint was added
    _migrate(executor_leaf_nodes())


def executor_leaf_nodes() -> list[tuple[str, str]]:
    """Every app's latest migration (so the test leaves the database as it found it)."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()
