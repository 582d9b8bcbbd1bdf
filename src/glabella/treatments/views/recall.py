"""The recall list: patients whose retreatment window is open or past."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from glabella.accounts.access import ClinicNotChosen, staff_clinic
from glabella.accounts.roles import staff_who_may
from glabella.clinical import ClinicalCore

from .. import services
from ..access import RECALL, SIGN
from ..forms.care import (
    RecallFilterForm,
)

# --- recall list -----------------------------------------------------------------------------


@login_required
@require_safe
def recall_list(request: HttpRequest) -> HttpResponse:
    try:
        clinic = staff_clinic(request, RECALL)
    except ClinicNotChosen as choice:
        return render(request, "treatments/recall.html", {"clinic_choices": choice.clinics})
    core = clinic.clinical_core()
    injectors = staff_who_may(clinic, SIGN)
    form = RecallFilterForm(
        request.GET, core=core, injectors=[(u.username, _name(u)) for u in injectors]
    )
    rows = None
    if form.is_valid():
        filters = services.RecallFilters(
            injector_id=next(
                (u.pk for u in injectors if u.username == form.cleaned_data["injector"]), None
            ),
            product=form.cleaned_data["product"],
            due_week=form.cleaned_data["due_week"],
        )
        entries = services.recall_list(clinic, filters, today=timezone.localdate(), by=request.user)
        rows = [_recall_row(core, entry) for entry in entries]
    context = {"clinic": clinic, "form": form, "rows": rows}
    return render(request, "treatments/recall.html", context)


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def _recall_row(core: ClinicalCore, entry: Any) -> dict[str, Any]:
    areas = core.catalogue.areas
    return {
        "entry": entry,
        "patient": entry.patient,
        "treatment": entry.treatment,
        "brand": core.catalogue.products[entry.treatment.product].brand,
        "units": [(areas[a].name if a in areas else a, u) for a, u in entry.units_per_area.items()],
    }
