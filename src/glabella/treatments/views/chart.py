"""The chart timeline and appointments shown on the patient's page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from glabella.accounts.roles import can
from glabella.clinical import ClinicalCore
from glabella.patients.models import Patient

from .. import services
from ..access import WRITE
from .records import number_text

APPOINTMENTS_SHOWN = 10


# --- chart timeline on the patient's page ----------------------------------------------------


def chart_context(request: HttpRequest, patient: Patient, *, clinical: bool) -> dict[str, Any]:
    """What the patient's page adds: upcoming appointments for every role; for clinical
    roles the timeline, open adverse events and the buttons to start a record."""
    context: dict[str, Any] = {"appointments": None, "timeline": None, "book_url": None}
    if can(request.user, patient.clinic, "appointments.write"):
        context["book_url"] = reverse("scheduling:book", kwargs={"patient_id": patient.public_id})
    if can(request.user, patient.clinic, "appointments.read"):
        context["appointments"] = list(
            patient.appointments.upcoming(timezone.now()).select_related("injector")[
                :APPOINTMENTS_SHOWN
            ]
        )
    if not clinical:
        return context
    core = patient.clinic.clinical_core()
    items = services.patient_timeline(patient, by=request.user)
    may_write = can(request.user, patient.clinic, WRITE)
    context.update(
        timeline=[_timeline_row(core, item, may_write) for item in items],
        open_events=[i.item for i in items if i.kind == "adverse_event" and i.item.is_open],
        can_write_clinical=may_write,
        record_new_url=record_new_url(request, patient),
    )
    return context


def record_new_url(request: HttpRequest, patient: Patient) -> str | None:
    if not can(request.user, patient.clinic, WRITE):
        return None
    return reverse("treatments:record-new", kwargs={"patient_id": patient.public_id})


def _timeline_row(core: ClinicalCore, item: Any, may_write: bool) -> dict[str, Any]:
    row = item.item
    build = {
        "consultation": _consultation_row,
        "treatment": _treatment_row,
        "review": _review_row,
        "adverse_event": _event_row,
        "amendment": _amendment_row,
    }[item.kind]
    return {"on": item.on, "kind": item.kind, **build(core, row, may_write)}


def _brand(core: ClinicalCore, product: str) -> str:
    found = core.catalogue.products.get(product)
    return found.brand if found else product


def _area_names(core: ClinicalCore, areas: Any) -> str:
    return ", ".join(core.catalogue.areas[a].name for a in areas if a in core.catalogue.areas)


def _consultation_row(core: ClinicalCore, row: Any, _: bool) -> dict[str, Any]:
    areas = _area_names(core, [a.area for a in row.areas.all()])
    chosen = _brand(core, row.product) if row.product else "no product chosen"
    return {
        "title": "Consultation",
        "summary": f"{areas or 'No area assessed'} · {chosen}",
        "url": reverse("treatments:consultation", kwargs={"consultation_id": row.public_id}),
    }


def _treatment_row(core: ClinicalCore, row: Any, may_write: bool) -> dict[str, Any]:
    sites = list(row.sites.all())
    total = row.total_units if row.is_signed else sum((s.units for s in sites), 0)
    title = "Touch-up" if row.is_touch_up else "Treatment"
    review = row.is_signed and may_write
    return {
        "title": f"{title} ({row.get_status_display().lower()})",
        "summary": f"{_brand(core, row.product)} · {number_text(Decimal(total))} U · "
        f"{_area_names(core, sorted({s.area for s in sites})) or 'no sites yet'}",
        "badge": "draft" if not row.is_signed else "",
        "url": reverse("treatments:record", kwargs={"treatment_id": row.public_id}),
        "review_url": review
        and reverse("treatments:review-new", kwargs={"treatment_id": row.public_id}),
    }


def _review_row(core: ClinicalCore, row: Any, _: bool) -> dict[str, Any]:
    graded = ", ".join(f"{_area_names(core, [a])} {g}" for a, g in row.effect.items())
    return {
        "title": "Review",
        "summary": f"Effect {graded or 'not graded'} · satisfaction {row.satisfaction or '—'}",
        "url": reverse("treatments:review", kwargs={"review_id": row.public_id}),
    }


def _event_row(core: ClinicalCore, row: Any, _: bool) -> dict[str, Any]:
    state = "open" if row.is_open else f"resolved {row.resolved_on:%Y-%m-%d}"
    return {
        "title": f"Adverse event: {row.get_kind_display()}",
        "summary": f"{row.get_severity_display()} · {state}",
        "badge": "open" if row.is_open else "",
        "url": reverse("treatments:adverse-event", kwargs={"event_id": row.public_id}),
    }


def _amendment_row(core: ClinicalCore, row: Any, _: bool) -> dict[str, Any]:
    return {
        "title": "Amendment",
        "summary": f"{row.reason} · by {row.created_by.get_username() if row.created_by else '—'}",
        "url": reverse("treatments:record", kwargs={"treatment_id": row.treatment.public_id}),
    }
