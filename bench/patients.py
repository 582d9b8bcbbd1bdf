"""Duplicate matching at a million patients: what the registration page and online booking
wait for before they register anyone.

Builds a throwaway SQLite database with one clinic of 1,000,000 synthetic patients (dates
of birth over 80 years, so about 34 share each day; inserted directly, with the folded name
and phone key the model's save() would store), then times ``match_patient`` for an exact
match, an uncertain one and a new person, against the same question asked without the
(clinic, date of birth) index — the name and phone compared over every row of the clinic.
"""

import os
import random
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import django

DATABASE = Path(tempfile.mkdtemp()) / "bench-patients.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "glabella.config.settings_test")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.timing import measure, print_table  # noqa: E402
from glabella.accounts.models import Clinic  # noqa: E402
from glabella.patients.models import Patient, fold_name, phone_key  # noqa: E402
from glabella.patients.services import match_patient  # noqa: E402

PATIENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
BATCH = 20_000
FIRST = ["José", "María", "Ana", "Luis", "Carmen", "John", "Mary", "Wei", "Aisha", "Olga"]
LAST = ["Ñúñez", "García", "Smith", "O'Brien", "Müller", "Nguyen", "Kowalski", "Okafor"]
COLUMNS = (
    "public_id, created_at, updated_at, clinic_id, first_name, last_name, name_folded, "
    "date_of_birth, sex, phone, phone_digits, phone_key, email, preferred_channel, "
    "consent_to_contact, allergies, medicines, pregnant, breastfeeding, "
    "neuromuscular_disorder, swallowing_or_breathing_difficulty, cardiovascular_disease, "
    "previous_reaction, facial_anatomy_caution, dry_eye, clinical_notes"
)


def _fill(clinic: Clinic) -> None:
    rng = random.Random(9)  # noqa: S311 - repeatable synthetic people, not a secret
    now = timezone.now().isoformat()
    first_day = date(1940, 1, 1)
    sql = f"INSERT INTO patients_patient ({COLUMNS}) VALUES ({', '.join(['%s'] * 26)})"  # noqa: S608 - constants only
    with connection.cursor() as cursor:
        for start in range(0, PATIENTS, BATCH):
            rows = []
            for n in range(start, min(start + BATCH, PATIENTS)):
                first, last = rng.choice(FIRST), f"{rng.choice(LAST)}{n % 997}"
                phone = f"555{n:07d}"
                born = first_day + timedelta(days=rng.randrange(80 * 365))
                rows.append((
                    uuid.uuid4().hex, now, now, clinic.pk, first, last, fold_name(first, last),
                    born.isoformat(), "", phone, phone, phone_key(phone), "", "none", False,
                    "[]", "[]", False, False, False, False, False, False, False, False, "",
                ))  # fmt: skip
            with transaction.atomic():  # one commit per batch, not one per row
                cursor.executemany(sql, rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _unindexed(clinic: Clinic, patient: Patient) -> list:  # type: ignore[type-arg]
    """The same question with SQLite told to use no index: every row of the table read."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM patients_patient NOT INDEXED WHERE clinic_id = %s "
            "AND date_of_birth = %s AND merged_into_id IS NULL "
            "AND (name_folded = %s OR phone_key = %s)",
            [clinic.pk, patient.date_of_birth.isoformat(), patient.name_folded, patient.phone_key],
        )
        return cursor.fetchall()


def main() -> None:
    call_command("migrate", verbosity=0)
    clinic = Clinic.objects.create(slug="bench", name="Bench clinic")
    started = time.perf_counter()
    _fill(clinic)
    filled_in = time.perf_counter() - started
    known = Patient.objects.filter(clinic=clinic).order_by("pk")[PATIENTS // 2]
    born = known.date_of_birth
    asks = {
        "exact": {"first_name": known.first_name.upper(), "last_name": known.last_name,
                  "phone": f"+1 ({known.phone[:3]}) {known.phone[3:6]}-{known.phone[6:]}"},
        "uncertain": {"first_name": known.first_name, "last_name": known.last_name,
                      "phone": "555 000 1111"},
        "none": {"first_name": "Zed", "last_name": "Newcomer", "phone": "555 000 2222"},
    }  # fmt: skip
    print(f"\nDuplicate matching on SQLite: {PATIENTS:,} patients written in {filled_in:.0f} s")
    baseline = measure("baseline: read one patient by primary key",
                       lambda: Patient.objects.get(pk=known.pk), 300)  # fmt: skip
    timings = [baseline]
    for outcome, given in asks.items():
        result = match_patient(clinic, date_of_birth=born, **given)
        assert result.outcome == outcome, (outcome, result.outcome)
        timings.append(measure(f"match_patient: {outcome}",
                               lambda g=given: match_patient(clinic, date_of_birth=born, **g),
                               300))  # fmt: skip
    assert _unindexed(clinic, known), "the scan finds the patient too"
    timings.append(measure("the same lookup reading every row (no index)",
                           lambda: _unindexed(clinic, known), 5))  # fmt: skip
    print_table("Matching one person (median and p99 in µs; × the baseline's median)",
                timings, baseline)  # fmt: skip
    same_day = Patient.objects.filter(clinic=clinic, date_of_birth=born).count()
    print(f"({same_day} patients share the matched date of birth)")
    DATABASE.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
