"""The database router: everything reads and writes ``default``; reports and exports read
``replica_alias()``; nothing is written to or migrated on the replica."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext

from glabella.accounts.models import Clinic
from glabella.audit.models import AuditEvent
from glabella.core.db_router import replica_alias
from glabella.patients.models import Patient
from glabella.testing import client_as


def test_reports_read_default_unless_a_replica_is_configured(settings) -> None:
    assert replica_alias() == "default"
    settings.DATABASE_READ_REPLICA = "replica"
    assert replica_alias() == "replica"


def test_plain_reads_and_all_writes_go_to_default() -> None:
    assert router.db_for_read(Patient) == "default"
    assert router.db_for_write(Patient) == "default"
    assert router.db_for_write(Patient, instance=Patient(clinic_id=1)) == "default"


def test_a_row_read_from_the_replica_fetches_its_relations_there() -> None:
    patient = Patient()
    patient._state.db = "replica"
    assert router.db_for_read(Clinic, instance=patient) == "replica"


def test_migrations_run_on_default_only() -> None:
    assert router.allow_migrate("default", "patients")
    assert not router.allow_migrate("replica", "patients")


def test_rows_of_the_two_connections_may_be_related() -> None:
    on_replica, on_default = Patient(), Clinic()
    on_replica._state.db, on_default._state.db = "replica", "default"
    assert router.allow_relation(on_replica, on_default)
    elsewhere = Clinic()
    elsewhere._state.db = "archive"
    assert not router.allow_relation(on_replica, elsewhere)


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_a_row_read_on_the_replica_and_saved_is_written_to_default(settings, clinic) -> None:
    settings.DATABASE_READ_REPLICA = "replica"
    read = Clinic.objects.using(replica_alias()).get(pk=clinic.pk)
    read.phone = "(555) 010-9999"
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        read.save(update_fields=["phone"])
    assert on_replica.captured_queries == []
    assert Clinic.objects.get(pk=clinic.pk).phone == "(555) 010-9999"


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_the_audit_trail_page_reads_the_replica_and_records_the_look_on_default(
    request, settings, director
) -> None:
    settings.DATABASE_READ_REPLICA = "replica"
    client = client_as(request, "director")
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = client.get("/staff/audit/")
    assert response.status_code == 200
    read_there = " ".join(q["sql"] for q in on_replica.captured_queries)
    assert "audit_auditevent" in read_there and "INSERT" not in read_there.upper()
    assert AuditEvent.objects.filter(object_type="audit.trail", actor=director).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_the_replica_is_its_own_connection_and_sees_committed_rows_only(clinic) -> None:
    if connections["default"].vendor != "postgresql":
        pytest.skip("SQLite's shared in-memory database locks a reader out of a writer's table")
    on_replica = Patient.objects.using("replica")
    with transaction.atomic():
        Patient.objects.create(
            clinic=clinic, first_name="Una", last_name="Committed", date_of_birth=date(1990, 1, 1)
        )
        assert not on_replica.filter(last_name="Committed").exists()
    assert on_replica.filter(last_name="Committed").exists()
    default_pid = connections["default"].cursor().connection.info.backend_pid
    replica_pid = connections["replica"].cursor().connection.info.backend_pid
    assert default_pid != replica_pid
    assert (
        connections["replica"].settings_dict["NAME"] == connections["default"].settings_dict["NAME"]
    )
