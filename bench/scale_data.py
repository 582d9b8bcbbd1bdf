"""The scale benchmark's data: patients, their signed courses, the courses' recall rows and
an injection site for each patient's latest course, written with PostgreSQL COPY (not the
ORM) into a database already migrated. Called by ``bench.scale`` after ``django.setup()``.

Each patient's courses are derived from a generator seeded with the patient's id, so the
treatments pass and the recalls pass agree without holding five million courses in memory.
While loading, secondary indexes are dropped and built again afterwards (one sort each
instead of five million insertions), and foreign-key triggers are off for the session
(``session_replication_role = replica``: the ids are made consistent here)."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection, models

from glabella.core.text import fold
from glabella.patients.models import Patient
from glabella.treatments.models import InjectionSite, Recall, TreatmentRecord


def _words(text: str) -> list[str]:
    return text.split()


FIRST = _words(
    "José María Zoë François Ana Jürgen Søren Chloé Noémie Ángel Lucía Renée Anna John Mary "
    "James Linda Michael Sarah David Emma Olivia Liam Noah Sofía Mateo Inés Björn Åsa Zoltán "
    "Amélie Hélène Raúl Íñigo Joaquín Mónica Dolores Carmen Pilar Elena Laura Marta Paula "
    "Peter Paul Karen Susan Nancy Lisa Betty Helen Sandra Donna Carol Ruth Sharon Michelle"
)
# Surnames as two parts, 900 in all ("Müller", "Núñez", "García"... and made-up ones).
HEADS = _words("Mü Nú Gar Ló Fer Sán Ro Kle Du Be Ha Schr Wei Mar Pé Gó Cas Ji Or Va Mo Le Ri")
HEADS += _words("Sa Te Bo Da Fi Ka Zu")
TAILS = _words("ller ñez cía pez nández chez si in ont rger dt öder ß tínez rez mez tro ménez")
TAILS += _words("tiz rgas rales febvre vera ntos rres rja vis scher ch ber")
PRODUCTS = ("botox", "dysport", "xeomin", "jeuveau", "daxxify", "letybo")
# The latest course's recall: where each patient stands (the earlier ones are all treated).
LATEST_STATUS = {"due": 55, "contacted": 15, "booked": 15, "declined": 8, "do_not_contact": 7}
STAMP = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Course:
    id: int
    treated_on: date
    product: str
    injector_id: int


@dataclass(frozen=True)
class Plan:
    """What to generate: patient ids 1..patients, spread over the clinics by weight."""

    patients: int
    treatments: int
    clinics: list[int]  # three clinic ids, the first the largest
    injectors: dict[int, list[int]]  # clinic id -> its injectors' user ids
    today: date

    def clinic_of(self, patient_id: int) -> int:
        share = patient_id * 10 // (self.patients + 1)  # 0..9: 50%, 30%, 20%
        return self.clinics[0 if share < 5 else 1 if share < 8 else 2]


def course_counts(plan: Plan) -> list[int]:
    """Courses per patient (1 to 9), adding up to exactly ``plan.treatments``."""
    rng = random.Random(0)  # noqa: S311
    counts = [rng.randint(1, 9) for _ in range(plan.patients)]
    gap, i = plan.treatments - sum(counts), 0
    while gap:
        step = 1 if gap > 0 else -1
        if 1 <= counts[i] + step <= 9:
            counts[i] += step
            gap -= step
        i = (i + 1) % plan.patients
    return counts


def courses_of(plan: Plan, patient_id: int, first_id: int, count: int) -> list[Course]:
    """The patient's courses, oldest first; the latest within the last ten months, so its
    recall window opens anywhere from seven months ago to three months ahead."""
    rng = random.Random(patient_id)  # noqa: S311
    injectors = plan.injectors[plan.clinic_of(patient_id)]
    day = plan.today - timedelta(days=rng.randrange(300))
    days = [day]
    for _ in range(count - 1):
        day -= timedelta(days=rng.randrange(100, 160))
        days.append(day)
    product = rng.choice(PRODUCTS)
    return [
        Course(first_id + n, treated_on, product, rng.choice(injectors))
        for n, treated_on in enumerate(reversed(days))
    ]


def load(plan: Plan, log: Callable[[str], None]) -> None:
    counts = course_counts(plan)
    tables = [Patient, TreatmentRecord, Recall, InjectionSite]
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        dropped = [_drop_secondary_indexes(cursor, m._meta.db_table) for m in tables]
        _copy(cursor, Patient, _patients(plan), log)
        _copy(cursor, TreatmentRecord, _treatments(plan, counts), log)
        _copy(cursor, Recall, _recalls(plan, counts), log)
        _copy(cursor, InjectionSite, _sites(plan, counts), log)
        for model, definitions in zip(tables, dropped, strict=True):
            for definition in definitions:
                cursor.execute(definition)
            log(f"indexes of {model._meta.db_table} built again ({len(definitions)})")
            _follow_ids(cursor, model._meta.db_table)
        cursor.execute("SET session_replication_role = DEFAULT")


def _follow_ids(cursor: Any, table: str) -> None:
    """Set the table's id sequence past the ids written here."""
    cursor.execute(f"SELECT max(id) FROM {table}")  # noqa: S608 - a model's table name
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, cursor.fetchone()[0]]
    )


def _drop_secondary_indexes(cursor: Any, table: str) -> list[str]:
    """Drop the table's indexes that back no constraint; their definitions, to build again."""
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
        [table],
    )
    found = cursor.fetchall()
    for name, _ in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in found]


def _copy(
    cursor: Any,
    model: type[models.Model],
    rows: Iterator[dict[str, Any]],
    log: Callable[[str], None],
) -> None:
    """COPY ``rows`` (each the row's own values) into the model's table; the other columns
    that may not be null get the field's default; nullable ones are left null."""
    first = next(rows)
    constants = _defaults(model, set(first))
    columns = [*first, *constants]
    tail = tuple(constants.values())
    table = model._meta.db_table
    written = 0
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write_row((*first.values(), *tail))
        for row in rows:
            copy.write_row((*row.values(), *tail))
            written += 1
    log(f"{table}: {written + 1:,} rows copied")


def _defaults(model: type[models.Model], given: set[str]) -> dict[str, Any]:
    values = {}
    for field in model._meta.concrete_fields:
        if field.column in given or field.null:
            continue
        default = field.get_default()
        values[field.column] = json.dumps(default) if isinstance(default, list | dict) else default
    return values


def _patients(plan: Plan) -> Iterator[dict[str, Any]]:
    rng = random.Random(1)  # noqa: S311
    lasts = [head + tail for head in HEADS for tail in TAILS]
    born_from = date(1940, 1, 1).toordinal()
    for pid in range(1, plan.patients + 1):
        first, last = rng.choice(FIRST), rng.choice(lasts)
        digits = f"1555{rng.randrange(10_000_000):07d}"
        yield {
            "id": pid,
            "public_id": uuid.uuid4(),
            "created_at": STAMP,
            "updated_at": STAMP,
            "clinic_id": plan.clinic_of(pid),
            "first_name": first,
            "last_name": last,
            "name_folded": fold(f"{first} {last}"),
            "date_of_birth": date.fromordinal(born_from + rng.randrange(22_000)),
            "phone": f"+1 555 {digits[4:7]} {digits[7:]}",
            "phone_digits": digits,
            "phone_key": digits[-9:],
            "email": f"patient{pid}@example.test",
            "preferred_channel": "sms",
            "consent_to_contact": rng.random() < 0.8,
        }


def _each_course(plan: Plan, counts: list[int]) -> Iterator[tuple[int, list[Course]]]:
    next_id = 1
    for pid, count in enumerate(counts, start=1):
        yield pid, courses_of(plan, pid, next_id, count)
        next_id += count


def _treatments(plan: Plan, counts: list[int]) -> Iterator[dict[str, Any]]:
    for pid, courses in _each_course(plan, counts):
        clinic = plan.clinic_of(pid)
        for course in courses:
            day = course.treated_on
            yield {
                "id": course.id,
                "public_id": uuid.uuid4(),
                "created_at": STAMP,
                "updated_at": STAMP,
                "clinic_id": clinic,
                "patient_id": pid,
                "injector_id": course.injector_id,
                "product": course.product,
                "treated_on": day,
                "vial_units": 100,
                "diluent_ml": "2.50",
                "aftercare_given": True,
                "status": "signed",
                "signed_at": datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
                "total_units": "20.00",
                "review_on": day + timedelta(days=14),
                "recall_opens_on": day + timedelta(days=90),
                "recall_closes_on": day + timedelta(days=150),
                "earliest_retreatment_on": day + timedelta(days=84),
            }


def _recalls(plan: Plan, counts: list[int]) -> Iterator[dict[str, Any]]:
    statuses, weights = list(LATEST_STATUS), list(LATEST_STATUS.values())
    for pid, courses in _each_course(plan, counts):
        clinic = plan.clinic_of(pid)
        latest = random.Random(-pid).choices(statuses, weights)[0]  # noqa: S311
        for course in courses:
            status = latest if course is courses[-1] else "treated"
            yield {
                "id": course.id,
                "public_id": uuid.uuid4(),
                "created_at": STAMP,
                "updated_at": STAMP,
                "clinic_id": clinic,
                "patient_id": pid,
                "treatment_id": course.id,
                "product": course.product,
                "injector_id": course.injector_id,
                "opens_on": course.treated_on + timedelta(days=90),
                "closes_on": course.treated_on + timedelta(days=150),
                "status": status,
                "contact_count": 1 if status == "contacted" else 0,
                "last_contacted_at": STAMP if status == "contacted" else None,
                "closed_at": None if status in ("due", "contacted") else STAMP,
            }


def _sites(plan: Plan, counts: list[int]) -> Iterator[dict[str, Any]]:
    for _, courses in _each_course(plan, counts):
        latest = courses[-1]
        yield {
            "id": latest.id,
            "public_id": uuid.uuid4(),
            "treatment_id": latest.id,
            "area": "glabellar",
            "side": "centre",
            "x": "50.00",
            "y": "33.00",
            "units": "20.00",
        }
