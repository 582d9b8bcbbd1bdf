"""The chair-side treatment record: start a draft, chart it on the face chart, sign it, and
amend it once signed. Thin views: the access helpers decide, the services act and audit.

Every chart action is its own URL taking a small form. Sent by htmx it answers with the
re-rendered chart (and the "Before signing" panel, out of band); sent as a plain form it
redirects back to the record, or shows the page again with the errors and a 400.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from glabella.accounts.roles import can
from glabella.clinical import ClinicalCore, ClinicalError
from glabella.core.forms import add_service_errors
from glabella.patients.access import get_patient_for_user
from glabella.scheduling.models import Appointment

from .. import services
from ..access import READ, SIGN, WRITE, get_treatment_for_user
from ..charting import REGIONS, Deviation
from ..forms.records import (
    AmendmentForm,
    DetailsForm,
    SiteForm,
    SiteUnitsForm,
    StartTreatmentForm,
    VialForm,
    label_dilutions,
)
from ..models import TreatmentRecord

# Common per-site doses offered as one-tap buttons; the product's own label doses are added.
UNIT_PRESETS = tuple(Decimal(u) for u in ("1", "2", "2.5", "3", "4", "5", "6", "8", "10"))
DRAFT_FORMS = frozenset({"site", "site_units", "vial", "details"})
SIGNED_FORMS = frozenset({"amendment"})


@dataclass
class PageState:
    """What one request adds to the page: bound forms, errors, the selected site."""

    forms: dict[str, forms.Form] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    selected: str = ""
    units: str = ""
    partial: str = "chart"  # or "details": which part an htmx answer re-renders

    @property
    def failed(self) -> bool:
        return bool(self.errors) or any(form.errors for form in self.forms.values())

    def run(self, call: Callable[[], Any], form: str | None = None) -> Any:
        """``call`` a service; its refusal lands on ``form`` or among the page's errors."""
        try:
            return call()
        except ValidationError as refused:
            if form:
                add_service_errors(self.forms[form], refused)
            else:
                self.errors.extend(refused.messages)
            return None


# --- pages ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def record_new(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = get_patient_for_user(request, patient_id, WRITE)
    core = patient.clinic.clinical_core()
    chosen = request.GET.get("product") or getattr(patient.consultations.first(), "product", "")
    posted = request.POST if request.method == "POST" else None
    form = StartTreatmentForm(posted, core=core, initial={"product": chosen})
    if request.method == "POST" and form.is_valid():
        data = form.treatment_data()
        try:
            record = services.start_treatment(patient, data, by=request.user)
        except ValidationError as refused:
            add_service_errors(form, refused)
        else:
            return redirect("treatments:record", treatment_id=record.public_id)
    context = {"patient": patient, "form": form, "dilutions": label_dilutions(core)}
    status = 400 if form.errors else 200
    return render(request, "treatments/record_new.html", context, status=status)


@login_required
@require_safe
def record_detail(request: HttpRequest, treatment_id: UUID) -> HttpResponse:
    record = get_treatment_for_user(request, treatment_id, READ)
    services.view_record(record, by=request.user)
    state = PageState(selected=request.GET.get("site", ""), units=request.GET.get("units", ""))
    if request.htmx and not record.is_signed:  # type: ignore[attr-defined]
        return _render_part(request, record, state)
    return render(request, "treatments/record.html", _context(request, record, state))


# --- chart actions ------------------------------------------------------------------------


@login_required
@require_POST
def site_add(request: HttpRequest, treatment_id: UUID) -> HttpResponse:
    record = get_treatment_for_user(request, treatment_id, WRITE)
    form = SiteForm(request.POST, area_names=_area_names(record.clinic.clinical_core()))
    state = PageState(forms={"site": form}, units=request.POST.get("units", ""))
    if form.is_valid():
        state.run(lambda: services.add_site(record, form.site_data(), by=request.user), "site")
    return _answer(request, record, state)


@login_required
@require_POST
def site_units(request: HttpRequest, treatment_id: UUID, site_id: UUID) -> HttpResponse:
    record = get_treatment_for_user(request, treatment_id, WRITE)
    form = SiteUnitsForm(request.POST)
    state = PageState(forms={"site_units": form}, selected=str(site_id))
    if form.is_valid():
        units = form.cleaned_data["units"]
        state.run(
            lambda: services.set_site_units(record, site_id, units, by=request.user), "site_units"
        )
    return _answer(request, record, state)


@login_required
@require_POST
def site_remove(request: HttpRequest, treatment_id: UUID, site_id: UUID) -> HttpResponse:
    record = get_treatment_for_user(request, treatment_id, WRITE)
    state = PageState()
    state.run(lambda: services.remove_site(record, site_id, by=request.user))
    return _answer(request, record, state)


@login_required
@require_POST
def mirror(request: HttpRequest, treatment_id: UUID) -> HttpResponse:
    record = get_treatment_for_user(request, treatment_id, WRITE)
    state = PageState()
    copied = state.run(lambda: services.mirror_sites(record, by=request.user))
    if copied == 0:
        state.errors.append("Nothing to mirror: each charted area already has both sides.")
    return _answer(request, record, state)


@login_required
@require_POST
def repeat(request: HttpRequest, treatment_id: UUID) -> HttpResponse:
    record = get_treatment_for_user(request, treatment_id, WRITE)
    state = PageState()
    state.run(lambda: services.repeat_last(record, by=request.user))
    return _answer(request, record, state)


@login_required
@require_POST
def vial_add(request: HttpRequest, treatment_id: UUID) -> HttpResponse:
    record = get_treatment_for_user(request, treatment_id, WRITE)
    form = VialForm(request.POST)
    state = PageState(forms={"vial": form})
    if form.is_valid():
        lot, expires = form.cleaned_data["lot_number"], form.cleaned_data["expires_on"]
        state.run(lambda: services.add_vial(record, lot, expires, by=request.user), "vial")
    return _answer(request, record, state)


@login_required
@require_POST
def vial_remove(request: HttpRequest, treatment_id: UUID, vial_id: UUID) -> HttpResponse:
    record = get_treatment_for_user(request, treatment_id, WRITE)
    state = PageState()
    state.run(lambda: services.remove_vial(record, vial_id, by=request.user))
    return _answer(request, record, state)


@login_required
@require_POST
def details(request: HttpRequest, treatment_id: UUID) -> HttpResponse:
    record = get_treatment_for_user(request, treatment_id, WRITE)
    form = DetailsForm(request.POST)
    state = PageState(forms={"details": form}, partial="details")
    if form.is_valid():
        data = form.treatment_data()
        state.run(lambda: services.update_treatment(record, data, by=request.user), "details")
    return _answer(request, record, state)


# --- signing and amending -------------------------------------------------------------------


@login_required
@require_POST
def sign(request: HttpRequest, treatment_id: UUID) -> HttpResponse:
    record = get_treatment_for_user(request, treatment_id, SIGN)
    state = PageState()
    signed = state.run(lambda: services.sign_treatment(record, by=request.user))
    if signed is None:
        return _answer(request, record, state)
    messages.success(request, _signed_message(signed))
    return redirect("treatments:record", treatment_id=signed.public_id)


@login_required
@require_POST
def amend(request: HttpRequest, treatment_id: UUID) -> HttpResponse:
    record = get_treatment_for_user(request, treatment_id, WRITE)
    form = AmendmentForm(request.POST)
    state = PageState(forms={"amendment": form})
    if form.is_valid():
        reason, text = form.cleaned_data["reason"], form.cleaned_data["text"]
        state.run(
            lambda: services.amend_treatment(record, reason, text, by=request.user), "amendment"
        )
    if not state.failed:
        messages.success(request, "Amendment added. The original record is unchanged.")
    return _answer(request, record, state)


# --- answering ----------------------------------------------------------------------------


def _answer(request: HttpRequest, record: TreatmentRecord, state: PageState) -> HttpResponse:
    record = _fresh(record)
    if not state.failed:
        state.forms.clear()  # done: the forms start empty again
    url = reverse("treatments:record", kwargs={"treatment_id": record.public_id})
    if request.htmx:  # type: ignore[attr-defined]
        if record.is_signed:  # nothing on a signed record is swapped in place: reload it
            for message in _page_errors(state, shown=frozenset()):
                messages.error(request, message)
            return HttpResponseClientRedirect(url)
        return _render_part(request, record, state)
    if not state.failed:
        query = {k: v for k, v in (("site", state.selected), ("units", state.units)) if v}
        return redirect(f"{url}?{urlencode(query)}" if query else url)
    return render(request, "treatments/record.html", _context(request, record, state), status=400)


def _render_part(request: HttpRequest, record: TreatmentRecord, state: PageState) -> HttpResponse:
    context = _context(request, record, state)
    return render(request, "treatments/_record_update.html", {**context, "oob": True})


def _fresh(record: TreatmentRecord) -> TreatmentRecord:
    """The record as the services left it (they work on a locked copy)."""
    return TreatmentRecord.objects.select_related("clinic", "patient__clinic", "injector").get(
        pk=record.pk
    )


def _signed_message(record: TreatmentRecord) -> str:
    review = _review_of(record)
    parts = ["Signed."]
    if review is not None:
        parts.append(
            f"Two-week review proposed for {_when(review)} (15 minutes, to confirm with "
            "the patient)."
        )
    if record.recall_opens_on:
        parts.append(
            f"Retreatment window: {record.recall_opens_on:%a %d %b %Y} to "
            f"{record.recall_closes_on:%a %d %b %Y}."
        )
    return " ".join(parts)


def _when(appointment: Appointment) -> str:
    return f"{timezone.localtime(appointment.starts_at):%a %d %b %Y at %H:%M}"


# --- what the page shows -------------------------------------------------------------------


@dataclass(frozen=True)
class ChartSite:
    public_id: str
    x: Decimal
    y: Decimal
    units: Decimal
    area_name: str
    side: str
    selected: bool = False

    @property
    def units_text(self) -> str:
        return number_text(self.units)


@dataclass(frozen=True)
class ChartRegion:
    area: str
    name: str
    x: int
    y: int
    width: int
    height: int


def _context(request: HttpRequest, record: TreatmentRecord, state: PageState) -> dict[str, Any]:
    core = record.clinic.clinical_core()
    names = _area_names(core)
    check = services.check_record(record)
    sites = _chart_sites(record, names, state.selected)
    selected = next((s for s in sites if s.selected), None)
    draft = not record.is_signed
    context: dict[str, Any] = {
        "record": record,
        "patient": record.patient,
        "brand": core.product(record.product).brand,
        "check": check,
        "totals": [
            {
                "name": t.area_name,
                "sites": t.sites,
                "units": number_text(t.units),
                "volume_ml": number_text(t.volume_ml),
            }
            for t in check.totals
        ],
        "total_units": number_text(check.total_units),
        "diluent_ml": number_text(record.diluent_ml),
        "units_per_0_1_ml": _strength(check),
        "total_volume_ml": number_text(check.total_volume_ml),
        "sites": sites,
        "selected_site": selected,
        "regions": _regions(names),
        "vials": list(record.vials.all()),
        "review": _review_of(record),
        "amendments": list(record.amendments.select_related("created_by")),
        "can_write": can(request.user, record.clinic, WRITE),
        "can_sign": can(request.user, record.clinic, SIGN)
        and record.injector_id == request.user.pk,
        "page_errors": _page_errors(state, shown=DRAFT_FORMS if draft else SIGNED_FORMS),
    }
    if draft:
        context.update(_draft_context(record, core, names, state, check, selected))
    else:
        context["amendment_form"] = state.forms.get("amendment") or AmendmentForm()
    return context


def _draft_context(
    record: TreatmentRecord,
    core: ClinicalCore,
    names: dict[str, str],
    state: PageState,
    check: services.RecordCheck,
    selected: ChartSite | None,
) -> dict[str, Any]:
    per_site = _label_units_per_site(record, core, check)
    units = state.units or (_most_common(per_site) if per_site else "")
    previous = services.previous_record(record)
    return {
        "site_form": state.forms.get("site")
        or SiteForm(initial={"units": units}, area_names=names),
        "current_units": _number_text_or_blank(units),
        "unit_presets": [
            number_text(u)
            for u in sorted({u for u in (*UNIT_PRESETS, *per_site) if u <= record.vial_units})
        ],
        "site_units_form": state.forms.get("site_units")
        or SiteUnitsForm(initial={"units": selected.units_text if selected else ""}),
        "vial_form": state.forms.get("vial") or VialForm(),
        "details_form": state.forms.get("details") or DetailsForm.for_record(record),
        "previous": previous,
        "previous_sites": _chart_sites(previous, names, "") if previous else [],
        "problems": _plain_problems(check, names),
        "notes": _recorded_exceptions(check, names),
        "partial": state.partial,
    }


def _chart_sites(record: TreatmentRecord, names: dict[str, str], selected: str) -> list[ChartSite]:
    return [
        ChartSite(
            public_id=str(site.public_id),
            x=site.x,
            y=site.y,
            units=site.units,
            area_name=names.get(site.area, site.area),
            side=site.get_side_display(),
            selected=str(site.public_id) == selected,
        )
        for site in record.sites.all()
    ]


def _regions(names: dict[str, str]) -> list[ChartRegion]:
    return [
        ChartRegion(r.area, names.get(r.area, r.area), r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0)
        for r in REGIONS
    ]


def _review_of(record: TreatmentRecord) -> Appointment | None:
    return Appointment.objects.reviews_of(record).first()


def _page_errors(state: PageState, *, shown: frozenset[str]) -> list[str]:
    """Errors of forms this page does not show, with the errors of no form."""
    found = list(state.errors)
    for name, form in state.forms.items():
        if name not in shown:
            found += [m for messages_ in form.errors.values() for m in messages_]
    return found


def _label_units_per_site(
    record: TreatmentRecord, core: ClinicalCore, check: services.RecordCheck
) -> list[Decimal]:
    """The label's per-site doses of this product at this dilution, area by area."""
    if check.dilution is None:
        return []
    found = []
    for area in core.catalogue.areas:
        try:
            suggestion = core.suggest_dose(record.product, area, check.dilution)
        except ClinicalError:
            continue
        found += [Decimal(str(p.units_per_site)) for p in suggestion.plans if p.units_per_site]
    return found


def _most_common(values: list[Decimal]) -> str:
    return number_text(max(sorted(set(values)), key=values.count))


def number_text(value: Decimal) -> str:
    """20.00 as "20", 2.50 as "2.5": how units and millilitres read on the page."""
    return f"{value.normalize():f}"


def _strength(check: services.RecordCheck) -> str:
    if check.dilution is None:
        return ""
    return number_text(Decimal(str(round(check.dilution.units_per_0_1_ml, 3))))


def _number_text_or_blank(text: str) -> str:
    try:
        return number_text(Decimal(text))
    except ArithmeticError:
        return ""


def _plain_problems(check: services.RecordCheck, names: dict[str, str]) -> list[str]:
    """What stands between the draft and a signature, with each differing dose spelled out."""
    found = []
    for name, message in check.problems.items():
        if name == "deviation_reason":
            found += [_deviation_text(d, names) for d in check.deviations]
            found.append("Give the reason for the dose that differs from the suggestion.")
        else:
            found.append(message)
    return found


def _recorded_exceptions(check: services.RecordCheck, names: dict[str, str]) -> list[str]:
    """Exceptions whose reason is already recorded: shown, no longer in the way."""
    found = []
    if check.deviations and "deviation_reason" not in check.problems:
        found += [_deviation_text(d, names) for d in check.deviations]
    if check.interval and check.interval.too_soon and "interval_reason" not in check.problems:
        found += list(check.interval.reasons)
    return found


def _deviation_text(deviation: Deviation, names: dict[str, str]) -> str:
    area = names.get(deviation.area, deviation.area)
    charted = number_text(deviation.units)
    if not deviation.suggested:
        return f"{area}: {charted} U charted; the clinical core has no dose for this product here."
    suggested = " or ".join(f"{number_text(u)} U" for u in deviation.suggested)
    return f"{area}: {charted} U charted where the clinical core suggests {suggested}."


def _area_names(core: ClinicalCore) -> dict[str, str]:
    return {area_id: area.name for area_id, area in core.catalogue.areas.items()}
