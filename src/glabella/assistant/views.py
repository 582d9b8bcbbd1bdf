"""The patient chat page: public, embeddable, and usable without JavaScript."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from glabella.accounts.models import Clinic

from . import services
from .clinics import NoClinic, clinic_by_slug, clinics_to_choose
from .throttle import TooManyQuestions, check_question_rate


# The chat is anonymous and is embedded in clinics' own sites, where the browser does not
# send our CSRF cookie to a cross-site frame; a forged post can only ask a question.
@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def chat(request: HttpRequest, clinic: str | None = None) -> HttpResponse:
    try:
        found = clinic_by_slug(clinic)
    except NoClinic as exc:
        raise Http404(str(exc)) from exc
    context = {"clinic": found, "question": "", "reply": None, "error": ""}
    if request.method == "POST":
        context |= _answer(request, found, request.POST.get("question", ""))
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "assistant/_exchange.html", context)
    return render(request, "assistant/chat.html", context)


def _answer(request: HttpRequest, clinic: Clinic, question: str) -> dict[str, object]:
    try:
        check_question_rate(request)
        return {"question": question, "reply": services.ask(clinic, question)}
    except ValidationError as exc:
        return {"question": question, "error": " ".join(exc.messages)}
    except TooManyQuestions as exc:
        return {"question": question, "error": f"{exc} You can also call us on {clinic.phone}."}


@require_GET
def embed_script(request: HttpRequest) -> HttpResponse:
    """One line on a clinic's site: <script src=".../ask/embed.js" data-clinic="slug" async>."""
    site = request.build_absolute_uri("/").rstrip("/")
    script = render_to_string("assistant/embed.js", {"site": site})
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def chat_or_choice(request: HttpRequest) -> HttpResponse:
    """/ask: the default (or only) clinic's chat; with several clinics, a list to choose from."""
    choices = clinics_to_choose()
    if not choices:
        return chat(request)
    return render(request, "assistant/clinic_picker.html", {"clinics": choices})
