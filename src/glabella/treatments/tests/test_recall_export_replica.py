"""The recall export reads through the read replica when one is configured: here the
``replica`` alias is a second, separate connection to the test database (a test mirror),
so it sees only committed rows, as a real replica would; the audit event goes to default."""

from __future__ import annotations

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from glabella.audit.models import AuditEvent
from glabella.testing import signed_botox

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica(settings):  # type: ignore[no-untyped-def]
    settings.DATABASE_READ_REPLICA = "replica"
    return connections["replica"]


def test_the_export_reads_the_replica_and_audits_on_default(  # type: ignore[no-untyped-def]
    client, replica, injector, alice
) -> None:
    signed_botox(alice, by=injector, days_ago=100)
    client.force_login(injector)
    default = connections["default"]

    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(default) as on_default:
        response = client.get("/staff/recall/export.csv")
        lines = b"".join(response.streaming_content).decode().splitlines()

    assert lines[1].startswith("Testpatient,Alice,1985-06-15,")
    read_there = " ".join(q["sql"] for q in on_replica.captured_queries)
    read_here = " ".join(q["sql"] for q in on_default.captured_queries)
    assert "treatments_recall" in read_there and "treatments_injectionsite" in read_there
    assert "treatments_recall" not in read_here
    assert "INSERT" not in read_there.upper()
    assert 'INSERT INTO "audit_auditevent"' in read_here
    assert AuditEvent.objects.get(action="export").detail["rows"] == 1
    # Two connections, not one under two names.
    assert replica.connection is not None and replica.connection is not default.connection


def test_without_a_replica_the_export_reads_default(client, injector, alice) -> None:  # type: ignore[no-untyped-def]
    signed_botox(alice, by=injector, days_ago=100)
    client.force_login(injector)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = client.get("/staff/recall/export.csv")
        assert len(b"".join(response.streaming_content).decode().splitlines()) == 2
    assert on_replica.captured_queries == []
