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

from glabella.accounts.access import ClinicNotChosen, staff_clinic
from glabella.accounts.models import Clinic
from glabella.accounts.roles import can
from glabella.patients.access import get_patient_for_user
from glabella.patients.models import Patient

from . import services
from .access import READ, WRITE, get_appointment_for_user, injectors_of
from .forms import BookingForm, DayForm, StatusForm, booking_initial, display_name
from .models import Appointment, AppointmentStatus

CLINICAL = "patients.read_clinical"


@dataclass(frozen=True)
class Step:
    """A button: the status it moves to, its words, and whether it ends the visit."""

    status: AppointmentStatus
    label: str
    ends_visit: bool = False


# The buttons in the order they appear; each row shows those TRANSITIONS allow.
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
def day(request: HttpRequest) -> HttpResponse:
    try:
        clinic = staff_clinic(request, READ)
    except ClinicNotChosen as choice:
        return render(request, "scheduling/day.html", {"clinic_choices": choice.clinics})
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
    }
    return render(request, "scheduling/day.html", context)


@login_required
@require_POST
def change_status(request: HttpRequest, appointment_id: UUID) -> HttpResponse:
    appointment = get_appointment_for_user(request, appointment_id, WRITE)
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
    injectors = injectors_of(patient.clinic)
    if request.method != "POST":
        initial = booking_initial(request.GET.get("kind", ""), timezone.localdate())
        form = BookingForm(initial=initial, injectors=injectors)
        return _booking_page(request, patient, form)
    form = BookingForm(request.POST, injectors=injectors)
    if not form.is_valid():
        return _booking_page(request, patient, form)
    try:
        booked = services.book_appointment(patient, form.booking_data(), by=request.user)
    except ValidationError as refused:
        form.add_service_errors(refused)
        return _booking_page(request, patient, form)
    messages.success(request, _booked(booked))
    shown = timezone.localdate(booked.starts_at)
    return redirect(_day_url(patient.clinic, shown, None))


def _booking_page(request: HttpRequest, patient: Patient, form: BookingForm) -> HttpResponse:
    context = {"patient": patient, "clinic": patient.clinic, "form": form}
    return render(request, "scheduling/book.html", context)


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
    allowed = services.TRANSITIONS.get(AppointmentStatus(appointment.status), set())
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


def _day_url(clinic: Clinic, shown: date | None, injector: Any) -> str:
    query = {"clinic": clinic.slug}
    if shown is not None:
        query["date"] = shown.isoformat()
    if injector is not None:
        query["injector"] = injector.get_username()
    return f"{reverse('scheduling:day')}?{urlencode(query)}"
