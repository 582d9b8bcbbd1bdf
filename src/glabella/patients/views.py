"""Staff pages for patient records: thin; access helpers decide, services act and audit."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from glabella.accounts.decorators import with_clinic
from glabella.accounts.models import Clinic
from glabella.treatments.views.chart import chart_context

from . import merging, services
from .access import (
    READ_DEMOGRAPHICS,
    WRITE_CLINICAL,
    WRITE_DEMOGRAPHICS,
    can_read_clinical,
    can_write,
    get_patient_for_user,
)
from .forms import ClinicalForm, DemographicsForm, PairForm, PatientSearchForm, RegistrationForm
from .models import DuplicateFlag, Patient

RESULTS_LIMIT = 50


@login_required
@require_safe
@with_clinic(READ_DEMOGRAPHICS, choices="patients/search.html")
def patient_search(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    form = PatientSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    patients = None
    if query.strip():
        found = services.search_patients(clinic, query, by=request.user)
        patients = list(found[:RESULTS_LIMIT])
    return render(
        request,
        "patients/search.html",
        {"clinic": clinic, "form": form, "query": query, "patients": patients},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@with_clinic(WRITE_DEMOGRAPHICS, choices="patients/search.html")
def patient_register(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    if request.method != "POST":
        form = RegistrationForm(initial={"registration_key": uuid4()})
        return render(request, "patients/register.html", {"clinic": clinic, "form": form})
    form = RegistrationForm(request.POST)
    if not form.is_valid():
        return render(request, "patients/register.html", {"clinic": clinic, "form": form})
    key = form.cleaned_data["registration_key"]  # None from a client that sends no key
    earlier = services.registered_with(key, clinic) if key else None
    if earlier is not None:  # the same form sent again: the first submit's patient
        return redirect("patients:detail", patient_id=earlier.public_id)
    if not form.cleaned_data["confirm_new"]:
        match = services.check_for_duplicates(clinic, _data(form), by=request.user)
        if match.candidates:
            context = {"clinic": clinic, "form": form, "match": match}
            return render(request, "patients/register.html", context)
    patient = services.register_patient(clinic, _data(form), by=request.user, key=key)
    return redirect("patients:detail", patient_id=patient.public_id)


@login_required
@require_safe
@with_clinic(WRITE_DEMOGRAPHICS, choices="patients/duplicates.html")
def duplicate_queue(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    page = merging.duplicate_queue(clinic, page=_page_number(request), by=request.user)
    return render(request, "patients/duplicates.html", {"clinic": clinic, "page": page})


@login_required
@require_POST
def merge_patient(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    """Merge this record into the other one of the form (the record kept)."""
    duplicate = get_patient_for_user(request, patient_id, WRITE_DEMOGRAPHICS)
    keep = _other(request, duplicate)
    try:
        merged = merging.merge_patients(keep, duplicate, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back_to_queue(duplicate)
    moved = sum(merged.moved.values())
    messages.success(
        request, f"{duplicate.full_name} merged into this record ({moved} linked rows moved)."
    )
    return redirect("patients:detail", patient_id=keep.public_id)


@login_required
@require_POST
def dismiss_duplicate(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    """This record and the other one of the form are different people."""
    patient = get_patient_for_user(request, patient_id, WRITE_DEMOGRAPHICS)
    other = _other(request, patient)
    flag = DuplicateFlag.objects.open().filter(patient=patient, candidate=other).first()
    if flag is None:
        raise Http404("No open possible-duplicate pair of these records.")
    merging.dismiss_duplicate(flag, by=request.user)
    messages.success(request, f"{patient.full_name} and {other.full_name} are different people.")
    return _back_to_queue(patient)


def _other(request: HttpRequest, patient: Patient) -> Patient:
    form = PairForm(request.POST)
    if not form.is_valid():
        raise Http404("Name the other record.")
    other = Patient.objects.filter(
        clinic=patient.clinic, public_id=form.cleaned_data["other"]
    ).first()
    if other is None:
        raise Http404("No such record at this clinic.")
    return other


def _back_to_queue(patient: Patient) -> HttpResponse:
    return redirect(f"{reverse('patients:duplicates')}?clinic={patient.clinic.slug}")


def _page_number(request: HttpRequest) -> int:
    text = request.GET.get("page", "1")
    return int(text) if text.isdigit() else 1


@login_required
@require_safe
def patient_detail(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = get_patient_for_user(request, patient_id, READ_DEMOGRAPHICS)
    clinical = can_read_clinical(request, patient)
    services.view_patient(patient, by=request.user, clinical=clinical)
    context = {
        "patient": patient,
        "clinical": clinical,
        "can_edit_demographics": can_write(request, patient, WRITE_DEMOGRAPHICS),
        "can_edit_clinical": can_write(request, patient, WRITE_CLINICAL),
        **chart_context(request, patient, clinical=clinical),
    }
    return render(request, "patients/detail.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_demographics(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = get_patient_for_user(request, patient_id, WRITE_DEMOGRAPHICS)
    return _edit(
        request, patient, DemographicsForm, services.update_demographics, "Contact details"
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_clinical(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = get_patient_for_user(request, patient_id, WRITE_CLINICAL)
    return _edit(request, patient, ClinicalForm, services.update_clinical, "Clinical record")


def _edit(
    request: HttpRequest, patient: Any, form_class: Any, update: Any, title: str
) -> HttpResponse:
    if request.method == "POST":
        # A copy, so a refused change leaves the shown record as it was.
        form = form_class(request.POST, instance=Patient.objects.get(pk=patient.pk))
        if form.is_valid():
            update(patient, _data(form), by=request.user)
            return redirect("patients:detail", patient_id=patient.public_id)
    else:
        services.view_patient(patient, by=request.user, clinical=form_class is ClinicalForm)
        form = form_class(instance=patient)
    context = {
        "patient": patient,
        "form": form,
        "title": title,
        "action": request.path,
        "cancel": reverse("patients:detail", kwargs={"patient_id": patient.public_id}),
    }
    return render(request, "patients/edit.html", context)


def _data(form: Any) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form.Meta.fields}
