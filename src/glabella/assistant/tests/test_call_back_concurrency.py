"""Two staff pressing "Called back" at once (PostgreSQL: the handoff's row lock makes the
second see the first's call back and change nothing)."""

from __future__ import annotations

import pytest
from django.db import connection

from glabella.assistant.models import Handoff, HandoffKind
from glabella.assistant.services.contact import mark_called_back
from glabella.audit.models import Action, AuditEvent
from glabella.testing import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; SQLite serialises writers")


def test_two_call_backs_at_once_record_one(clinic, injector, front_desk, alice) -> None:  # type: ignore[no-untyped-def]
    handoff = Handoff.objects.create(
        clinic=clinic,
        question="My eyelid droops",
        kind=HandoffKind.URGENT,
        contact_phone="555 010 1234",
        patient=alice,
    )

    outcomes = race(
        lambda: mark_called_back(handoff, by=injector),
        lambda: mark_called_back(handoff, by=front_desk),
    )

    assert outcomes == ["ok", "ok"]
    handoff.refresh_from_db()
    assert handoff.called_back_by in (injector, front_desk)
    events = AuditEvent.objects.filter(action=Action.CHANGE, object_id=str(handoff.public_id))
    assert [(e.actor, e.patient_id) for e in events] == [(handoff.called_back_by, alice.public_id)]
