"""Staff pages for patient records: thin; access helpers decide, services act and audit."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from glabella.treatments.views.chart import chart_context

from . import services
from .access import (
    READ_DEMOGRAPHICS,
    WRITE_CLINICAL,
    WRITE_DEMOGRAPHICS,
    ClinicNotChosen,
    can_read_clinical,
    can_write,
    clinic_for_patients,
    get_patient_for_user,
)
from .forms import ClinicalForm, DemographicsForm, PatientSearchForm
from .models import Patient

RESULTS_LIMIT = 50


@login_required
@require_safe
def patient_search(request: HttpRequest) -> HttpResponse:
    try:
        clinic = clinic_for_patients(request, READ_DEMOGRAPHICS)
    except ClinicNotChosen as choice:
        return render(request, "patients/search.html", {"clinic_choices": choice.clinics})
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
def patient_register(request: HttpRequest) -> HttpResponse:
    try:
        clinic = clinic_for_patients(request, WRITE_DEMOGRAPHICS)
    except ClinicNotChosen as choice:
        return render(request, "patients/search.html", {"clinic_choices": choice.clinics})
    form = DemographicsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        patient = services.register_patient(clinic, _data(form), by=request.user)
        return redirect("patients:detail", patient_id=patient.public_id)
    return render(request, "patients/register.html", {"clinic": clinic, "form": form})


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
