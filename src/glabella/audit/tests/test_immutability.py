"""Events cannot be changed or deleted, by the application or (on PostgreSQL) by SQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from glabella.audit import services
from glabella.audit.models import Action, AuditEvent, ImmutableEventError

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(clinic, director) -> AuditEvent:
    with transaction.atomic():
        return services.record(action=Action.VIEW, clinic=clinic, actor=director, detail={"a": 1})


def _unchanged(event: AuditEvent) -> None:
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.detail) == ("view", {"a": 1})


def test_saving_an_existing_event_again_is_refused(event) -> None:
    event.action = Action.CHANGE
    with pytest.raises(ImmutableEventError, match="append-only"):
        event.save()
    _unchanged(event)


def test_saving_a_fetched_event_is_refused(event) -> None:
    fetched = AuditEvent.objects.get(pk=event.pk)
    with pytest.raises(ImmutableEventError):
        fetched.save(update_fields=["detail"])


def test_deleting_an_event_is_refused(event) -> None:
    with pytest.raises(ImmutableEventError):
        event.delete()
    _unchanged(event)


def test_queryset_update_is_refused(event) -> None:
    with pytest.raises(ImmutableEventError):
        AuditEvent.objects.filter(pk=event.pk).update(action=Action.CHANGE)
    _unchanged(event)


def test_queryset_delete_is_refused(event) -> None:
    with pytest.raises(ImmutableEventError):
        AuditEvent.objects.all().delete()
    _unchanged(event)


def test_bulk_update_is_refused(event) -> None:
    event.action = Action.CHANGE
    with pytest.raises(ImmutableEventError):
        AuditEvent.objects.bulk_update([event], ["action"])
    _unchanged(event)


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'change' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_postgresql_rejects_raw_sql_update_and_delete(event, sql: str) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    _unchanged(event)
