"""The calendar pages: the week view (per injector or for the clinic) with its tap-to-book
step, and the manager's pages for the clinic's and each injector's hours. Thin: access
helpers decide, services act and audit. Times are shown on the clinic's clocks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from glabella.accounts.access import staff_clinic
from glabella.accounts.decorators import with_clinic
from glabella.accounts.models import Clinic
from glabella.accounts.roles import can
from glabella.patients.services import search_patients

from . import calendar_edits as edits
from .access import READ, WRITE, injectors_of
from .calendar import injector_hours, opening_hours
from .calendar_forms import (
    CalendarSettingsForm,
    ClosureForm,
    RemoveForm,
    TimeOffForm,
    WeekHoursForm,
)
from .forms import DayForm, display_name
from .models import AppointmentKind, Closure, TimeOff
from .week import week_grid

MANAGE = "calendar.manage"
PATIENT_CHOICES = 20


@login_required
@require_safe
@with_clinic(READ, choices="scheduling/week.html")
def week(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    with timezone.override(clinic.zone):
        data = request.GET.copy()
        data["date"] = data.get("week") or ""
        form = DayForm(data, injectors=injectors_of(clinic))
        shown, injector = form.chosen_day(), form.chosen_injector()
        kind = request.GET.get("kind", "")
        kind = kind if kind in AppointmentKind.values else AppointmentKind.TREATMENT
        injectors = [injector] if injector else injectors_of(clinic)
        grid = week_grid(
            clinic,
            shown,
            injectors,
            kind=kind,
            now=timezone.now(),
            by=request.user,
            one_injector=injector is not None,
        )
        context = {
            "clinic": clinic,
            "form": form,
            "grid": grid,
            "injector": injector,
            "kinds": AppointmentKind.choices,
            "can_write": can(request.user, clinic, WRITE),
            "previous_url": _week_url(clinic, grid.monday - timedelta(days=7), injector, kind),
            "next_url": _week_url(clinic, grid.monday + timedelta(days=7), injector, kind),
            "today": timezone.localdate(),
        }
        return render(request, "scheduling/week.html", context)


@login_required
@require_safe
def new_booking(request: HttpRequest) -> HttpResponse:
    """A tapped free slot: choose the patient, then the booking form opens prefilled."""
    clinic = staff_clinic(request, WRITE)
    slot = {k: request.GET.get(k, "") for k in ("kind", "injector", "date", "time")}
    query = request.GET.get("q", "")
    patients = list(search_patients(clinic, query, by=request.user)[:PATIENT_CHOICES])
    prefill = urlencode({k: v for k, v in slot.items() if v})
    context = {"clinic": clinic, "slot": slot, "query": query, "patients": patients}
    context["prefill"] = prefill
    context["injector_name"] = next(
        (display_name(u) for u in injectors_of(clinic) if u.get_username() == slot["injector"]),
        "",
    )
    return render(request, "scheduling/new_booking.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@with_clinic(MANAGE, choices="scheduling/choose_clinic.html")
def clinic_calendar(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    action = request.POST.get("action", "") if request.method == "POST" else ""
    settings_form = CalendarSettingsForm(instance=clinic)
    hours_form = WeekHoursForm(initial=WeekHoursForm.initial_for(opening_hours(clinic)))
    closure_form = ClosureForm()
    done = ""
    if action == "settings":
        settings_form = CalendarSettingsForm(
            request.POST, instance=Clinic.objects.get(pk=clinic.pk)
        )
        if settings_form.is_valid():
            edits.update_calendar_settings(clinic, settings_form.cleaned_data, by=request.user)
            done = "Saved the time zone, lengths and buffer."
    elif action == "hours":
        hours_form = WeekHoursForm(request.POST)
        if hours_form.is_valid():
            edits.set_opening_hours(clinic, hours_form.week(), by=request.user)
            done = "Saved the opening hours."
    elif action == "closure":
        closure_form = ClosureForm(request.POST)
        if closure_form.is_valid():
            data = closure_form.cleaned_data
            edits.add_closure(
                clinic, data["starts_on"], data["ends_on"], data["reason"], by=request.user
            )
            done = "Added the closure."
    elif action == "remove-closure":
        edits.remove_closure(_one(Closure, clinic, request), by=request.user)
        done = "Removed the closure."
    elif request.method == "POST":
        raise Http404("No such change.")
    if done:
        messages.success(request, done)
        return redirect(f"{reverse('scheduling:calendar')}?clinic={clinic.slug}")
    context = {
        "clinic": clinic,
        "settings_form": settings_form,
        "hours_form": hours_form,
        "closure_form": closure_form,
        "closures": Closure.objects.filter(
            clinic=clinic, ends_on__gte=timezone.localdate(timezone=clinic.zone)
        ),
        "injectors": injectors_of(clinic),
    }
    return render(request, "scheduling/calendar.html", context, status=400 if action else 200)


@login_required
@require_http_methods(["GET", "POST"])
def injector_calendar(request: HttpRequest) -> HttpResponse:
    clinic = staff_clinic(request, MANAGE)
    name = request.POST.get("injector") or request.GET.get("injector")
    injector = next((u for u in injectors_of(clinic) if u.get_username() == name), None)
    if injector is None:
        raise Http404("No such injector at this clinic.")
    with timezone.override(clinic.zone):
        return _injector_page(request, clinic, injector)


def _injector_page(request: HttpRequest, clinic: Clinic, injector: Any) -> HttpResponse:
    action = request.POST.get("action", "") if request.method == "POST" else ""
    own = injector_hours(clinic, injector)
    hours_form = WeekHoursForm(initial=WeekHoursForm.initial_for(own or {}))
    time_off_form = TimeOffForm(clinic=clinic)
    done = ""
    if action == "hours":
        hours_form = WeekHoursForm(request.POST)
        if hours_form.is_valid():
            edits.set_injector_hours(clinic, injector, hours_form.week(), by=request.user)
            done = "Saved the working hours."
    elif action == "time-off":
        time_off_form = TimeOffForm(request.POST, clinic=clinic)
        if time_off_form.is_valid():
            data = time_off_form.cleaned_data
            edits.add_time_off(
                clinic,
                injector,
                data["starts_at"],
                data["ends_at"],
                data["reason"],
                by=request.user,
            )
            done = "Added the time off."
    elif action == "remove-time-off":
        rows = TimeOff.objects.filter(injector=injector)
        edits.remove_time_off(_one(TimeOff, clinic, request, rows), by=request.user)
        done = "Removed the time off."
    elif request.method == "POST":
        raise Http404("No such change.")
    url = f"{reverse('scheduling:injector-calendar')}?"
    url += urlencode({"clinic": clinic.slug, "injector": injector.get_username()})
    if done:
        messages.success(request, done)
        return redirect(url)
    context = {
        "clinic": clinic,
        "injector": injector,
        "name": display_name(injector),
        "own_hours": own is not None,
        "hours_form": hours_form,
        "time_off_form": time_off_form,
        "time_off": TimeOff.objects.filter(
            clinic=clinic, injector=injector, ends_at__gte=timezone.now()
        ),
        "page_url": url,
    }
    return render(
        request, "scheduling/injector_calendar.html", context, status=400 if action else 200
    )


def _one(model: Any, clinic: Clinic, request: HttpRequest, rows: Any = None) -> Any:
    form = RemoveForm(request.POST)
    if not form.is_valid():
        raise Http404("Nothing to remove.")
    rows = model.objects.all() if rows is None else rows
    found = rows.filter(clinic=clinic, public_id=form.cleaned_data["remove"]).first()
    if found is None:
        raise Http404("Nothing to remove.")
    return found


def _week_url(clinic: Clinic, monday: Any, injector: Any, kind: str) -> str:
    query = {"clinic": clinic.slug, "week": monday.isoformat(), "kind": kind}
    if injector is not None:
        query["injector"] = injector.get_username()
    return f"{reverse('scheduling:week')}?{urlencode(query)}"
