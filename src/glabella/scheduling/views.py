"""The front desk's appointments pages (the day sheet, booking): thin; access helpers decide,
services act and audit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from glabella.accounts.decorators import with_clinic
from glabella.accounts.models import Clinic
from glabella.accounts.roles import can
from glabella.core.forms import add_service_errors
from glabella.patients.access import get_patient_for_user
from glabella.patients.models import Patient

from . import services
from .access import READ, WRITE, get_appointment_for_user, injectors_of
from .calendar import free_slots_by_injector
from .forms import (
    BOOKING_ERROR_FIELDS,
    BookingForm,
    DayForm,
    SlotFinderForm,
    StatusForm,
    booking_initial,
    display_name,
)
from .models import Appointment, AppointmentStatus, kind_minutes

CLINICAL = "patients.read_clinical"


@dataclass(frozen=True)
class Step:
    """A button: the status it moves to, its words, and whether it ends the visit."""

    status: AppointmentStatus
    label: str
    ends_visit: bool = False


# The buttons in the order they appear; each row shows those its status and time allow
# (services.allowed_statuses: no "Arrived" before the day, no "No-show" before the start).
STEPS = [
    Step(AppointmentStatus.BOOKED, "Confirm"),
    Step(AppointmentStatus.ARRIVED, "Arrived"),
    Step(AppointmentStatus.COMPLETED, "Completed"),
    Step(AppointmentStatus.CANCELLED, "Cancel", ends_visit=True),
    Step(AppointmentStatus.NO_SHOW, "No-show", ends_visit=True),
]


@dataclass(frozen=True)
class Row:
    appointment: Appointment
    steps: list[Step]


@dataclass(frozen=True)
class InjectorGroup:
    name: str
    rows: list[Row]


@login_required
@require_safe
@with_clinic(READ, choices="scheduling/day.html")
def day(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    with timezone.override(clinic.zone):
        return _day_page(request, clinic)


def _day_page(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    data = request.GET.copy()
    data["date"] = data.get("date") or timezone.localdate().isoformat()  # shown in the picker
    form = DayForm(data, injectors=injectors_of(clinic))
    shown, injector = form.chosen_day(), form.chosen_injector()
    sheet = services.appointments_on(clinic, shown, by=request.user, injector=injector)
    context = {
        **_row_context(request, clinic, shown, injector),
        "form": form,
        "day": shown,
        "today": timezone.localdate(),
        "previous_url": _day_url(clinic, shown - timedelta(days=1), injector),
        "next_url": _day_url(clinic, shown + timedelta(days=1), injector),
        "today_url": _day_url(clinic, None, injector),
        "to_confirm": [_row(a) for a in sheet.to_confirm],
        "groups": _by_injector(sheet.appointments),
        "week_url": week_url(clinic, shown, injector),
    }
    return render(request, "scheduling/day.html", context)


@login_required
@require_POST
def change_status(request: HttpRequest, appointment_id: UUID) -> HttpResponse:
    appointment = get_appointment_for_user(request, appointment_id, WRITE)
    with timezone.override(appointment.clinic.zone):
        return _change_status(request, appointment)


def _change_status(request: HttpRequest, appointment: Appointment) -> HttpResponse:
    form = StatusForm(request.POST)
    error = _apply(request, appointment, form)
    back = form.cleaned_data  # the valid fields, even when the status was refused
    shown = back.get("date") or timezone.localdate(appointment.starts_at)
    injector = _injector_named(appointment.clinic, back.get("injector") or "")
    if request.htmx:  # type: ignore[attr-defined]
        context = {
            **_row_context(request, appointment.clinic, shown, injector),
            "row": _row(appointment),
            "section": back.get("section") or "day",
            "error": error,
        }
        return render(request, "scheduling/_row.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _done(appointment))
    return redirect(_day_url(appointment.clinic, shown, injector))


@login_required
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = get_patient_for_user(request, patient_id, WRITE)
    with timezone.override(patient.clinic.zone):
        return _book(request, patient)


def _book(request: HttpRequest, patient: Patient) -> HttpResponse:
    clinic = patient.clinic
    injectors = injectors_of(clinic)
    if request.method != "POST":
        initial = booking_initial(request.GET, clinic, timezone.localdate())
        form = BookingForm(initial=initial, injectors=injectors, clinic=clinic)
        return _booking_page(request, patient, form)
    form = BookingForm(request.POST, injectors=injectors, clinic=clinic)
    if not form.is_valid():
        return _booking_page(request, patient, form)
    try:
        booked = services.book_appointment(patient, form.booking_data(), by=request.user)
    except ValidationError as refused:
        add_service_errors(form, refused, renamed=BOOKING_ERROR_FIELDS)
        return _booking_page(request, patient, form)
    messages.success(request, _booked(booked))
    shown = timezone.localdate(booked.starts_at)
    return redirect(_day_url(patient.clinic, shown, None))


def _booking_page(request: HttpRequest, patient: Patient, form: BookingForm) -> HttpResponse:
    context = {"patient": patient, "clinic": patient.clinic, "form": form}
    return render(request, "scheduling/book.html", context)


SLOT_FINDER_DAYS = 7  # the finder shows a week of free times from the chosen day
SLOTS_PER_DAY = 12  # per injector, so the list stays readable on a tablet


@login_required
@require_safe
def find_slots(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    """The booking form's free-slot finder (an HTMX fragment; a page without HTMX): each
    chosen injector's free times for the kind, as links that fill the booking form."""
    patient = get_patient_for_user(request, patient_id, WRITE)
    clinic = patient.clinic
    form = SlotFinderForm(request.GET)
    context: dict[str, Any] = {"patient": patient, "clinic": clinic, "form": form, "days": []}
    if form.is_valid():
        with timezone.override(clinic.zone):
            context["days"] = _free_days(clinic, form.cleaned_data)
    template = "scheduling/_slots.html" if request.htmx else "scheduling/slots.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@dataclass(frozen=True)
class FreeDay:
    day: date
    injectors: list[tuple[Any, list[Any]]]  # (injector, their first free starts)


def _free_days(clinic: Clinic, asked: dict[str, Any]) -> list[FreeDay]:
    everyone = injectors_of(clinic)
    chosen = [u for u in everyone if u.get_username() == asked["injector"]] or everyone
    minutes = asked["duration_minutes"] or kind_minutes(clinic, asked["kind"])
    first, last = asked["date"], asked["date"] + timedelta(days=SLOT_FINDER_DAYS - 1)
    now = timezone.now()
    found = free_slots_by_injector(
        clinic, chosen, first_day=first, last_day=last, minutes=minutes, now=now
    )
    days = []
    for offset in range(SLOT_FINDER_DAYS):
        shown = first + timedelta(days=offset)
        per = [(u, [s for s in found[u] if s.date() == shown][:SLOTS_PER_DAY]) for u in chosen]
        per = [(u, starts) for u, starts in per if starts]
        if per:
            days.append(FreeDay(shown, per))
    return days


def _booked(appointment: Appointment) -> str:
    when = timezone.localtime(appointment.starts_at)
    return (
        f"Booked {appointment.patient.full_name}'s {appointment.get_kind_display().lower()} on "
        f"{when:%Y-%m-%d at %H:%M} ({appointment.duration_minutes} min) with "
        f"{display_name(appointment.injector)}."
    )


def _apply(request: HttpRequest, appointment: Appointment, form: StatusForm) -> str:
    """Change the status; the refusal's words, or "" when it changed."""
    if not form.is_valid():
        return " ".join(form.errors.get("status", ["Choose what happened."]))
    try:
        changed = services.set_status(appointment, form.cleaned_data["status"], by=request.user)
    except ValidationError as refused:
        appointment.refresh_from_db(fields=["status"])  # someone may have moved it meanwhile
        return " ".join(refused.messages)
    appointment.status = changed.status
    return ""


def _injector_named(clinic: Clinic, username: str) -> Any:
    if not username:
        return None
    return next((u for u in injectors_of(clinic) if u.get_username() == username), None)


def _done(appointment: Appointment) -> str:
    when = timezone.localtime(appointment.starts_at)
    return (
        f"{appointment.patient.full_name}'s {appointment.get_kind_display().lower()} on "
        f"{when:%Y-%m-%d at %H:%M}: {appointment.get_status_display().lower()}."
    )


def _row(appointment: Appointment) -> Row:
    allowed = services.allowed_statuses(appointment, timezone.now())
    return Row(appointment, [step for step in STEPS if step.status in allowed])


def _by_injector(appointments: list[Appointment]) -> list[InjectorGroup]:
    """Each injector's appointments in time order; the unassigned come last."""
    groups: dict[Any, list[Row]] = {}
    for appointment in appointments:
        groups.setdefault(appointment.injector, []).append(_row(appointment))
    named = sorted(
        (InjectorGroup(display_name(user), rows) for user, rows in groups.items() if user),
        key=lambda group: group.name.lower(),
    )
    unassigned = [InjectorGroup("No injector yet", groups[None])] if None in groups else []
    return named + unassigned


def _row_context(
    request: HttpRequest, clinic: Clinic, shown: date, injector: Any
) -> dict[str, Any]:
    """What every row needs: may the user act, see the treatment, and where to come back."""
    return {
        "clinic": clinic,
        "can_write": can(request.user, clinic, WRITE),
        "clinical": can(request.user, clinic, CLINICAL),
        "return_date": shown,
        "return_injector": injector.get_username() if injector else "",
    }


def week_url(clinic: Clinic, shown: date, injector: Any) -> str:
    query = {"clinic": clinic.slug, "week": shown.isoformat()}
    if injector is not None:
        query["injector"] = injector.get_username()
    return f"{reverse('scheduling:week')}?{urlencode(query)}"


def _day_url(clinic: Clinic, shown: date | None, injector: Any) -> str:
    query = {"clinic": clinic.slug}
    if shown is not None:
        query["date"] = shown.isoformat()
    if injector is not None:
        query["injector"] = injector.get_username()
    return f"{reverse('scheduling:day')}?{urlencode(query)}"
