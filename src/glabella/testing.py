"""What the test modules share: factories for the clinic's people and records, signed-in
clients, races, and the command line run in process. Fixtures in ``conftest.py`` files are thin
wrappers over these."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connections
from django.test import Client
from django.utils import timezone

from glabella.accounts.models import Clinic, Membership, Role
from glabella.patients.models import Patient

PASSWORD = "pw-long-enough"  # noqa: S105 (test accounts only)
# Botox Cosmetic's label pattern for glabellar lines: 5 sites of 4 U (clinical core data).
GLABELLAR_SITES = [(50, 33), (44, 30), (56, 30), (41, 28), (59, 28)]


def make_clinic(slug: str, **fields: Any) -> Clinic:
    """A clinic named after its slug; ``fields`` add to or replace the defaults."""
    defaults: dict[str, Any] = {"name": f"Clinic {slug}", "phone": "(555) 010-0100"}
    return Clinic.objects.create(slug=slug, **(defaults | fields))


def make_staff(
    username: str, clinic: Clinic | None = None, role: Role = Role.INJECTOR, **fields: Any
) -> Any:
    """A user who signs in with ``PASSWORD`` (unless ``fields`` give another) and, given a
    clinic, holds ``role`` there."""
    password = fields.pop("password", PASSWORD)
    user = get_user_model().objects.create_user(username, password=password, **fields)
    if clinic is not None:
        Membership.objects.create(user=user, clinic=clinic, role=role)
    return user


def make_patient(
    clinic: Clinic,
    first_name: str = "Pat",
    last_name: str = "Plain",
    date_of_birth: date = date(1990, 1, 1),
    **fields: Any,
) -> Patient:
    """A patient of ``clinic`` with nothing in their screening unless ``fields`` say so."""
    return Patient.objects.create(
        clinic=clinic,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        **fields,
    )


def chart_glabellar(record: Any, *, by: Any, units: str = "4") -> None:
    """The five glabellar sites charted on a draft treatment record."""
    from glabella.treatments import services

    for x, y in GLABELLAR_SITES:
        services.add_site(record, {"x": x, "y": y, "units": units}, by=by)


def signed_botox(patient: Patient, *, by: Any, days_ago: int = 0) -> Any:
    """A signed glabellar Botox treatment record, ``days_ago`` days before today."""
    from glabella.treatments import services

    treated_on = timezone.localdate() - timedelta(days=days_ago)
    record = services.start_treatment(
        patient, {"product": "botox", "treated_on": treated_on}, by=by
    )
    services.add_vial(record, "C1234", treated_on + timedelta(days=200), by=by)
    chart_glabellar(record, by=by)
    services.update_treatment(record, {"aftercare_given": True}, by=by)
    return services.sign_treatment(record, by=by)


def quiet_hours_off(clinic: Clinic) -> Any:
    """The clinic's message settings with quiet hours off, so messages go at any hour (the
    row is read afresh, not kept on ``clinic``, so tests may still change it by query)."""
    from glabella.messaging.models import MessagingSettings

    row, _ = MessagingSettings.objects.get_or_create(clinic=clinic)
    row.quiet_start = row.quiet_end
    row.save()
    return row


def approved_entries(clinic: Clinic, texts: Any, *, by: Any, language: str = "en") -> list[Any]:
    """The assistant's knowledge entries written from ``texts`` and approved ``by`` a director."""
    from glabella.assistant import services

    return [
        services.approve_entry(services.create_entry(clinic, text, by=by, language=language), by=by)
        for text in texts
    ]


def soon(minutes: int = 0) -> datetime:
    """``minutes`` from now."""
    return timezone.now() + timedelta(minutes=minutes)


def queue_reminder(patient: Patient, *, due_at: datetime | None = None, visit: Any = None) -> Any:
    """A queued reminder of a visit tomorrow (or of ``visit``), due now (or at ``due_at``)."""
    from glabella.messaging import services
    from glabella.messaging.models import MessageKind

    visit = visit or make_appointment(patient, soon(60 * 24))
    return services.enqueue_message(
        clinic=patient.clinic,
        patient=patient,
        kind=MessageKind.REMINDER,
        due_at=due_at or soon(),
        subject_key=f"appointment:{visit.pk}",
        context={"starts_at": visit.starts_at.isoformat()},
    )


@dataclass(frozen=True)
class CommandRun:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str) -> CommandRun:
    """``glabella ARGS`` run in this process as the console script runs it once Django is set
    up (argument parsing, one-line errors and exit status included), output captured."""
    from django.core.management import ManagementUtility

    argv = ["glabella", *args]
    out, err = io.StringIO(), io.StringIO()
    returncode = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            ManagementUtility(argv).fetch_command(args[0]).run_from_argv(argv)
        except SystemExit as exit_:
            code = exit_.code
            returncode = code if isinstance(code, int) else (0 if code is None else 1)
    return CommandRun(returncode, out.getvalue(), err.getvalue())


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
