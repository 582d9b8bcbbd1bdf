"""The application's database role cannot erase the audit trail (PostgreSQL); flush and the
demo refuse to run in production."""

import uuid
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from glabella.audit import services
from glabella.audit.models import Action, AuditEvent
from glabella.audit.protection import set_up_application_role, trail_guard
from glabella.patients.models import Patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(clinic, director) -> AuditEvent:
    with transaction.atomic():
        return services.record(action=Action.VIEW, clinic=clinic, actor=director, detail={"a": 1})


@pytest.fixture
def as_application_role(event):  # type: ignore[no-untyped-def]
    """Inside the test's transaction (rolled back with it, role included): the audit role set
    up by the command's function, then this connection acting as that role."""
    if connection.vendor != "postgresql":
        pytest.skip("database roles exist on PostgreSQL only")
    role = f"glabella_app_{uuid.uuid4().hex[:12]}"
    set_up_application_role(role, password=None, using="default")
    with connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{role}"')
    yield role
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


def _refused(sql: str, params: list[object] | None = None) -> str:
    with (
        pytest.raises(DatabaseError) as refused,
        transaction.atomic(),  # a savepoint
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)
    return str(refused.value)


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "TRUNCATE audit_auditevent",
        "TRUNCATE audit_auditevent CASCADE",
        "DELETE FROM audit_auditevent",
        "UPDATE audit_auditevent SET action = 'change'",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only",
        "DROP TRIGGER audit_auditevent_append_only ON audit_auditevent",
        "SET session_replication_role = replica",
    ],
)
def test_the_application_role_cannot_erase_the_trail(as_application_role, event, sql) -> None:
    message = _refused(sql)
    assert "permission denied" in message or "must be owner" in message
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert AuditEvent.objects.get(pk=event.pk).action == "view"


@pytest.mark.postgres
def test_the_application_role_still_adds_events_and_changes_other_tables(
    as_application_role, clinic, director
) -> None:
    patient = Patient.objects.create(
        clinic=clinic, first_name="Eve", last_name="Role", date_of_birth=date(1990, 1, 1)
    )
    patient.last_name = "Changed"
    patient.save(update_fields=["last_name"])
    with transaction.atomic():
        added = services.record(action=Action.CHANGE, clinic=clinic, actor=director, obj=patient)
    assert AuditEvent.objects.filter(pk=added.pk).count() == 1
    Patient.objects.filter(pk=patient.pk).delete()  # other tables keep their normal rights


@pytest.mark.postgres
def test_the_check_tells_the_owner_from_the_application_role(event) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("database roles exist on PostgreSQL only")
    as_owner = trail_guard()
    assert as_owner.erasable
    assert as_owner.problems()
    role = f"glabella_app_{uuid.uuid4().hex[:12]}"
    set_up_application_role(role, password=None, using="default")
    with connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{role}"')
    guard = trail_guard()
    assert (guard.role, guard.erasable, guard.problems()) == (role, False, [])
    out = StringIO()
    call_command("audit_role", "--check", stdout=out)
    assert f"Role {role} cannot erase the audit trail." in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    with pytest.raises(CommandError, match="could erase the audit trail"):
        call_command("audit_role", "--check")


@pytest.mark.postgres
def test_the_command_refuses_to_make_the_owner_the_application_role() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("database roles exist on PostgreSQL only")
    with pytest.raises(CommandError, match="must not be the owner"):
        set_up_application_role(connection.settings_dict["USER"], password=None, using="default")


def test_the_command_refuses_a_role_name_that_is_not_plain() -> None:
    with pytest.raises(CommandError, match="not a plain role name"):
        set_up_application_role('app"; DROP TABLE x; --', password=None, using="default")


def test_on_sqlite_there_is_nothing_to_check() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert not trail_guard().applicable
    assert not trail_guard().erasable
    out = StringIO()
    call_command("audit_role", "--check", stdout=out)
    assert "no roles" in out.getvalue()


def test_flush_refuses_a_production_database(event, settings) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="Refusing to flush the database: GLABELLA_ENV is"):
        call_command("flush", "--no-input")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_demo_refuses_a_production_database(settings) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="Refusing to load the demo"):
        call_command("demo", "--patients", "0", "--second-patients", "0")
    assert not Patient.objects.exists()
