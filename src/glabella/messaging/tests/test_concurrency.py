"""Several workers sweeping the same due rows at once (PostgreSQL, real connections): each
message is claimed and sent exactly once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from glabella.testing import make_appointment as book
from glabella.testing import race

from .. import sending, services
from ..models import MessageKind, Outbox, OutboxStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROWS, WORKERS = 40, 4


@pytest.fixture(autouse=True)
def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent claims need PostgreSQL; SQLite serialises writers")


class Recording:
    def __init__(self) -> None:
        self.lock, self.sent = threading.Lock(), []

    def send(self, *, to: str, body: str) -> str:
        with self.lock:
            self.sent.append(to)
            return f"SM{len(self.sent)}"


def test_four_workers_sweeping_at_once_send_each_message_once(
    alice, no_quiet_hours, monkeypatch, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    provider = Recording()
    monkeypatch.setattr(sending, "sms_provider_for", lambda clinic: provider)
    visit = book(alice, timezone.now() + timedelta(days=2))
    now = timezone.now()
    for n in range(ROWS):
        services.enqueue_message(
            clinic=alice.clinic,
            patient=alice,
            kind=MessageKind.REMINDER,
            due_at=now - timedelta(seconds=n),
            subject_key=f"appointment:{visit.pk}",
        )
    assert provider.sent == []  # queued, not sent: the workers below do it
    outcomes = race(*[lambda: sending.deliver_due(batch=7) for _ in range(WORKERS)])
    assert outcomes == ["ok"] * WORKERS
    assert len(provider.sent) == ROWS
    assert Outbox.objects.filter(status=OutboxStatus.SENT, attempts=1).count() == ROWS
