"""Treatment lifecycle at the size of the demo clinic: what staff wait for at the chair and
at the desk, against a one-row primary-key read of the same database as the baseline.

Builds a throwaway SQLite database with the demo's synthetic histories (written through the
services, as `glabella demo` does), then times: a tap on the face chart (place a site and
re-check the record, as the page does), the chart timeline of a patient, signing, and the
recall list — the shipped query against a naive one-query-per-patient version.
"""

import os
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import django

DATABASE = Path(tempfile.mkdtemp()) / "bench-treatments.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "glabella.config.settings_test")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.timing import measure, print_table  # noqa: E402
from glabella.accounts.models import Clinic  # noqa: E402
from glabella.demo.seed import DemoSizes, seed_demo  # noqa: E402
from glabella.patients.models import Patient  # noqa: E402
from glabella.treatments import services  # noqa: E402
from glabella.treatments.models import TreatmentRecord  # noqa: E402
from glabella.treatments.services import RecallFilters  # noqa: E402

PATIENTS = 150


def _naive_recall(clinic: Clinic, today) -> list:  # type: ignore[no-untyped-def]
    """The obvious version: each patient's latest course, one query per patient."""
    due = []
    for patient in Patient.objects.for_clinic(clinic):
        latest = TreatmentRecord.objects.courses().filter(patient=patient).first()
        if latest and latest.recall_opens_on and latest.recall_opens_on <= today:
            due.append((latest, list(latest.sites.all())))
    return due


def _tap(record: TreatmentRecord, injector) -> None:  # type: ignore[no-untyped-def]
    site = services.add_site(record, {"x": 50, "y": 33, "units": 4}, by=injector)
    services.check_record(record)
    services.remove_site(record, site.public_id, by=injector)


def _sign_fresh(patient: Patient, injector) -> None:  # type: ignore[no-untyped-def]
    treated_on = timezone.localdate()
    record = services.start_treatment(
        patient, {"product": "botox", "treated_on": treated_on}, by=injector
    )
    services.add_vial(record, "B1", treated_on + timedelta(days=90), by=injector)
    for x, y in [(50, 33), (44, 30), (56, 30), (41, 28), (59, 28)]:
        services.add_site(record, {"x": x, "y": y, "units": 4}, by=injector)
    record = services.update_treatment(
        record, {"aftercare_given": True, "interval_reason": "benchmark"}, by=injector
    )
    services.sign_treatment(record, by=injector)


def main() -> None:
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    seed_demo(DemoSizes(PATIENTS, 0))
    seeded_in = time.perf_counter() - started
    clinic = Clinic.objects.get(slug="demo")
    draft = (
        TreatmentRecord.objects.filter(clinic=clinic, status="draft")
        .select_related("clinic", "patient__clinic", "injector")
        .first()
    )
    injector = draft.injector
    busiest = (
        Patient.objects.for_clinic(clinic)
        .annotate(n=django.db.models.Count("treatments"))
        .order_by("-n")
        .first()
    )
    today = timezone.localdate()
    print(f"\nTreatment lifecycle on SQLite: {PATIENTS} demo patients written in {seeded_in:.1f} s")
    baseline = measure(
        "baseline: read one patient by primary key", lambda: Patient.objects.get(pk=busiest.pk), 300
    )
    timings = [
        baseline,
        measure("chart tap: place a site, re-check, remove", lambda: _tap(draft, injector), 100),
        measure(
            "chart timeline of the busiest patient",
            lambda: services.patient_timeline(busiest, by=injector),
            100,
        ),
        measure(
            "sign a five-site record (start to signature)",
            lambda: _sign_fresh(busiest, injector),
            20,
        ),
        measure(
            "recall list, naive: one query per patient", lambda: _naive_recall(clinic, today), 20
        ),
        measure(
            "recall list, shipped: a page of recall rows",
            lambda: services.recall_list(clinic, RecallFilters(), today=today, by=injector),
            50,
        ),
    ]
    print_table("Staff actions (median and p99 in µs; × the baseline's median)", timings, baseline)
    rows = services.recall_list(clinic, RecallFilters(), today=today, by=injector).total
    print(f"(the recall list has {rows} patients due; the busiest patient has {busiest.n} records)")
    DATABASE.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
