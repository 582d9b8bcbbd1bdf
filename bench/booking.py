"""1,000 concurrent online bookings on PostgreSQL: threads hammer a few slots through the
booking service (``booking.services.book_online``: matching, registration, the booking
service's row locks and the exclusion constraint), then the database is asked for any two
live appointments of one injector that overlap (doubles: must be 0). The baseline is the
same number of plain appointment inserts by the same threads, with no check at all.

Runs in its own process against a database of its own (``bench_booking``, dropped and made
again; ``BENCH_BOOKING_URL`` names another server), so it never touches the test databases.
"""

import os
import random
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import date, datetime, timedelta
from datetime import time as clock

import django
import psycopg

SERVER = os.environ.get("BENCH_BOOKING_URL", "postgres://postgres@127.0.0.1:5432")
NAME = "bench_booking"
ATTEMPTS = int(os.environ.get("BENCH_BOOKING_ATTEMPTS", "1000"))
THREADS = 16
INJECTORS = 2
TIMES = 10  # ten starts a day apart on the hour: 2 injectors × 10 = 20 visits at most
KNOWN_PATIENTS = 300  # half the attempts are patients already on file, half new ones


def _fresh_database() -> bool:
    try:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=3) as db:
            db.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
            db.execute(f"CREATE DATABASE {NAME}")
    except psycopg.OperationalError as error:
        print(f"\nOnline booking bench skipped: PostgreSQL is not answering ({error})")
        return False
    return True


if not _fresh_database():
    sys.exit(0)
os.environ["DATABASE_URL"] = f"{SERVER}/{NAME}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "glabella.config.settings_test")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.utils import timezone  # noqa: E402

from glabella.accounts.models import Clinic, Membership, Role  # noqa: E402
from glabella.booking.services import BookingRequest, SlotTaken, book_online  # noqa: E402
from glabella.patients.models import Patient  # noqa: E402
from glabella.scheduling.models import Appointment  # noqa: E402
from glabella.scheduling.services import book_appointment  # noqa: E402
from glabella.scheduling.slots import next_weekday  # noqa: E402

BORN = date(1980, 1, 1)


def _setup() -> tuple[Clinic, list[datetime], list]:  # type: ignore[type-arg]
    call_command("migrate", verbosity=0)
    clinic = Clinic.objects.create(name="Bench", slug="bench", phone="555 010 0000")
    users = []
    for n in range(INJECTORS):
        user = get_user_model().objects.create_user(f"injector-{n}", password="x" * 12)
        Membership.objects.create(user=user, clinic=clinic, role=Role.INJECTOR)
        users.append(user)
    Patient.objects.bulk_create(
        Patient(clinic=clinic, first_name=f"Known{n}", last_name="Patient", date_of_birth=BORN,
                email=f"known{n}@example.test", phone_key="", name_folded=f"known{n} patient")
        for n in range(KNOWN_PATIENTS)
    )  # fmt: skip
    day = next_weekday(timezone.localdate() + timedelta(days=3))
    starts = []
    while len(starts) < TIMES:
        starts.append(datetime.combine(day, clock(10, 0), tzinfo=clinic.zone))
        day = next_weekday(day + timedelta(days=1))
    return clinic, starts, users


def _wanted(n: int, starts: list[datetime], rng: random.Random) -> BookingRequest:
    known = rng.random() < 0.5
    who = rng.randrange(KNOWN_PATIENTS) if known else n
    return BookingRequest(
        kind="consultation",
        who="any",
        starts_at=rng.choice(starts),
        first_name=f"Known{who}" if known else f"New{n}",
        last_name="Patient",
        date_of_birth=BORN,
        phone="",
        email=f"known{who}@example.test" if known else f"new{n}@example.test",
        consent=False,
        channel="email",
        key=uuid.uuid4(),
    )


def _hammer(jobs: list, work) -> tuple[Counter, float]:  # type: ignore[type-arg, no-untyped-def]
    """Run ``work(job)`` for every job on THREADS threads started together; outcomes."""
    outcomes: Counter = Counter()  # type: ignore[type-arg]
    lock = threading.Lock()
    start = threading.Barrier(THREADS + 1)
    shares = [jobs[i::THREADS] for i in range(THREADS)]

    def run(share: list) -> None:  # type: ignore[type-arg]
        start.wait()
        for job in share:
            try:
                outcome = work(job)
            except SlotTaken as taken:  # told before any lock, or by the locks' check
                outcome = "taken" if "not free any more" in str(taken) else "taken under locks"
            except ValidationError:  # the booking service's refusal under its locks
                outcome = "taken under locks"
            except Exception as error:  # noqa: BLE001 - counted: a crash must show
                outcome = f"error: {type(error).__name__}: {str(error).splitlines()[0][:80]}"
            with lock:
                outcomes[outcome] += 1
        connections.close_all()

    threads = [threading.Thread(target=run, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return outcomes, time.perf_counter() - began


def _doubles() -> int:
    """Pairs of live appointments of one injector whose times overlap."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM scheduling_appointment a JOIN scheduling_appointment b
               ON a.injector_id = b.injector_id AND a.id < b.id
               AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
               WHERE a.status IN ('proposed', 'booked', 'arrived')
               AND b.status IN ('proposed', 'booked', 'arrived')"""
        )
        return int(cursor.fetchone()[0])


def _plain_insert(job: tuple) -> str:  # type: ignore[type-arg]
    patient, injector, starts_at = job
    Appointment.objects.create(
        clinic=patient.clinic, patient=patient, injector=injector, kind="consultation",
        starts_at=starts_at, duration_minutes=30, status="cancelled",
    )  # fmt: skip
    return "ok"


def _book_directly(job: tuple) -> str:  # type: ignore[type-arg]
    patient, injector, starts_at = job
    data = {"kind": "consultation", "starts_at": starts_at, "injector": injector}
    book_appointment(patient, data, by=None)
    return "ok"


def main() -> None:
    clinic, starts, users = _setup()
    rng = random.Random(9)  # noqa: S311 - a repeatable mix of requests, not a secret
    wanted = [_wanted(n, starts, rng) for n in range(ATTEMPTS)]
    patients = list(Patient.objects.filter(clinic=clinic)[:ATTEMPTS])
    later = starts[-1] + timedelta(days=30)
    plain = [
        (patients[n % len(patients)], users[n % INJECTORS], later + timedelta(minutes=30 * n))
        for n in range(ATTEMPTS)
    ]
    baseline, baseline_s = _hammer(plain, _plain_insert)
    Appointment.objects.filter(starts_at__gte=later).delete()
    booked, booked_s = _hammer(wanted, lambda w: book_online(clinic, w) and "ok")
    # The same hammering straight at the booking service: every attempt reaches the locks.
    locked_jobs = [
        (patients[n % len(patients)], rng.choice(users), rng.choice(starts) + timedelta(hours=2))
        for n in range(ATTEMPTS)
    ]
    locked, locked_s = _hammer(locked_jobs, _book_directly)
    doubles = _doubles()
    print(
        f"\nOnline booking on PostgreSQL: {ATTEMPTS} attempts by {THREADS} threads at "
        f"{TIMES} times × {INJECTORS} injectors (any injector; half known patients, half new)"
    )
    print(f"{'case':44} {'attempts':>9} {'successes':>10} {'taken':>6} {'other':>6} {'per s':>8}")
    for name, outcomes, seconds in (
        ("baseline: plain appointment inserts", baseline, baseline_s),
        ("book_online (match, register, lock, book)", booked, booked_s),
        ("book_appointment alone (all under the locks)", locked, locked_s),
    ):
        taken = outcomes["taken"] + outcomes["taken under locks"]
        other = sum(outcomes.values()) - outcomes["ok"] - taken
        print(
            f"{name:44} {sum(outcomes.values()):9d} {outcomes['ok']:10d} "
            f"{taken:6d} {other:6d} {sum(outcomes.values()) / seconds:8.0f}"
        )
    print(f"doubles (overlapping live visits of one injector): {doubles}")
    print(f"online booking outcomes: {dict(booked)}; booking service alone: {dict(locked)}")
    connections.close_all()
    if doubles:
        raise SystemExit("double bookings found")


if __name__ == "__main__":
    main()
