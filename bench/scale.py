"""The recall list, the Today count and the patient search at scale on PostgreSQL: 1,000,000
patients and 5,000,000 signed courses (with their recall rows) in three clinics, written
with COPY (``bench.scale_data``), then timed through the services the pages call, with the
plans of the queries those services ran (EXPLAIN ANALYZE, BUFFERS).

The database (``glabella_scale``, or ``BENCH_SCALE_DB``, on ``BENCH_SCALE_URL``'s server) is
kept: a second run migrates it and reuses the data if it holds the same numbers;
``--rebuild`` makes it again. ``--patients N`` runs smaller (five courses per patient).
"""

import argparse
import os
import sys
import time
from collections.abc import Callable

import django
import psycopg

SERVER = os.environ.get("BENCH_SCALE_URL", "postgres://postgres@127.0.0.1:5432")
NAME = os.environ.get("BENCH_SCALE_DB", "glabella_scale")
RUNS = 7
DEEP_PAGE = 200  # the "later page": this many pages in, reached by keyset


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    parser.add_argument("--patients", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true", help="drop and generate again")
    parser.add_argument("--runs", type=int, default=RUNS, help="timed runs of each case")
    return parser.parse_args()


def _database(rebuild: bool) -> bool:
    """Make sure the database exists (made again with ``rebuild``); False if no server."""
    try:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=3) as db:
            if rebuild:
                db.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
            if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [NAME]).fetchone():
                db.execute(f"CREATE DATABASE {NAME}")
    except psycopg.OperationalError as error:
        print(f"\nScale bench skipped: PostgreSQL is not answering ({error})")
        return False
    return True


ARGS = _arguments()
if not _database(ARGS.rebuild):
    sys.exit(0)
os.environ["DATABASE_URL"] = f"{SERVER}/{NAME}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "glabella.config.settings_test")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import scale_data  # noqa: E402
from bench.timing import Timing, measure  # noqa: E402
from glabella.accounts.models import Clinic, Membership, Role  # noqa: E402
from glabella.dashboard.today import today_board  # noqa: E402
from glabella.patients.services import search_patients  # noqa: E402
from glabella.treatments import services  # noqa: E402
from glabella.treatments.services import RecallCursor, RecallFilters  # noqa: E402
from glabella.treatments.services.recall_list import PAGE_SIZE  # noqa: E402

SLUGS = ("north", "south", "east")
INJECTORS = 6  # per clinic
PAGE = 50  # rows of a search page, as the search page shows (RESULTS_LIMIT)


def _log(message: str, started: float = time.perf_counter()) -> None:
    print(f"  [{time.perf_counter() - started:7.1f} s] {message}", flush=True)


def _loaded() -> tuple[int, int] | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_scale_loaded (patients int, treatments int)"
        )
        cursor.execute("SELECT patients, treatments FROM bench_scale_loaded")
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def _staff() -> tuple[list[Clinic], dict[int, list[int]], dict[str, object]]:
    """The clinics, their injectors, and a director and front desk of the largest one."""
    users = get_user_model().objects
    clinics, injectors = [], {}
    for slug in SLUGS:
        clinic, _ = Clinic.objects.get_or_create(
            slug=slug, defaults={"name": slug.title(), "phone": "555 010 0000"}
        )
        clinics.append(clinic)
        injectors[clinic.pk] = []
        for n in range(INJECTORS):
            user, _ = users.get_or_create(username=f"{slug}-injector-{n}")
            Membership.objects.get_or_create(user=user, clinic=clinic, role=Role.INJECTOR)
            injectors[clinic.pk].append(user.pk)
    people = {}
    for role in (Role.MEDICAL_DIRECTOR, Role.FRONT_DESK):
        user, _ = users.get_or_create(username=f"north-{role}")
        Membership.objects.get_or_create(user=user, clinic=clinics[0], role=role)
        people[role] = user
    return clinics, injectors, people


def _generate(patients: int, clinics: list[Clinic], injectors: dict[int, list[int]]) -> None:
    treatments = patients * 5
    print(f"\nGenerating {patients:,} patients and {treatments:,} courses with COPY...")
    with connection.cursor() as cursor:
        for table in ("treatments_injectionsite", "treatments_recall",
                      "treatments_treatmentrecord", "patients_patient"):  # fmt: skip
            cursor.execute(f"TRUNCATE {table} CASCADE")
    plan = scale_data.Plan(
        patients, treatments, [c.pk for c in clinics], injectors, timezone.localdate()
    )
    scale_data.load(plan, _log)
    with connection.cursor() as cursor:
        for table in ("patients_patient", "treatments_treatmentrecord", "treatments_recall",
                      "treatments_injectionsite"):  # fmt: skip
            cursor.execute(f"VACUUM ANALYZE {table}")
        _log("vacuumed and analysed")
        cursor.execute("DELETE FROM bench_scale_loaded")
        cursor.execute("INSERT INTO bench_scale_loaded VALUES (%s, %s)", [patients, treatments])


def _cases(clinic: Clinic, people: dict[str, object]) -> list[tuple[str, Callable[[], object]]]:
    today = timezone.localdate()
    director, desk = people[Role.MEDICAL_DIRECTOR], people[Role.FRONT_DESK]
    due = RecallFilters()
    rows = services.recall_rows(clinic, due, today=today)
    deep = min(DEEP_PAGE, rows.count() // PAGE_SIZE)
    opens_on, pk = rows.values_list("opens_on", "id")[max(deep * PAGE_SIZE - 1, 0)]
    cursor = str(RecallCursor(opens_on, pk))
    injector = services.recall_rows(clinic, due, today=today).values_list("injector", flat=True)[0]
    patients = search_patients(clinic, "", by=desk)
    born = patients.order_by("id").values_list("date_of_birth", "phone_digits")[
        patients.count() // 3
    ]

    def get(path: str, who: object) -> Callable[[], object]:
        client = Client(HTTP_HOST="localhost")
        client.force_login(who)

        def page() -> object:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response

        return page

    def recall(filters: RecallFilters, **page: str) -> Callable[[], object]:
        return lambda: services.recall_list(clinic, filters, today=today, by=director, **page)

    def search(query: str) -> Callable[[], object]:
        return lambda: list(search_patients(clinic, query, by=desk)[:PAGE])

    return [
        ("recall list: first page (due)", recall(due)),
        (f"recall list: page {deep + 1} by keyset", recall(due, after=cursor)),
        (f"recall list: back to page {deep}", recall(due, before=cursor)),
        ("recall list: overdue, one product", recall(RecallFilters(window="overdue", product="botox"))),  # noqa: E501
        ("recall list: one injector", recall(RecallFilters(injector_id=injector))),
        ("recall list: status declined", recall(RecallFilters(status="declined"))),
        ("Today: recall due this week (count)",
         lambda: services.recall_count(clinic, RecallFilters(due_week=today), today=today)),
        ("Today: the whole board", lambda: today_board(clinic, today=today, by=desk)),
        ("search: 'Müll' (a name, accented)", search("Müll")),
        ("search: 'nunez jose' (no accents)", search("nunez jose")),
        ("search: 'zo ga' (two word prefixes)", search("zo ga")),
        ("search: 'mar' (broad: thousands match)", search("mar")),
        ("search: 'jo' (a word start, broad)", search("jo")),
        ("search: 'zu' (names at the end of the list)", search("zu")),
        ("search: date of birth", search(born[0].isoformat())),
        ("search: whole phone number", search(f"+{born[1]}")),
        ("search: part of a phone number", search(born[1][-6:])),
        ("page /staff/recall/ (whole response)", get("/staff/recall/?clinic=north", director)),
        (f"page /staff/recall/ {deep + 1} (whole response)",
         get(f"/staff/recall/?clinic=north&after={cursor}", director)),
        ("page /staff/ Today (whole response)", get("/staff/?clinic=north", desk)),
        ("page /staff/patients/?q=Müll (whole response)",
         get("/staff/patients/?clinic=north&q=M%C3%BCll", desk)),
    ]  # fmt: skip


def _plans(name: str, call: Callable[[], object]) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of each SELECT the call ran, other than the audit's."""
    with CaptureQueriesContext(connection) as ran:
        call()
    print(f"\n== {name}")
    with connection.cursor() as cursor:
        for query in ran.captured_queries:
            sql = query["sql"]
            if not sql.startswith("SELECT") or "audit_" in sql or "accounts_" in sql:
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            print(f"-- {sql[:160]}{'…' if len(sql) > 160 else ''}")
            print("\n".join(f"   {line}" for (line,) in cursor.fetchall()))


def _table(patients: int, timings: list[Timing]) -> None:
    print(f"\nAt scale on PostgreSQL ({patients:,} patients, {patients * 5:,} courses; "
          f"the north clinic holds half): median and worst of {timings[0].runs} runs")  # fmt: skip
    print(f"{'case':44} {'median ms':>10} {'worst ms':>10}")
    for timing in timings:
        print(f"{timing.name:44} {timing.median_us / 1000:10.1f} {timing.p99_us / 1000:10.1f}")


def main() -> None:
    call_command("migrate", verbosity=0)
    clinics, injectors, people = _staff()
    if _loaded() != (ARGS.patients, ARGS.patients * 5):
        _generate(ARGS.patients, clinics, injectors)
    else:
        print(f"\nReusing {NAME}: {ARGS.patients:,} patients already generated (--rebuild).")
    cases = _cases(clinics[0], people)
    # With fewer than 100 runs the 99th percentile is the slowest run: the worst.
    timings = [measure(name, call, ARGS.runs) for name, call in cases]
    _table(ARGS.patients, timings)
    for name, call in cases:
        if not name.startswith("page "):  # the pages run the services' queries shown above
            _plans(name, call)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"\n{NAME} takes {cursor.fetchone()[0]} (kept for the next run)")


if __name__ == "__main__":
    main()
