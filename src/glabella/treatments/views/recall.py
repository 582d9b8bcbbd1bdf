"""The recall list: patients whose retreatment window is open (or as filtered), newest window
first, a page at a time; its CSV export; the front desk's notes on a row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.views.decorators.http import require_POST, require_safe

from glabella.accounts.access import staff_clinic
from glabella.accounts.decorators import with_clinic
from glabella.accounts.models import Clinic
from glabella.accounts.roles import Capability, can, staff_who_may
from glabella.clinical import ClinicalCore

from .. import services
from ..access import RECALL, RECALL_WRITE, SIGN, get_recall_for_user
from ..forms.care import RecallFilterForm, RecallStatusForm


@login_required
@require_safe
@with_clinic(RECALL, choices="treatments/recall.html")
def recall_list(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    core = clinic.clinical_core()
    form, filters = _filters(request, clinic, core)
    context: dict[str, Any] = {"clinic": clinic, "form": form, "rows": None}
    if filters is not None:
        shown = services.recall_list(
            clinic,
            filters,
            today=timezone.localdate(),
            by=request.user,
            after=request.GET.get("after", ""),
            before=request.GET.get("before", ""),
        )
        links = _RowLinks()
        context |= {
            "rows": [_recall_row(core, entry, links) for entry in shown.entries],
            "page": shown,
            "query": _query(request, exclude=PAGING),
            "can_note": can(request.user, clinic, RECALL_WRITE),
            "can_book": can(request.user, clinic, Capability.APPOINTMENTS_WRITE),
            "status_options": _status_options(),
        }
    return render(request, "treatments/recall.html", context)


@login_required
@require_safe
def recall_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV, streamed (all pages; the export is audited)."""
    clinic = staff_clinic(request, RECALL)
    form, filters = _filters(request, clinic, clinic.clinical_core())
    if filters is None:
        errors = "; ".join(f"{name}: {' '.join(e)}" for name, e in form.errors.items())
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    lines = services.export_recall_csv(clinic, filters, today=timezone.localdate(), by=request.user)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    filename = f"recall-{clinic.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def recall_status(request: HttpRequest, treatment_id: UUID) -> HttpResponse:
    """The front desk's note on the recall of this course: called, declined, do not contact,
    or back to due."""
    recall = get_recall_for_user(request, treatment_id, RECALL_WRITE)
    form = RecallStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what happened.")
    else:
        try:
            changed = services.set_recall_status(
                recall, form.cleaned_data["status"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, f"{changed.patient.full_name}: {changed.get_status_display().lower()}."
            )
    back = request.POST.get("back", "")
    query = back if back.startswith("?") else f"?clinic={recall.clinic.slug}"
    return redirect(reverse("treatments:recall") + query)


@login_required
@require_POST
def recall_contact(request: HttpRequest) -> HttpResponse:
    """ "Contact all due this week": queue the recall message for the filtered selection
    whose window opened this week (see ``contact_due_this_week``)."""
    clinic = staff_clinic(request, RECALL_WRITE)
    form, filters = _filters(request, clinic, clinic.clinical_core(), data=request.POST)
    back = reverse("treatments:recall") + "?" + urlencode(
        [(k, v) for k, v in request.POST.items() if k != "csrfmiddlewaretoken"]
    )  # fmt: skip
    if filters is None:
        messages.error(request, "Correct the filters first; nobody was contacted.")
        return redirect(back)
    today = timezone.localdate()
    rows = services.recall_rows(clinic, filters, today=today)
    run = services.contact_due_this_week(clinic, rows, today=today, by=request.user)
    messages.success(request, _contact_summary(run))
    return redirect(back)


def _contact_summary(run: Any) -> str:
    parts = [f"{run.queued} recall message{'s' if run.queued != 1 else ''} queued."]
    if run.not_queued:
        parts.append(f"{run.not_queued} not queued (already sent, or at the clinic's maximum).")
    if run.without_consent:
        parts.append(f"{run.without_consent} did not agree to messages: call them instead.")
    if run.left_over:
        parts.append(f"{run.left_over} more left: press again.")
    return " ".join(parts)


def _filters(
    request: HttpRequest, clinic: Any, core: ClinicalCore, data: Any = None
) -> tuple[RecallFilterForm, services.RecallFilters | None]:
    injectors = staff_who_may(clinic, SIGN)
    form = RecallFilterForm(
        request.GET if data is None else data,
        core=core,
        injectors=[(u.username, _name(u)) for u in injectors],
    )
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    filters = services.RecallFilters(
        injector_id=next((u.pk for u in injectors if u.username == data["injector"]), None),
        product=data["product"],
        due_week=data["due_week"],
        status=data["status"],
        window=data["window"],
    )
    return form, filters


# The pager's parameters: a page goes on from a row of the list (keyset), not from a number.
PAGING = ("after", "before", "page")


def _query(request: HttpRequest, *, exclude: tuple[str, ...]) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k not in exclude])


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


class _RowLinks:
    """The three links of a row, each reversed once per page and filled in per row (a page
    has 50 rows: reversing 150 URLs was a tenth of its time)."""

    def __init__(self) -> None:
        self.patient = _link("patients:detail", "patient_id")
        self.book = _link("scheduling:book", "patient_id")
        self.note = _link("treatments:recall-status", "treatment_id")


_PLACEHOLDER = UUID(int=0)


def _link(name: str, kwarg: str) -> Callable[[UUID], str]:
    before, after = reverse(name, kwargs={kwarg: _PLACEHOLDER}).split(str(_PLACEHOLDER))
    return lambda value: f"{before}{value}{after}"


def _status_options() -> str:
    """The note's choices, rendered once for every row's menu."""
    choices = RecallStatusForm().fields["status"].choices
    return format_html_join("", '<option value="{}">{}</option>', choices)


def _recall_row(core: ClinicalCore, entry: Any, links: _RowLinks) -> dict[str, Any]:
    areas = core.catalogue.areas
    return {
        "patient_url": links.patient(entry.patient.public_id),
        "book_url": links.book(entry.patient.public_id),
        "note_url": links.note(entry.treatment.public_id),
        "entry": entry,
        "recall": entry.recall,
        "patient": entry.patient,
        "treatment": entry.treatment,
        "brand": core.catalogue.products[entry.treatment.product].brand,
        "units": [(areas[a].name if a in areas else a, u) for a, u in entry.units_per_area.items()],
    }
