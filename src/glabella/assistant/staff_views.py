"""Staff pages of the patient assistant: the knowledge base and the handoff inbox.

Each view parses, fetches through ``access``, calls one service and renders or redirects.
Services raise ValidationError (shown on the form, nothing typed is lost) and
PermissionDenied (a 403).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from glabella.accounts.models import Clinic
from glabella.accounts.roles import can

from . import services
from .access import clinic_for_staff, get_entry_for_staff, get_handoff_for_staff
from .diffs import version_changes
from .forms import (
    ApproveForm,
    EntryFilterForm,
    EntryForm,
    NewEntryForm,
    ReplyForm,
    SaveAsEntryForm,
)
from .models import (
    Entry,
    EntryVersion,
    Handoff,
    HandoffStatus,
    Outcome,
    tidy_reference,
)
from .services.contact import mark_called_back, urgent_first

T = TypeVar("T")
PATIENT_PAGES = "patients.read_demographics"  # who may follow the link to a matched patient
DONE_SHOWN = 50
LOG_SHOWN = 200


# --- the knowledge base ----------------------------------------------------------------


@login_required
@require_safe
def entry_list(request: HttpRequest) -> HttpResponse:
    clinic = clinic_for_staff(request)
    filters = EntryFilterForm(request.GET, topics=_topics(clinic))
    entries = _listed_entries(clinic).filter(**filters.filters())
    return render(
        request,
        "assistant/staff_entry_list.html",
        {
            "clinic": clinic,
            "filters": filters,
            "entries": entries,
            "open_handoffs": Handoff.objects.filter(clinic=clinic).open().count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_new(request: HttpRequest) -> HttpResponse:
    clinic = clinic_for_staff(request, "assistant.edit")
    form = NewEntryForm(_posted(request))
    if request.method == "POST" and "preview" not in request.POST:
        entry = _submit(
            form, lambda: services.create_entry(clinic, form.entry_text(), by=request.user)
        )
        if entry is not None:
            messages.success(request, "Entry saved as a draft. An approver must approve it.")
            return _redirect("entry-detail", clinic, entry_id=entry.public_id)
    return _entry_form(request, clinic, form, entry=None)


@login_required
@require_http_methods(["GET", "POST"])
def entry_detail(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    """The entry and its history; ``?edit`` shows the form, a POST writes a new version."""
    editing = request.method == "POST" or "edit" in request.GET
    entry = get_entry_for_staff(
        request, entry_id, "assistant.edit" if editing else "assistant.read"
    )
    versions = _versions(entry)
    if request.method == "GET" and "edit" not in request.GET:
        return _entry_page(
            request, entry, versions, ApproveForm(initial={"version": versions[0].number})
        )
    form = EntryForm(_posted(request), initial=EntryForm.initial_from(versions[0]))
    if request.method == "POST" and "preview" not in request.POST:
        version = _submit(
            form,
            lambda: services.edit_entry(
                entry, form.entry_text(), by=request.user, note=form.cleaned_data["change_note"]
            ),
        )
        if version is not None:
            messages.success(request, f"Saved as version {version.number}, awaiting approval.")
            return _redirect("entry-detail", entry.clinic, entry_id=entry.public_id)
    return _entry_form(request, entry.clinic, form, entry=entry)


@login_required
@require_POST
def entry_approve(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    entry = get_entry_for_staff(request, entry_id)
    if not can(request.user, entry.clinic, "assistant.approve"):
        raise PermissionDenied("Only the medical director may approve answers.")
    form = ApproveForm(request.POST)
    if not form.is_valid() and "version" in form.errors:
        return HttpResponseBadRequest("Say which version to approve.")
    version = get_object_or_404(EntryVersion, entry=entry, number=form.cleaned_data["version"])
    if not form.is_valid():  # no change note: the page again, with the differences and the error
        return _entry_page(request, entry, _versions(entry), form)
    services.approve_entry(entry, by=request.user, version=version, note=form.cleaned_data["note"])
    messages.success(request, f"Version {version.number} approved: it now answers patients.")
    return _redirect("entry-detail", entry.clinic, entry_id=entry.public_id)


def _versions(entry: Entry) -> list[EntryVersion]:
    return list(entry.versions.select_related("created_by").order_by("-number"))


def _entry_page(
    request: HttpRequest, entry: Entry, versions: list[EntryVersion], approve_form: ApproveForm
) -> HttpResponse:
    """The entry, what approving its latest version would change, and its history."""
    return render(
        request,
        "assistant/staff_entry_detail.html",
        {
            "clinic": entry.clinic,
            "entry": entry,
            "versions": versions,
            "latest": versions[0],
            "changes": version_changes(entry.approved_version, versions[0]),
            "approve_form": approve_form,
            "can_approve": can(request.user, entry.clinic, "assistant.approve"),
            "values": entry.clinic.answer_variables(),
        },
    )


@login_required
@require_POST
def entry_retire(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    entry = get_entry_for_staff(request, entry_id)
    services.retire_entry(entry, by=request.user)
    messages.success(request, "Entry retired: it no longer answers patients.")
    return _redirect("entry-detail", entry.clinic, entry_id=entry.public_id)


# --- the handoff inbox -----------------------------------------------------------------


@login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    clinic = clinic_for_staff(request, "assistant.inbox")
    reference = request.GET.get("reference", "").strip()[:40]
    if reference:  # a patient on the phone quotes the reference of their message
        quoted = Handoff.objects.filter(clinic=clinic, reference=tidy_reference(reference))
        if found := quoted.first():
            return _redirect("handoff-detail", clinic, handoff_id=found.public_id)
    handoffs = services.read_inbox(clinic, by=request.user).select_related(
        "replied_by", "called_back_by", "patient"
    )
    return render(
        request,
        "assistant/staff_inbox.html",
        {
            "clinic": clinic,
            "reference": reference,
            "open": handoffs.open().order_by(urgent_first(), "created_at"),
            "done": handoffs.exclude(status=HandoffStatus.OPEN).order_by("-updated_at")[
                :DONE_SHOWN
            ],
            "done_shown": DONE_SHOWN,
            "links_patients": can(request.user, clinic, PATIENT_PAGES),
        },
    )


@login_required
@require_safe
def question_log(request: HttpRequest) -> HttpResponse:
    """Recent patient questions and what the assistant did, newest first."""
    clinic = clinic_for_staff(request, "assistant.questions")
    outcome = request.GET.get("outcome", "")
    logs = services.read_question_log(clinic, by=request.user, outcome=outcome)
    return render(
        request,
        "assistant/staff_question_log.html",
        {
            "clinic": clinic,
            "logs": logs[:LOG_SHOWN],
            "log_shown": LOG_SHOWN,
            "outcome": outcome,
            "outcomes": Outcome.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def handoff_detail(request: HttpRequest, handoff_id: UUID) -> HttpResponse:
    """The patient's question; a POST sends the reply."""
    handoff = get_handoff_for_staff(request, handoff_id)
    if request.method == "GET":
        services.read_handoff(handoff, by=request.user)
    form = ReplyForm(_posted(request), initial={"reply": handoff.reply})
    if request.method == "POST":
        replied = _submit(
            form,
            lambda: services.reply_to_handoff(
                handoff, reply=form.cleaned_data["reply"], by=request.user
            ),
        )
        if replied is not None:
            messages.success(request, "Reply saved; the question is marked answered.")
            return _redirect("handoff-detail", handoff.clinic, handoff_id=handoff.public_id)
    return _handoff_page(request, handoff, reply_form=form)


@login_required
@require_POST
def handoff_save_entry(request: HttpRequest, handoff_id: UUID) -> HttpResponse:
    handoff = get_handoff_for_staff(request, handoff_id)
    form = SaveAsEntryForm(request.POST)
    entry = _submit(
        form, lambda: services.save_handoff_as_entry(handoff, form.entry_text(), by=request.user)
    )
    if entry is None:
        return _handoff_page(request, handoff, save_form=form)
    messages.success(request, "Saved as a draft entry. An approver must approve it.")
    return _redirect("entry-detail", handoff.clinic, entry_id=entry.public_id)


@login_required
@require_POST
def handoff_called_back(request: HttpRequest, handoff_id: UUID) -> HttpResponse:
    """Record that someone called the patient back; back to the page the button was on."""
    handoff = get_handoff_for_staff(request, handoff_id)
    mark_called_back(handoff, by=request.user)
    messages.success(request, f"Recorded: {handoff.reference_display} called back.")
    back = request.POST.get("next", "")
    if back.startswith("/staff/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(back)
    return _redirect("handoff-detail", handoff.clinic, handoff_id=handoff.public_id)


@login_required
@require_POST
def handoff_close(request: HttpRequest, handoff_id: UUID) -> HttpResponse:
    handoff = get_handoff_for_staff(request, handoff_id)
    services.close_handoff(handoff, by=request.user)
    messages.success(request, "Question closed.")
    return _redirect("inbox", handoff.clinic)


# --- helpers ---------------------------------------------------------------------------


def _submit(form: forms.Form, operation: Callable[[], T]) -> T | None:
    """Run the service for a valid form; its ValidationError becomes the form's errors."""
    if not form.is_valid():
        return None
    try:
        return operation()
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _entry_form(
    request: HttpRequest, clinic: Clinic, form: EntryForm, *, entry: Entry | None
) -> HttpResponse:
    preview = form.is_bound and form.is_valid() and "preview" in request.POST
    return render(
        request,
        "assistant/staff_entry_form.html",
        {
            "clinic": clinic,
            "form": form,
            "entry": entry,
            "topics": _topics(clinic),
            "values": clinic.answer_variables(),
            "preview": form.cleaned_data["answer"] if preview else None,
        },
    )


def _handoff_page(
    request: HttpRequest,
    handoff: Handoff,
    *,
    reply_form: ReplyForm | None = None,
    save_form: SaveAsEntryForm | None = None,
) -> HttpResponse:
    return render(
        request,
        "assistant/staff_handoff_detail.html",
        {
            "clinic": handoff.clinic,
            "handoff": handoff,
            "reply_form": reply_form or ReplyForm(initial={"reply": handoff.reply}),
            "save_form": save_form or SaveAsEntryForm(initial={"answer": handoff.reply}),
            "topics": _topics(handoff.clinic),
            "links_patients": can(request.user, handoff.clinic, PATIENT_PAGES),
        },
    )


def _listed_entries(clinic: Clinic) -> QuerySet[Entry]:
    """The clinic's entries with their latest version's title and id, in one query."""
    latest = EntryVersion.objects.filter(entry=OuterRef("pk")).order_by("-number")
    return (
        Entry.objects.filter(clinic=clinic)
        .select_related("approved_by")
        .annotate(
            latest_title=Subquery(latest.values("title")[:1]),
            latest_version_pk=Subquery(latest.values("pk")[:1]),
        )
        .order_by("topic", "latest_title")
    )


def _topics(clinic: Clinic) -> list[str]:
    topics = Entry.objects.filter(clinic=clinic).order_by("topic").values_list("topic", flat=True)
    return list(topics.distinct())


def _redirect(name: str, clinic: Clinic, **kwargs: Any) -> HttpResponseRedirect:
    """Back to a staff page, keeping the clinic the staff member is working on."""
    url = reverse(f"assistant:{name}", kwargs=kwargs)
    return HttpResponseRedirect(f"{url}?{urlencode({'clinic': clinic.slug})}")
