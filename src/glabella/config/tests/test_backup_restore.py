"""A backup made with deploy/backup.sh restores with deploy/restore.sh into an empty database
with the records, the audit trail and the trail's append-only trigger (PostgreSQL)."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from glabella.audit.models import AuditEvent
from glabella.patients.services import register_patient
from glabella.testing import postgres_url

DEPLOY = Path(__file__).resolve().parents[4] / "deploy"


def _run(*command: str | Path) -> str:
    done = subprocess.run(  # noqa: S603  (our own scripts, test-controlled arguments)
        [str(part) for part in command], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def empty_database() -> str:
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore back up PostgreSQL")
    name = f"{connection.settings_dict['NAME']}_restored"
    with psycopg.connect(postgres_url(name="postgres"), autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')
        server.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(postgres_url(name="postgres"), autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_records_and_the_audit_trail(
    clinic, front_desk, empty_database, tmp_path
):
    data = {"first_name": "Rhea", "last_name": "Storeback", "date_of_birth": date(1979, 4, 4)}
    patient = register_patient(clinic, data, by=front_desk)
    events = AuditEvent.objects.filter(patient_id=patient.public_id).count()
    assert events >= 1

    dump = _run(DEPLOY / "backup.sh", postgres_url(), tmp_path)
    _run(DEPLOY / "restore.sh", dump, postgres_url(name=empty_database))

    with psycopg.connect(postgres_url(name=empty_database)) as restored:
        found = restored.execute(
            "SELECT count(*) FROM patients_patient WHERE last_name = 'Storeback'"
        ).fetchone()
        trail = restored.execute(
            "SELECT count(*) FROM audit_auditevent WHERE patient_id = %s", (patient.public_id,)
        ).fetchone()
        assert found == (1,) and trail == (events,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            restored.execute("DELETE FROM audit_auditevent")


def test_restore_refuses_a_database_that_is_not_empty(empty_database, tmp_path):
    with psycopg.connect(postgres_url(name=empty_database), autocommit=True) as target:
        target.execute("CREATE TABLE already_here (id int)")
    done = subprocess.run(  # noqa: S603
        [DEPLOY / "restore.sh", tmp_path / "none.dump", postgres_url(name=empty_database)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "not empty" in done.stderr
