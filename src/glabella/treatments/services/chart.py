"""Reading the record: the patient's chart timeline, one record, the adverse events board.
All are audited views of patient data (the recall list is in ``recall_list``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction

from glabella.accounts.models import Clinic
from glabella.accounts.types import StaffUser
from glabella.audit.models import Action
from glabella.audit.services import record_for_patient, record_read
from glabella.patients.models import Patient

from ..models import AdverseEvent, Consultation, Review, TreatmentRecord


@dataclass(frozen=True)
class TimelineItem:
    on: date
    kind: str  # consultation, treatment, review, adverse_event, amendment
    item: Any


def patient_timeline(patient: Patient, *, by: StaffUser) -> list[TimelineItem]:
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


def view_record(row: Any, *, by: StaffUser, **detail: Any) -> Any:
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


def adverse_event_board(clinic: Clinic, *, today: date, by: StaffUser) -> EventBoard:
    """The clinic's open adverse events (oldest onset first) and those resolved lately."""
    events = AdverseEvent.objects.for_clinic(clinic).select_related("patient", "treatment", "vial")
    board = EventBoard(
        open=list(events.open().order_by("onset_on", "id")),
        recently_resolved=list(
            events.filter(resolved_on__gte=today - RECENTLY_RESOLVED).order_by("-resolved_on")
        ),
    )
    record_read(
        clinic,
        "treatments.adverse_event_list",
        by=by,
        open=len(board.open),
        resolved=len(board.recently_resolved),
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
