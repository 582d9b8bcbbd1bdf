"""Seeding the living demo: both clinics, their staff and their patients' histories, in
one transaction; a clinic that already has patients is left as it is."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from glabella.accounts.models import Clinic
from glabella.treatments.models import (
    AdverseEvent,
    Recall,
    Review,
    TreatmentRecord,
    TreatmentStatus,
)

from .calendar import set_demo_calendar
from .clinics import DEMO, DEMO_CLINICS, SECOND, DemoClinic, ensure_clinic
from .history import HistoryWriter, LotBook, Staff
from .plans import Planner


@dataclass(frozen=True)
class DemoSizes:
    """Patients per clinic (tests use a few; the demo a few hundred)."""

    demo: int = 300
    second: int = 60

    def for_clinic(self, spec: DemoClinic) -> int:
        return {DEMO.slug: self.demo, SECOND.slug: self.second}[spec.slug]


@dataclass(frozen=True)
class ClinicSummary:
    name: str
    seeded: bool  # False: the clinic had patients already and was left alone
    patients: int
    treatments: int
    touch_ups: int
    drafts: int
    reviews: int
    adverse_events: int
    open_events: int
    due_for_recall: int
    opened_this_week: int
    overdue: int

    def line(self) -> str:
        return (
            f"{self.name}: {self.patients} patients, {self.treatments} signed treatments "
            f"({self.touch_ups} touch-ups), {self.drafts} drafts, {self.reviews} reviews, "
            f"{self.adverse_events} adverse events ({self.open_events} open), "
            f"{self.due_for_recall} due for recall now ({self.opened_this_week} opened this week, "
            f"{self.overdue} past the window)"
        )


def ensure_clinics() -> list[tuple[Clinic, Staff]]:
    return [ensure_clinic(spec) for spec in DEMO_CLINICS]


def seed_demo(sizes: DemoSizes | None = None) -> list[ClinicSummary]:
    sizes = sizes or DemoSizes()
    summaries = []
    with transaction.atomic():
        for spec in DEMO_CLINICS:
            clinic, staff = ensure_clinic(spec)
            seeded = not clinic.patients.exists()
            if seeded:
                set_demo_calendar(clinic, staff)
                seed_clinic(clinic, staff, sizes.for_clinic(spec), spec.seed)
            summaries.append(summarize(clinic, seeded=seeded))
    return summaries


def seed_clinic(clinic: Clinic, staff: Staff, patients: int, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311  (repeatable synthetic data, not secrets)
    planner = Planner(clinic.clinical_core(), timezone.localdate(), rng)
    writer = HistoryWriter(clinic, staff, LotBook(seed), rng)
    for number in range(patients):
        writer.write(planner.patient(number))


def summarize(clinic: Clinic, *, seeded: bool) -> ClinicSummary:
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    records = TreatmentRecord.objects.for_clinic(clinic)
    events = AdverseEvent.objects.for_clinic(clinic)
    # Still to contact (booked patients have left the list), window opened by today.
    due = Recall.objects.for_clinic(clinic).open().filter(opens_on__lte=today)
    return ClinicSummary(
        name=clinic.name,
        seeded=seeded,
        patients=clinic.patients.count(),
        treatments=records.signed().count(),
        touch_ups=records.signed().filter(touch_up_of__isnull=False).count(),
        drafts=records.filter(status=TreatmentStatus.DRAFT).count(),
        reviews=Review.objects.filter(clinic=clinic).count(),
        adverse_events=events.count(),
        open_events=events.open().count(),
        due_for_recall=due.count(),
        opened_this_week=due.filter(opens_on__gte=monday).count(),
        overdue=due.filter(closes_on__lt=today).count(),
    )
