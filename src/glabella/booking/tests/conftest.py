"""What the online booking tests share: a day to book on, the booking form's fields, and a
second injector."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from glabella.accounts.models import Clinic, Membership, Role
from glabella.scheduling.slots import next_weekday
from glabella.testing import make_staff


@pytest.fixture(autouse=True)
def _no_submit_limit(settings):  # type: ignore[no-untyped-def]
    """The tests post many forms from one address; the limit's own test sets it."""
    settings.BOOKING_SUBMITS_PER_HOUR = 0


def booking_day() -> date:
    """A weekday far enough ahead to be outside the default cancellation window."""
    return next_weekday(timezone.localdate() + timedelta(days=4))


def at(day: date, hour: int, minute: int = 0, clinic: Clinic | None = None) -> datetime:
    zone = clinic.zone if clinic is not None else timezone.get_current_timezone()
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def form(starts_at: datetime, **fields: Any) -> dict[str, Any]:
    """The details form as the page posts it (a new patient unless ``fields`` say otherwise)."""
    data = {
        "what": "consultation",
        "who": "any",
        "at": starts_at.isoformat(),
        "key": str(uuid.uuid4()),
        "first_name": "Nora",
        "last_name": "Newpatient",
        "date_of_birth": "1991-02-03",
        "phone": "(555) 010-7777",
        "email": "nora@example.test",
        "consent": "on",
        "channel": "email",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def book_url(clinic: Clinic) -> str:
    return f"/c/{clinic.slug}/book"


def post(client: Client, clinic: Clinic, data: dict[str, Any]):  # type: ignore[no-untyped-def]
    return client.post(book_url(clinic), data)


@pytest.fixture
def second_injector(clinic: Clinic) -> Any:
    return make_staff("nurse-zoe", clinic, Role.INJECTOR, first_name="Zoe", last_name="Zed")


def ref_of(user: Any, clinic: Clinic) -> str:
    return str(Membership.objects.get(user=user, clinic=clinic).public_id)
