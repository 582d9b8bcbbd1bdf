"""The message scheduler over 10,000 due appointments, against a bare bulk insert of the same
10,000 outbox rows in the same run (the least any scheduler must do).

Builds a throwaway SQLite database (or the one in BENCH_DATABASE_URL, e.g. PostgreSQL) with
one clinic, 10,000 patients and a booked visit each whose 48-hour reminder falls in the
scheduler's window, then times: the bare insert; the scheduler's first run (finds the
visits, writes 10,000 rows); its second run (all already queued: nothing written, the
unique constraint makes it harmless); and the claim of 1,000 rows by the send sweep's
conditional UPDATE (without the provider).
"""

import os
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import django

DATABASE = Path(tempfile.mkdtemp()) / "bench-messaging.sqlite3"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{DATABASE}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "glabella.config.settings_test")
django.setup()

from django.conf import settings  # noqa: E402

# Queue tasks without running them: the scheduler is timed, not the sends it enqueues.
settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from glabella.accounts.models import Clinic  # noqa: E402
from glabella.messaging import sending  # noqa: E402
from glabella.messaging.models import MessageKind, MessagingSettings, Outbox  # noqa: E402
from glabella.messaging.scheduler import CATCH_UP, run_scheduler  # noqa: E402
from glabella.patients.models import Patient  # noqa: E402
from glabella.scheduling.models import Appointment, AppointmentStatus  # noqa: E402

VISITS = 10_000
CLAIMS = 1_000


def _setup(now):  # type: ignore[no-untyped-def]
    clinic = Clinic.objects.create(name="Bench clinic", slug="bench", phone="555-0100")
    MessagingSettings.objects.create(clinic=clinic, reminder_hours=[48])
    patients = Patient.objects.bulk_create(
        Patient(
            clinic=clinic,
            first_name=f"P{n}",
            last_name="Bench",
            date_of_birth=date(1980, 1, 1),
            phone=f"+1415555{n % 10000:04d}",
            consent_to_contact=True,
            preferred_channel="sms",
        )
        for n in range(VISITS)
    )
    # Spread over the scheduler's window for the 48-hour offset (the last 6 hours' catch-up).
    first = now + timedelta(hours=48) - CATCH_UP + timedelta(seconds=1)
    step = CATCH_UP / VISITS
    visits = [
        Appointment(
            clinic=clinic,
            patient=patient,
            kind="treatment",
            starts_at=first + step * n,
            duration_minutes=30,
            status=AppointmentStatus.BOOKED,
            ends_at=first + step * n + timedelta(minutes=30),  # save() sets it; bulk_create not
        )
        for n, patient in enumerate(patients)
    ]
    Appointment.objects.bulk_create(visits, batch_size=2000)
    Appointment.objects.update(created_at=now - timedelta(days=7))  # booked a week ago
    return clinic, patients


def _timed(call):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def main() -> None:
    call_command("migrate", verbosity=0)
    if Clinic.objects.exists():
        raise SystemExit("BENCH_DATABASE_URL must name an empty database (this one has clinics).")
    now = timezone.now().replace(microsecond=0)
    clinic, patients = _setup(now)

    def bare_insert() -> None:
        Outbox.objects.bulk_create(
            (
                Outbox(
                    clinic=clinic,
                    patient=patient,
                    kind=MessageKind.NO_SHOW,
                    subject_key=f"bench:{patient.pk}",
                    due_at=now,
                    send_after=now,
                )
                for patient in patients
            ),
            batch_size=1000,
        )

    _timed(bare_insert)  # once to warm the caches, then the measured run
    Outbox.objects.all().delete()
    baseline, _ = _timed(bare_insert)
    Outbox.objects.all().delete()
    first, _ = _timed(lambda: run_scheduler(now=now))
    queued = Outbox.objects.filter(kind=MessageKind.REMINDER).count()
    second, _ = _timed(lambda: run_scheduler(now=now))
    after_second = Outbox.objects.count()
    Outbox.objects.update(status="pending", send_after=now)
    ids = list(Outbox.objects.values_list("pk", flat=True)[:CLAIMS])
    claim, claimed = _timed(
        lambda: sum(sending.claim(pk, now=now + timedelta(hours=1), worker="bench") for pk in ids)
    )
    engine = os.environ["DATABASE_URL"].split(":", 1)[0]
    print(f"\nMessage scheduler over {VISITS:,} due appointments ({engine})")
    print(f"{'case':58} {'seconds':>8} {'× baseline':>11}")
    rows = [
        ("baseline: bare bulk insert of 10,000 outbox rows", baseline),
        (f"scheduler, first run (queues {queued:,} reminders)", first),
        (f"scheduler, second run (nothing new: {after_second:,} rows stay)", second),
    ]
    for name, seconds in rows:
        print(f"{name:58} {seconds:8.2f} {seconds / baseline:11.1f}")
    print(
        f"(the send sweep claims each row with one conditional UPDATE, its own transaction: "
        f"{claim / claimed * 1000:.1f} ms a claim over {claimed:,} rows)"
    )
    DATABASE.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
