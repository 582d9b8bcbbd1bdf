"""Staff pages after the treatment: the review (wore-off date, touch-up) and adverse
events, including the assistant's urgent messages awaiting follow-up."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from glabella.accounts.decorators import with_clinic
from glabella.accounts.models import Clinic
from glabella.accounts.roles import can
from glabella.assistant.models import Handoff, HandoffKind
from glabella.core.forms import add_service_errors
from glabella.patients.access import get_patient_for_user
from glabella.patients.forms import PatientSearchForm
from glabella.patients.models import Patient
from glabella.patients.services import search_patients

from .. import services
from ..access import (
    READ,
    SIGN,
    WRITE,
    get_event_for_user,
    get_review_for_user,
    get_treatment_for_user,
)
from ..forms.care import (
    AdverseEventForm,
    ResolveForm,
    ReviewForm,
    WoreOffForm,
    event_data,
)
from ..models import TreatmentRecord
from ..services.chart import adverse_event_board, view_record

PICK_LIMIT = 20


# --- review ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_new(request: HttpRequest, treatment_id: UUID) -> HttpResponse:
    treatment = get_treatment_for_user(request, treatment_id, WRITE)
    core = treatment.clinic.clinical_core()
    areas = sorted(set(treatment.sites.values_list("area", flat=True)))
    data = request.POST if request.method == "POST" else None
    form = ReviewForm(data, core=core, areas=areas, initial={"reviewed_on": timezone.localdate()})
    if data is not None and treatment.is_signed and form.is_valid():
        try:
            review = services.record_review(treatment, form.as_data(), by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("treatments:review", review_id=review.public_id)
    elif data is None:
        view_record(treatment, by=request.user, section="review")
    context = {
        "treatment": treatment,
        "patient": treatment.patient,
        "brand": core.catalogue.products[treatment.product].brand,
        "form": form,
        "treatment_url": reverse("treatments:record", kwargs={"treatment_id": treatment.public_id}),
    }
    return render(request, "treatments/review_new.html", context)


@login_required
@require_safe
def review_detail(request: HttpRequest, review_id: UUID) -> HttpResponse:
    review = get_review_for_user(request, review_id, READ)
    view_record(review, by=request.user)
    return _review_page(request, review, WoreOffForm(initial={"wore_off_on": review.wore_off_on}))


def _review_page(request: HttpRequest, review: Any, wore_off_form: WoreOffForm) -> HttpResponse:
    core = review.clinic.clinical_core()
    names = {level.grade: level.name for level in core.catalogue.assessment.levels}
    effect = [
        (core.catalogue.areas[a].name if a in core.catalogue.areas else a, g, names.get(g, ""))
        for a, g in review.effect.items()
    ]
    treatment = review.treatment
    touch_up = review.touch_up
    context = {
        "review": review,
        "patient": review.patient,
        "treatment": treatment,
        "brand": core.catalogue.products[treatment.product].brand,
        "effect": effect,
        "wore_off_form": wore_off_form,
        "can_write": can(request.user, review.clinic, WRITE),
        "can_touch_up": touch_up is None and can(request.user, review.clinic, SIGN),
        "treatment_url": reverse("treatments:record", kwargs={"treatment_id": treatment.public_id}),
        "touch_up_url": touch_up
        and reverse("treatments:record", kwargs={"treatment_id": touch_up.public_id}),
    }
    return render(request, "treatments/review_detail.html", context)


@login_required
@require_POST
def review_wore_off(request: HttpRequest, review_id: UUID) -> HttpResponse:
    review = get_review_for_user(request, review_id, WRITE)
    form = WoreOffForm(request.POST)
    if form.is_valid():
        try:
            services.record_wore_off(review, form.cleaned_data["wore_off_on"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("treatments:review", review_id=review.public_id)
    return _review_page(request, review, form)


@login_required
@require_POST
def review_touch_up(request: HttpRequest, review_id: UUID) -> HttpResponse:
    """A draft touch-up for the injector who gives it (only injectors sign records)."""
    review = get_review_for_user(request, review_id, SIGN)
    try:
        touch_up = services.start_touch_up(review, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(m for ms in error.message_dict.values() for m in ms))
        return redirect("treatments:review", review_id=review.public_id)
    url = reverse("treatments:record", kwargs={"treatment_id": touch_up.public_id})
    return redirect(url or reverse("treatments:review", kwargs={"review_id": review.public_id}))


# --- adverse events --------------------------------------------------------------------------


@login_required
@require_safe
@with_clinic(READ, choices="treatments/adverse_event_list.html")
def adverse_event_list(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    picking, found = _patient_pick(request, clinic)
    if request.htmx and picking:
        context = {"handoff_id": picking, "found": found, "clinic": clinic}
        return render(request, "treatments/adverse_event_pick.html", context)
    board = adverse_event_board(clinic, today=timezone.localdate(), by=request.user)
    context = {
        "clinic": clinic,
        "board": board,
        "handoffs": services.urgent_handoffs(clinic),
        "picking": picking,
        "found": found,
        "search_form": PatientSearchForm(request.GET if picking else None),
    }
    return render(request, "treatments/adverse_event_list.html", context)


def _patient_pick(request: HttpRequest, clinic: Any) -> tuple[str, list[Patient] | None]:
    """Patients found for the urgent message being recorded (``?handoff=&q=``)."""
    handoff = request.GET.get("handoff", "")
    query = request.GET.get("q", "").strip()
    if not handoff or not query:
        return handoff, None
    return handoff, list(search_patients(clinic, query, by=request.user)[:PICK_LIMIT])


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def adverse_event_new(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = get_patient_for_user(request, patient_id, WRITE)
    handoff = _urgent_handoff(patient, request.GET.get("handoff"))
    core = patient.clinic.clinical_core()
    treatments = list(
        TreatmentRecord.objects.filter(patient=patient).signed().prefetch_related("vials")
    )
    initial = {"onset_on": timezone.localdate(), "description": handoff.question if handoff else ""}
    form = AdverseEventForm(request.POST or None, core=core, treatments=treatments, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.report_adverse_event(
                patient, event_data(form), by=request.user, handoff=handoff
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("treatments:adverse-event", event_id=event.public_id)
    elif request.method != "POST":
        view_record(patient, by=request.user, section="adverse_event_form")
    context = {"patient": patient, "handoff": handoff, "form": form}
    return render(request, "treatments/adverse_event_new.html", context)


def _urgent_handoff(patient: Patient, public_id: str | None) -> Handoff | None:
    if not public_id:
        return None
    try:
        return Handoff.objects.get(
            public_id=UUID(public_id),
            clinic=patient.clinic,
            kind=HandoffKind.URGENT,
            adverse_event__isnull=True,
        )
    except (ValueError, Handoff.DoesNotExist) as exc:
        raise Http404("No such urgent message awaiting follow-up.") from exc


@login_required
@require_safe
def adverse_event_detail(request: HttpRequest, event_id: UUID) -> HttpResponse:
    event = get_event_for_user(request, event_id, READ)
    view_record(event, by=request.user)
    return _event_page(request, event, ResolveForm(initial={"resolved_on": timezone.localdate()}))


def _event_page(request: HttpRequest, event: Any, form: ResolveForm) -> HttpResponse:
    core = event.clinic.clinical_core()
    treatment = event.treatment
    context = {
        "event": event,
        "patient": event.patient,
        "form": form,
        "can_write": can(request.user, event.clinic, WRITE),
        "brand": treatment and core.catalogue.products[treatment.product].brand,
        "treatment_url": treatment
        and reverse("treatments:record", kwargs={"treatment_id": treatment.public_id}),
    }
    return render(request, "treatments/adverse_event_detail.html", context)


@login_required
@require_POST
def adverse_event_resolve(request: HttpRequest, event_id: UUID) -> HttpResponse:
    event = get_event_for_user(request, event_id, WRITE)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.resolve_adverse_event(
                event,
                form.cleaned_data["resolved_on"],
                form.cleaned_data["actions"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("treatments:adverse-event", event_id=event.public_id)
    return _event_page(request, event, form)
