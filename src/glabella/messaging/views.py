"""The staff Messages pages: the outbox (filter, retry) with the replies received, and the
clinic's message templates (draft, preview, approve). Thin: access helpers decide, services
act and audit."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from glabella.accounts.access import clinic_row_for_user, staff_clinic
from glabella.accounts.decorators import with_clinic
from glabella.accounts.models import Clinic
from glabella.accounts.roles import can

from . import services, template_services
from .clinic_settings import change_settings, settings_for
from .defaults import Wording
from .forms import SettingsForm, TemplateForm
from .models import InboundMessage, MessageKind, Outbox, OutboxStatus
from .variables import preview

READ, RETRY = "messages.read", "messages.retry"
EDIT, APPROVE = "messages.templates_edit", "messages.templates_approve"
SETTINGS = "messages.settings"
PAGE_SIZE = 50
REPLIES_SHOWN = 20


def _back(clinic: Clinic, name: str, **query: str) -> str:
    params = "&".join(f"{k}={v}" for k, v in {"clinic": clinic.slug, **query}.items() if v)
    return f"{reverse(name)}?{params}"


@login_required
@require_safe
@with_clinic(READ, choices="messaging/outbox.html")
def outbox(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    status = request.GET.get("status", "")
    rows = services.read_outbox(clinic, by=request.user, status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    replies = InboundMessage.objects.filter(clinic=clinic).select_related(
        "patient", "treatment", "handoff"
    )[:REPLIES_SHOWN]
    context = {
        "clinic": clinic,
        "page": page,
        "status": status,
        "statuses": OutboxStatus.choices,
        "replies": replies,
        "can_retry": can(request.user, clinic, RETRY),
        "retryable": services.RETRYABLE,
    }
    return render(request, "messaging/outbox.html", context)


@login_required
@require_POST
def retry(request: HttpRequest) -> HttpResponse:
    try:
        public_id = UUID(request.POST.get("outbox", ""))
    except ValueError as error:
        raise Http404("No such message.") from error
    row = clinic_row_for_user(
        request,
        Outbox.objects.select_related("clinic", "patient"),
        public_id,
        RETRY,
        what="message",
    )
    try:
        services.retry_message(row, by=request.user)
        messages.success(request, "The message will be sent again now.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_back(row.clinic, "messaging:outbox", status=request.POST.get("status", "")))


@login_required
@require_safe
@with_clinic(READ, choices="messaging/templates.html")
def templates(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    states = template_services.template_states(clinic)
    shown = [(state, *preview(clinic, state.in_use)) for state in states]
    context = {
        "clinic": clinic,
        "shown": shown,
        "can_edit": can(request.user, clinic, EDIT),
        "can_approve": can(request.user, clinic, APPROVE),
    }
    return render(request, "messaging/templates.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@with_clinic(EDIT, choices="messaging/templates.html")
def edit_template(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in MessageKind.values:
        raise Http404("No such kind of message.")
    state = next(s for s in template_services.template_states(clinic) if s.kind == kind)
    current = state.latest or state.approved
    initial = (
        {"subject": current.subject, "body": current.body}
        if current
        else {"subject": state.in_use.subject, "body": state.in_use.body}
    )
    form = TemplateForm(request.POST or None, initial=initial)
    sample = None
    if request.method == "POST" and form.is_valid():
        wording = Wording(form.cleaned_data["subject"], form.cleaned_data["body"])
        if "preview" in request.POST:
            sample = preview(clinic, wording)
        else:
            try:
                template_services.save_draft(
                    clinic, kind, wording.subject, wording.body, by=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Draft saved. A medical director approves it.")
                return redirect(_back(clinic, "messaging:templates"))
    context = {"clinic": clinic, "state": state, "form": form, "sample": sample}
    return render(request, "messaging/template_edit.html", context)


@login_required
@require_POST
def approve_template(request: HttpRequest) -> HttpResponse:
    clinic = staff_clinic(request, APPROVE)
    kind = request.POST.get("kind", "")
    try:
        version = template_services.approve_latest(clinic, kind, by=request.user)
        messages.success(request, f"Version {version.number} approved: it is sent from now on.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_back(clinic, "messaging:templates"))


@login_required
@require_http_methods(["GET", "POST"])
@with_clinic(SETTINGS, choices="messaging/settings.html")
def clinic_settings(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    row = settings_for(clinic)
    form = SettingsForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        change_settings(row, changed, by=request.user)
        messages.success(request, "Message settings saved.")
        return redirect(_back(clinic, "messaging:settings"))
    return render(request, "messaging/settings.html", {"clinic": clinic, "form": form})
