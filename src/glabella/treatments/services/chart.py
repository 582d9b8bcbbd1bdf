"""Reading the record: the patient's chart timeline and the clinic's recall list. Both are
audited views of patient data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Prefetch

from glabella.accounts.models import Clinic
from glabella.audit.models import Action
from glabella.audit.services import record, record_for_patient
from glabella.patients.models import Patient

from ..models import AdverseEvent, Consultation, InjectionSite, Review, TreatmentRecord


@dataclass(frozen=True)
class TimelineItem:
    on: date
    kind: str  # consultation, treatment, review, adverse_event, amendment
    item: Any


def patient_timeline(patient: Patient, *, by: Any) -> list[TimelineItem]:
    """Everything clinical that happened to the patient, newest first."""
    items = [
        *(TimelineItem(c.held_on, "consultation", c) for c in _consultations(patient)),
        *(TimelineItem(t.treated_on, "treatment", t) for t in _treatments(patient)),
        *(TimelineItem(r.reviewed_on, "review", r) for r in _reviews(patient)),
        *(TimelineItem(e.onset_on, "adverse_event", e) for e in _events(patient)),
    ]
    for treatment in (i.item for i in items if i.kind == "treatment"):
        items += [
            TimelineItem(a.created_at.date(), "amendment", a) for a in treatment.amendments.all()
        ]
    items.sort(key=lambda i: (i.on, i.kind != "amendment"), reverse=True)
    with transaction.atomic():
        record_for_patient(Action.VIEW, patient, patient, by=by, section="chart")
    return items


def view_record(row: Any, *, by: Any, **detail: Any) -> Any:
    """Audit showing one consultation, review or adverse event (or, given a patient, a
    part of the chart named in ``detail``)."""
    patient = row if isinstance(row, Patient) else row.patient
    with transaction.atomic():
        record_for_patient(Action.VIEW, row, patient, by=by, **detail)
    return row


RECENTLY_RESOLVED = timedelta(days=30)


@dataclass(frozen=True)
class EventBoard:
    open: list[AdverseEvent]
    recently_resolved: list[AdverseEvent]


def adverse_event_board(clinic: Clinic, *, today: date, by: Any) -> EventBoard:
    """The clinic's open adverse events (oldest onset first) and those resolved lately."""
    events = AdverseEvent.objects.for_clinic(clinic).select_related("patient", "treatment", "vial")
    board = EventBoard(
        open=list(events.open().order_by("onset_on", "id")),
        recently_resolved=list(
            events.filter(resolved_on__gte=today - RECENTLY_RESOLVED).order_by("-resolved_on")
        ),
    )
    with transaction.atomic():
        record(
            action=Action.VIEW,
            clinic=clinic,
            actor=by,
            object_type="treatments.adverse_event_list",
            detail={"open": len(board.open), "resolved": len(board.recently_resolved)},
        )
    return board


def _consultations(patient: Patient) -> list[Consultation]:
    return list(patient.consultations.select_related("clinician").prefetch_related("areas"))


def _treatments(patient: Patient) -> list[TreatmentRecord]:
    return list(
        patient.treatments.select_related("injector").prefetch_related(
            "sites", "vials", "amendments__created_by"
        )
    )


def _reviews(patient: Patient) -> list[Review]:
    return list(patient.reviews.select_related("treatment"))


def _events(patient: Patient) -> list[AdverseEvent]:
    return list(patient.adverse_events.select_related("treatment", "vial"))


@dataclass(frozen=True)
class RecallFilters:
    injector_id: int | None = None
    product: str = ""
    due_week: date | None = None  # any day of the week; None: everyone due by today


@dataclass(frozen=True)
class RecallEntry:
    treatment: TreatmentRecord
    units_per_area: dict[str, Decimal]

    @property
    def patient(self) -> Patient:
        return self.treatment.patient


def recall_list(
    clinic: Clinic, filters: RecallFilters, *, today: date, by: Any
) -> list[RecallEntry]:
    """Patients whose retreatment window is open or past, with their last course."""
    courses = TreatmentRecord.objects.for_clinic(clinic)
    if filters.due_week is None:
        courses = courses.due_for_recall(today)
    else:
        monday = filters.due_week - timedelta(days=filters.due_week.weekday())
        courses = courses.latest_course_per_patient().filter(
            recall_opens_on__gte=monday, recall_opens_on__lt=monday + timedelta(days=7)
        )
    if filters.injector_id:
        courses = courses.filter(injector_id=filters.injector_id)
    if filters.product:
        courses = courses.filter(product=filters.product)
    rows = list(
        courses.select_related("patient", "injector")
        .prefetch_related(
            Prefetch("sites", queryset=InjectionSite.objects.only("area", "units", "treatment_id"))
        )
        .order_by("recall_opens_on", "patient__last_name", "id")
    )
    with transaction.atomic():
        record(
            action=Action.VIEW,
            clinic=clinic,
            actor=by,
            object_type="treatments.recall_list",
            detail={"rows": len(rows), "filters": _described(filters)},
        )
    return [RecallEntry(treatment=t, units_per_area=_units_per_area(t)) for t in rows]


def _units_per_area(treatment: TreatmentRecord) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for site in treatment.sites.all():
        totals[site.area] = totals.get(site.area, Decimal("0")) + site.units
    return totals


def _described(filters: RecallFilters) -> dict[str, str]:
    return {
        "injector": str(filters.injector_id or ""),
        "product": filters.product,
        "due_week": filters.due_week.isoformat() if filters.due_week else "",
    }
