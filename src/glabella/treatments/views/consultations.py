"""Staff pages of the consultation (screening, assessment per area, product choice) and
the medical director's override of a screening block. Thin: access helpers decide,
services act and audit."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from glabella.accounts.roles import can
from glabella.clinical import ClinicalCore, InvalidAssessment, Outcome
from glabella.core.forms import add_service_errors
from glabella.patients.access import get_patient_for_user
from glabella.patients.models import Patient

from .. import services
from ..access import (
    OVERRIDE,
    READ,
    WRITE,
    get_consultation_for_user,
)
from ..forms.care import (
    ConsultationForm,
    OverrideForm,
    area_forms,
)
from ..models import Consultation, ScreeningOverride
from ..services.chart import view_record
from .chart import record_new_url

OUTCOME_LABELS = {
    str(Outcome.OK): "OK to treat",
    str(Outcome.REVIEW): "Needs prescriber review",
    str(Outcome.DO_NOT_TREAT): "Do not treat",
}


# --- consultation ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def consultation_new(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = get_patient_for_user(request, patient_id, WRITE)
    core = patient.clinic.clinical_core()
    if request.htmx and "preview" in request.POST:
        area = request.POST["preview"]
        return render(
            request,
            "treatments/consultation_recommendation.html",
            {"area": area, "rec": _recommendation(core, request.POST, area)},
        )
    data = request.POST if request.method == "POST" else None
    form = ConsultationForm(data, core=core, initial={"held_on": timezone.localdate()})
    areas = area_forms(core, data)
    if data is not None:
        consultation = _record_consultation(request, patient, form, areas)
        if consultation is not None:
            return redirect("treatments:consultation", consultation_id=consultation.public_id)
    else:
        view_record(patient, by=request.user, section="screening")
    rows = [(f, _recommendation(core, data or {}, f.area.id)) for f in areas]
    context = {
        "patient": patient,
        "form": form,
        "area_rows": rows,
        "screening": _screening_rows(request, patient, services.screen_patient(patient)),
    }
    return render(request, "treatments/consultation_new.html", context)


def _record_consultation(
    request: HttpRequest, patient: Patient, form: ConsultationForm, areas: list[Any]
) -> Consultation | None:
    # Every form validated (no short circuit), so all their errors show at once.
    checks = [form.is_valid(), *(f.is_valid() for f in areas)]
    if not all(checks):
        return None
    chosen = [f for f in areas if f.started()]
    data = {**form.cleaned_data, "areas": [f.as_data() for f in chosen]}
    try:
        return services.record_consultation(patient, data, by=request.user)
    except ValidationError as error:
        _spread_consultation_errors(form, chosen, error)
        return None


def _spread_consultation_errors(
    form: ConsultationForm, chosen: list[Any], error: ValidationError
) -> None:
    """``areas.<i>.<field>`` belongs to the i-th assessed area's form; the rest to the form."""
    rest = {}
    for key, messages_ in error.message_dict.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "areas":
            chosen[int(parts[1])].add_error(parts[2], messages_)
        else:
            rest[key] = messages_
    if rest:
        add_service_errors(form, ValidationError(rest))


def _recommendation(core: ClinicalCore, data: Any, area: str) -> dict[str, str] | None:
    """The core's recommendation for the grades typed so far, or why it cannot give one."""
    if area not in core.catalogue.areas:
        return None
    static, dynamic = data.get(f"{area}-static"), data.get(f"{area}-dynamic")
    if not (str(static or "").isdigit() and str(dynamic or "").isdigit()):
        return None
    try:
        result = core.assess(area, static=int(static), dynamic=int(dynamic))
    except InvalidAssessment as exc:
        return {"problem": str(exc)}
    return {"recommendation": result.recommendation, "reason": result.reason}


def _screening_rows(
    request: HttpRequest, patient: Patient, screening: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each product's verdict with its label, the overrides recorded for it, and whether a
    do-not-treat finding is still uncovered (then the director must override)."""
    overrides = list(ScreeningOverride.objects.filter(patient=patient).select_related("created_by"))
    may_override = can(request.user, patient.clinic, OVERRIDE)
    rows = []
    for verdict in screening:
        mine = [o for o in overrides if o.product == verdict["product"]]
        covered = {f["rule"] for o in mine for f in o.findings}
        blocking = [
            f
            for f in verdict["findings"]
            if f["outcome"] == str(Outcome.DO_NOT_TREAT) and f["rule"] not in covered
        ]
        rows.append(
            {
                "verdict": verdict,
                "label": OUTCOME_LABELS.get(verdict["outcome"], verdict["outcome"]),
                "overrides": mine,
                "blocked": bool(blocking),
                "may_override": may_override,
            }
        )
    return rows


@login_required
@require_safe
def consultation_detail(request: HttpRequest, consultation_id: UUID) -> HttpResponse:
    consultation = get_consultation_for_user(request, consultation_id, READ)
    view_record(consultation, by=request.user)
    core = consultation.clinic.clinical_core()
    patient = consultation.patient
    context = {
        "consultation": consultation,
        "patient": patient,
        "areas": [_assessed_row(core, a) for a in consultation.areas.all()],
        "product": core.catalogue.products.get(consultation.product),
        "screening": _screening_rows(request, patient, consultation.screening),
        "record_new_url": record_new_url(request, patient),
    }
    return render(request, "treatments/consultation_detail.html", context)


def _assessed_row(core: ClinicalCore, assessed: Any) -> dict[str, Any]:
    names = {level.grade: level.name for level in core.catalogue.assessment.levels}
    area = core.catalogue.areas.get(assessed.area)
    return {
        "row": assessed,
        "area_name": area.name if area else assessed.area,
        "static_name": names.get(assessed.static, ""),
        "dynamic_name": names.get(assessed.dynamic, ""),
    }


# --- override --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def override_new(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = get_patient_for_user(request, patient_id, OVERRIDE)
    consultation = _consultation_of(patient, request.GET.get("consultation"))
    screening = _screening_rows(request, patient, services.screen_patient(patient))
    blocked = [(r["verdict"]["product"], r["verdict"]["brand"]) for r in screening if r["blocked"]]
    initial = {"product": request.GET.get("product", "")}
    form = OverrideForm(request.POST or None, blocked=blocked, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.override_block(
                patient,
                form.cleaned_data["product"],
                form.cleaned_data["reason"],
                by=request.user,
                consultation=consultation,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if consultation is not None:
                return redirect("treatments:consultation", consultation_id=consultation.public_id)
            return redirect("patients:detail", patient_id=patient.public_id)
    elif request.method != "POST":
        view_record(patient, by=request.user, section="screening")
    context = {
        "patient": patient,
        "consultation": consultation,
        "form": form,
        "screening": [r for r in screening if r["blocked"]],
    }
    return render(request, "treatments/override_new.html", context)


def _consultation_of(patient: Patient, public_id: str | None) -> Consultation | None:
    if not public_id:
        return None
    try:
        return patient.consultations.get(public_id=UUID(public_id))
    except (ValueError, Consultation.DoesNotExist) as exc:
        raise Http404("No such consultation for this patient.") from exc
