"""The patient chat page: public, embeddable, usable without JavaScript, in English or Spanish.

A reply that hands the message to staff (urgent, or not answerable) shows its reference and
an optional contact form, which posts to ``handoff_contact`` with a signed token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from glabella.accounts.embedding import framed_for
from glabella.accounts.models import Clinic
from glabella.core.embed import embed_script_response
from glabella.core.page_cache import same_for_visitors

from . import services
from .chat_page import VARY as CHAT_PAGE_VARY
from .chat_page import chat_page_key
from .clinics import NoClinic, clinic_by_slug, clinics_to_choose
from .forms import ContactForm, QuestionForm
from .models import Handoff
from .page_language import CHAT_LANGUAGES, NAMES, chat_language
from .services.contact import (
    ContactExpired,
    ContactRefused,
    ContactStep,
    attach_contact,
    contact_step,
    contact_step_for,
    handoff_for_contact,
)
from .throttle import TooManyQuestions, check_question_rate


@dataclass
class ContactBlock:
    """The contact step as the chat shows it: the form, or thanks once details are sent."""

    step: ContactStep
    form: ContactForm | None = None
    saved: bool = False
    expired: bool = False

    def __post_init__(self) -> None:
        if self.form is None:
            self.form = contact_form(self.step)

    @property
    def handoff_id(self) -> str:
        return self.step.handoff_id

    @property
    def reference(self) -> str:
        return self.step.reference

    @property
    def token(self) -> str:
        return self.step.token

    @property
    def urgent(self) -> bool:
        return self.step.urgent


def contact_form(step: ContactStep, data: Any = None) -> ContactForm:
    # One chat can hold several contact steps: each form's field ids are its own.
    return ContactForm(data, auto_id=f"contact-{step.handoff_id}-%s", label_suffix="")


# The chat is anonymous and is embedded in clinics' own sites, where the browser does not
# send our CSRF cookie to a cross-site frame; a forged post can only ask a question.
@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
@same_for_visitors(chat_page_key, vary=CHAT_PAGE_VARY)
def chat(request: HttpRequest, clinic: str | None = None) -> HttpResponse:
    try:
        found = clinic_by_slug(clinic)
    except NoClinic as exc:
        raise Http404(str(exc)) from exc
    language = _requested_language(request)
    context = _page(request, found, language) | {"question": "", "reply": None, "error": ""}
    if request.method == "POST":
        with translation.override(language):
            context |= _answer(request, found, language)
        # The page follows the language the patient wrote in, when the chat speaks it.
        replied_in = getattr(context["reply"], "language", None)
        if replied_in in CHAT_LANGUAGES and replied_in != language:
            context |= {"page_language": replied_in, "switched": True}
    template = "assistant/_exchange.html" if request.htmx else "assistant/chat.html"  # type: ignore[attr-defined]
    with translation.override(context["page_language"]):
        return framed_for(found, render(request, template, context))


def _answer(request: HttpRequest, clinic: Clinic, language: str) -> dict[str, object]:
    form = QuestionForm(request.POST)
    question = request.POST.get("question", "")
    if not form.is_valid():
        return {"question": question, "error": " ".join(_messages(form))}
    question = form.cleaned_data["question"]
    try:
        check_question_rate(request)
        chosen = form.cleaned_data["chosen_entry"] or None
        reply = services.ask(clinic, question, language=language, chosen_entry=chosen)
    except ValidationError as exc:
        return {"question": question, "error": " ".join(exc.messages)}
    except TooManyQuestions:
        message = _(
            "Too many questions in a short time; please wait a minute before asking again. "
            "You can also call us on %(phone)s."
        ) % {"phone": clinic.phone}
        return {"question": question, "error": message}
    step = contact_step(clinic, reply.handoff_id)
    return {"question": question, "reply": reply, "contact": ContactBlock(step) if step else None}


# Like the chat: posted from a frame on the clinic's site; the signed token is what
# authorises adding details to this one message.
@csrf_exempt
@xframe_options_exempt
@require_POST
def handoff_contact(request: HttpRequest, handoff_id: UUID) -> HttpResponse:
    language = _requested_language(request)
    with translation.override(language):
        try:
            handoff = handoff_for_contact(handoff_id, request.POST.get("token", ""))
        except ContactExpired as expired:
            block = ContactBlock(contact_step_for(expired.handoff), expired=True)
            return _contact_response(request, expired.handoff, block, language)
        except ContactRefused:
            return _refused(request, language)
        step = contact_step_for(handoff)
        form = contact_form(step, request.POST)
        block = ContactBlock(step, form=form)
        if form.is_valid():
            try:
                attach_contact(handoff, form.details)
                block.saved = True
            except ValidationError as exc:
                form.add_error(None, exc)
        return _contact_response(request, handoff, block, language)


def _contact_response(
    request: HttpRequest, handoff: Handoff, block: ContactBlock, language: str
) -> HttpResponse:
    context = _page(request, handoff.clinic, language) | {"contact": block}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "assistant/_contact.html", context)
    return framed_for(handoff.clinic, render(request, "assistant/chat.html", context))


def _refused(request: HttpRequest, language: str) -> HttpResponse:
    context = {"page_language": language}
    if request.htmx:  # type: ignore[attr-defined]
        # htmx swaps only successful responses: the fragment says it in place instead.
        return render(request, "assistant/_contact_refused.html", context)
    return render(request, "assistant/contact_refused.html", context, status=403)


def _page(request: HttpRequest, clinic: Clinic, language: str) -> dict[str, Any]:
    chat_url = reverse("assistant:clinic-chat", kwargs={"clinic": clinic.slug})
    if request.resolver_match and request.resolver_match.url_name == "chat":
        chat_url = reverse("assistant:chat")
    return {
        "clinic": clinic,
        "chat_url": chat_url,
        "page_language": language,
        "chat_languages": list(NAMES.items()),
    }


def _requested_language(request: HttpRequest) -> str:
    chosen = request.POST.get("lang") or request.GET.get("lang")
    return chat_language(chosen, request.headers.get("Accept-Language", ""))


def _messages(form: QuestionForm) -> list[str]:
    return [message for errors in form.errors.values() for message in errors]


@require_GET
def embed_script(request: HttpRequest) -> HttpResponse:
    """One line on a clinic's site: <script src=".../ask/embed.js" data-clinic="slug" async>."""
    return embed_script_response(request, "assistant/embed.js")


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def chat_or_choice(request: HttpRequest) -> HttpResponse:
    """/ask: the default (or only) clinic's chat; with several clinics, a list to choose from."""
    choices = clinics_to_choose()
    if not choices:
        return chat(request)
    language = _requested_language(request)
    with translation.override(language):
        context = {"clinics": choices, "page_language": language}
        return render(request, "assistant/clinic_picker.html", context)
