"""Helpers the test modules share (fixtures themselves live in ``conftest.py``)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections
from django.test import Client


def client_as(request: Any, persona: str) -> Client:
    """A test client signed in as the persona fixture named ``persona`` ("anonymous": nobody)."""
    client = Client()
    user = request.getfixturevalue(persona)
    if user is not None:
        client.force_login(user)
    return client


def race(*calls: Callable[[], Any]) -> list[str]:
    """Start the calls at the same moment, each in its own thread with its own database
    connection; each one's outcome: "ok" or the messages of the ValidationError it raised."""
    start = threading.Barrier(len(calls))
    outcomes = [""] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        start.wait()
        try:
            call()
            outcomes[index] = "ok"
        except ValidationError as error:
            outcomes[index] = "; ".join(error.messages)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """``day`` at ``hour``:``minute`` UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def make_appointment(patient: Any, starts_at: datetime, **fields: Any) -> Any:
    """An appointment written directly (a booked treatment unless ``fields`` say otherwise)."""
    from glabella.scheduling.models import Appointment, AppointmentKind, AppointmentStatus

    kind = fields.pop("kind", AppointmentKind.TREATMENT)
    return Appointment.objects.create(
        clinic=patient.clinic,
        patient=patient,
        kind=kind,
        starts_at=starts_at,
        duration_minutes=AppointmentKind(kind).default_minutes,
        status=fields.pop("status", AppointmentStatus.BOOKED),
        **fields,
    )


def postgres_url(*, user: str | None = None, name: str | None = None) -> str:
    """A URL to the test run's PostgreSQL server: its test database unless ``name`` says
    another, as its user unless ``user`` says another (for processes and command-line tools)."""
    from django.db import connection

    conf = connection.settings_dict
    host, port = conf["HOST"] or "127.0.0.1", conf["PORT"] or 5432
    role = user or conf["USER"] or "postgres"
    return f"postgres://{role}@{host}:{port}/{name or conf['NAME']}"
