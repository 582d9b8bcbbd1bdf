"""Helpers for the message tests: a booked visit, a signed treatment, a provider that fails."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from glabella.testing import make_appointment as book
from glabella.treatments.tests.conftest import signed_botox

from ..models import MessagingSettings


class Down:
    """An SMS provider that is down (or refuses) a number of times, then accepts."""

    def __init__(self, failures: int, *, permanent: bool = False) -> None:
        self.failures, self.permanent, self.sent = failures, permanent, []

    def send(self, *, to: str, body: str) -> str:
        from ..providers import ProviderError

        if self.failures:
            self.failures -= 1
            raise ProviderError("provider down", permanent=self.permanent)
        self.sent.append((to, body))
        return f"SM{len(self.sent)}"


@pytest.fixture
def no_quiet_hours(clinic):  # type: ignore[no-untyped-def]
    """Quiet hours off, so tests may send at any time of day."""
    row, _ = MessagingSettings.objects.get_or_create(clinic=clinic)
    row.quiet_start = row.quiet_end = time(0, 0)
    row.save()
    return row


@pytest.fixture
def provider(monkeypatch):  # type: ignore[no-untyped-def]
    """The SMS provider the sends use; tests set its failures."""
    fake = Down(0)
    monkeypatch.setattr("glabella.messaging.sending.sms_provider_for", lambda clinic: fake)
    return fake


def soon(minutes: int = 0) -> datetime:
    return timezone.now() + timedelta(minutes=minutes)


def queue_reminder(patient, *, due_at: datetime | None = None, visit=None):  # type: ignore[no-untyped-def]
    """A reminder of a visit tomorrow (or ``visit``), due now (or at ``due_at``)."""
    from .. import services
    from ..models import MessageKind

    visit = visit or book(patient, soon(60 * 24))
    return services.enqueue_message(
        clinic=patient.clinic,
        patient=patient,
        kind=MessageKind.REMINDER,
        due_at=due_at or soon(),
        subject_key=f"appointment:{visit.pk}",
        context={"starts_at": visit.starts_at.isoformat()},
    )


__all__ = ["book", "queue_reminder", "signed_botox", "soon"]
