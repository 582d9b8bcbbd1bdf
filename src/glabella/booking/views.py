"""The public booking page, phone-first and embeddable like the assistant's chat (framed on
a clinic's own site, so no frame refusal and no CSRF cookie, which a cross-site frame does
not send): choose what and with whom, then a time, then one's details. Works without
JavaScript. The patient's signed link (``links.py``) shows, moves or cancels the visit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from glabella.accounts.embedding import framed_for
from glabella.accounts.models import Clinic
from glabella.assistant.clinics import NoClinic, clinic_by_slug
from glabella.core.embed import embed_script_response
from glabella.core.forms import add_service_errors
from glabella.messaging.preferences import effective_preference
from glabella.scheduling.models import Appointment
from glabella.scheduling.services import display_name

from . import changes, links, offers, services
from .forms import KIND_LABELS, ChoiceForm, DetailsForm, MoveForm, TimeForm
from .services import NotBookable, SlotTaken, TooLate
from .throttle import TooManySubmits, check_submit_rate


def _clinic(slug: str) -> Clinic:
    try:
        return clinic_by_slug(slug)
    except NoClinic as error:
        raise Http404(str(error)) from error


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Rendered on the clinic's clocks (templates show times in the active zone)."""
    with timezone.override(context["clinic"].zone):
        response = render(request, f"booking/{template}", context, status=status)
    return framed_for(context["clinic"], response)


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, clinic: str) -> HttpResponse:
    found = _clinic(clinic)
    settings = services.settings_for(found)
    review = (request.POST or request.GET).get("visit") == "review"
    context: dict[str, Any] = {"clinic": found, "review": review, "booking": settings}
    if not settings.enabled:
        return _page(request, "closed.html", context)
    injectors = offers.injectors(found)
    if request.method == "POST":
        return _submit(
            request, found, DetailsForm(request.POST, injectors=injectors, review=review), context
        )
    query = request.GET
    if "at" in query:
        form = DetailsForm(initial=query.dict(), injectors=injectors, review=review)
        chosen = TimeForm(query, injectors=injectors, review=review)
        if chosen.is_valid():
            context |= _chosen(found, chosen.cleaned_data)
            return _page(request, "details.html", context | {"form": form})
    choice = ChoiceForm(query or None, injectors=injectors, review=review)
    if not choice.is_valid():
        return _page(request, "choose.html", context | {"form": choice})
    return _page(request, "times.html", context | _times(request, found, choice.cleaned_data))


def _chosen(clinic: Clinic, data: dict[str, Any]) -> dict[str, Any]:
    at = data["at"].astimezone(clinic.zone)
    found = offers.injector_by_ref(clinic, data["who"])
    return {
        "kind_label": KIND_LABELS.get(data["what"], data["what"]),
        "at": at,
        "injector_name": found.name if found else "Anyone available",
        "back": _book_url(clinic, {k: data[k] for k in ("what", "who")} | _visit(data)),
    }


def _visit(data: Any) -> dict[str, str]:
    return {"visit": "review"} if data.get("what") == "review" else {}


def _book_url(clinic: Clinic, params: dict[str, Any]) -> str:
    url = reverse("booking:book", kwargs={"clinic": clinic.slug})
    return f"{url}?{urlencode(params)}" if params else url


def _first_day(request: HttpRequest, today: date, last: date) -> date:
    try:
        wanted = date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        return today
    return min(max(wanted, today), last)


@dataclass(frozen=True)
class Days:
    """The days one page of times shows (``?from=``), within what the clinic lets book."""

    now: datetime
    today: date
    first: date
    end: date
    last: date

    @classmethod
    def shown(cls, request: HttpRequest, clinic: Clinic) -> Days:
        now = timezone.now()
        today = timezone.localtime(now, clinic.zone).date()
        last = services.last_bookable_day(clinic, now)
        first = _first_day(request, today, last)
        end = min(first + timedelta(days=offers.DAYS_SHOWN - 1), last)
        return cls(now, today, first, end, last)


def _times(request: HttpRequest, clinic: Clinic, choice: dict[str, Any]) -> dict[str, Any]:
    shown = Days.shown(request, clinic)
    users = offers.chosen_users(clinic, choice["who"])
    found = offers.free_offers(
        clinic, users, choice["what"], first_day=shown.first, last_day=shown.end, now=shown.now
    )
    base = {"what": choice["what"], "who": choice["who"]} | _visit(choice)
    days = [
        (day, [(o.at, _book_url(clinic, base | {"at": o.at.isoformat()})) for o in day_offers])
        for day, day_offers in offers.by_day(found)
    ]
    later = shown.end + timedelta(days=1)
    earlier = max(shown.first - timedelta(days=offers.DAYS_SHOWN), shown.today)
    return {
        "days": days,
        "first": shown.first,
        "end": shown.end,
        "kind_label": KIND_LABELS.get(choice["what"], choice["what"]),
        "later": _book_url(clinic, base | {"from": later.isoformat()})
        if later <= shown.last
        else "",
        "earlier": _book_url(clinic, base | {"from": earlier.isoformat()})
        if shown.first > shown.today
        else "",
        "back": _book_url(clinic, _visit(choice)),
    }


def _submit(
    request: HttpRequest, clinic: Clinic, form: DetailsForm, context: dict[str, Any]
) -> HttpResponse:
    try:
        check_submit_rate(request)
    except TooManySubmits:
        message = f"Too many bookings from here in a short time: please call us on {clinic.phone}."
        return _page(request, "closed.html", context | {"message": message}, 429)
    if not form.is_valid():
        if form.has_error("what") or form.has_error("who") or form.has_error("at"):
            choice = ChoiceForm(injectors=offers.injectors(clinic), review=context["review"])
            return _page(request, "choose.html", context | {"form": choice, "restart": True}, 400)
        return _page(request, "details.html", context | _chosen_of(clinic, form), 400)
    try:
        booking = services.book_online(clinic, form.booking_request())
    except NotBookable as refusal:
        form.add_error(None, str(refusal))
        return _page(request, "details.html", context | _chosen_of(clinic, form), 409)
    except SlotTaken as taken:
        nearest = [o.at for o in taken.nearest]
        context |= {"form": form, "reason": str(taken), "nearest": nearest}
        return _page(request, "taken.html", context | _chosen_of(clinic, form), 409)
    except ValidationError as error:
        add_service_errors(form, error)
        return _page(request, "details.html", context | _chosen_of(clinic, form), 400)
    return HttpResponseRedirect(links.manage_path(booking.appointment) + "?booked=1")


def _chosen_of(clinic: Clinic, form: DetailsForm) -> dict[str, Any]:
    return _chosen(clinic, form.cleaned_data) | {"form": form}


# --- the patient's link -------------------------------------------------------------------


def _linked(request: HttpRequest, clinic: Clinic, token: str) -> Appointment | HttpResponse:
    """The appointment the link names, or the page saying why the link does not work."""
    context = {"clinic": clinic}
    try:
        public_id = links.appointment_id_from(token)
    except links.BadLink as bad:
        return _page(
            request, "link_refused.html", context | {"bad": bad}, 410 if bad.expired else 404
        )
    appointment = changes.view_by_link(clinic, public_id)
    if appointment is None:
        return _page(
            request, "link_refused.html", context | {"bad": "This link is not valid."}, 404
        )
    return appointment


LinkedView = Callable[[HttpRequest, Clinic, Appointment], HttpResponse]


def linked_visit(view: LinkedView) -> Callable[..., HttpResponse]:
    """The view gets the clinic and the appointment the link names (followed to its current
    time, the read audited), or the page says why the link does not work."""

    @wraps(view)
    def wrapper(request: HttpRequest, clinic: str, token: str) -> HttpResponse:
        found = _clinic(clinic)
        appointment = _linked(request, found, token)
        if isinstance(appointment, HttpResponse):
            return appointment
        return view(request, found, appointment)

    return wrapper


def _manage_context(clinic: Clinic, appointment: Appointment) -> dict[str, Any]:
    now = timezone.now()
    return {
        "clinic": clinic,
        "appointment": appointment,
        "at": timezone.localtime(appointment.starts_at, clinic.zone),
        "kind_label": KIND_LABELS.get(appointment.kind, appointment.get_kind_display()),
        "injector_name": display_name(appointment.injector) if appointment.injector else "",
        "token": links.manage_token(appointment),
        "why_not": changes.can_change(appointment, now),
        "held": appointment.status == "proposed",
        "messaged": effective_preference(appointment.patient).accepts_messages,
    }


@xframe_options_exempt
@require_GET
@linked_visit
def manage(request: HttpRequest, found: Clinic, appointment: Appointment) -> HttpResponse:
    context = _manage_context(found, appointment)
    context |= {"booked": "booked" in request.GET, "moved": "moved" in request.GET}
    if "move" in request.GET and not context["why_not"]:
        context |= _move_times(request, found, appointment, context["token"])
        return _page(request, "move.html", context)
    return _page(request, "manage.html", context)


def _move_times(
    request: HttpRequest, clinic: Clinic, appointment: Appointment, token: str
) -> dict[str, Any]:
    shown = Days.shown(request, clinic)
    now, first, end, last = shown.now, shown.first, shown.end, shown.last
    found = offers.free_offers(
        clinic,
        [appointment.injector],
        appointment.kind,
        first_day=first,
        last_day=end,
        now=now,
        besides=appointment,
        minutes=appointment.duration_minutes,
    )
    url = reverse("booking:manage", kwargs={"clinic": clinic.slug, "token": token})
    later = end + timedelta(days=1)
    return {
        "days": [(day, [o.at for o in day_offers]) for day, day_offers in offers.by_day(found)],
        "first": first,
        "end": end,
        "later": f"{url}?{urlencode({'move': 1, 'from': later.isoformat()})}"
        if later <= last
        else "",
    }


@csrf_exempt  # the signed token authorises the change (and the page may be framed)
@xframe_options_exempt
@require_POST
@linked_visit
def cancel(request: HttpRequest, found: Clinic, appointment: Appointment) -> HttpResponse:
    try:
        appointment = changes.cancel_by_link(appointment)
    except TooLate as late:
        context = _manage_context(found, appointment) | {"error": str(late)}
        return _page(request, "manage.html", context, 409)
    return _page(request, "manage.html", _manage_context(found, appointment) | {"cancelled": True})


@csrf_exempt
@xframe_options_exempt
@require_POST
@linked_visit
def move(request: HttpRequest, found: Clinic, appointment: Appointment) -> HttpResponse:
    form = MoveForm(request.POST)
    context = _manage_context(found, appointment)
    if not form.is_valid():
        context |= {"error": "Choose one of the times offered."}
        return _page(request, "manage.html", context, 400)
    try:
        moved = changes.reschedule_by_link(appointment, form.cleaned_data["at"])
    except (TooLate, ValidationError) as refused:
        message = str(refused) if isinstance(refused, TooLate) else " ".join(refused.messages)
        return _page(request, "manage.html", context | {"error": message}, 409)
    except SlotTaken as taken:
        context |= _move_times(request, found, appointment, context["token"])
        context |= {"error": str(taken), "nearest": [o.at for o in taken.nearest]}
        return _page(request, "move.html", context, 409)
    return HttpResponseRedirect(links.manage_path(moved) + "?moved=1")


@xframe_options_exempt
@require_GET
@linked_visit
def calendar(request: HttpRequest, found: Clinic, appointment: Appointment) -> HttpResponse:
    """The visit as a calendar file (the confirmation email carries the same)."""
    from glabella.messaging.ics import appointment_ics

    body = appointment_ics(
        uid=f"{appointment.public_id}@glabella",
        starts_at=appointment.starts_at,
        minutes=appointment.duration_minutes,
        summary=f"{appointment.get_kind_display()} at {found.name}",
        location=found.name,
        stamp=timezone.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response


@require_GET
def embed_script(request: HttpRequest) -> HttpResponse:
    """One line on a clinic's site: <script src=".../book/embed.js" data-clinic="slug" async>."""
    return embed_script_response(request, "booking/embed.js")
