"""Forms of the appointments pages: which day and injector to show, a status change, and
booking a visit for a patient."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from glabella.accounts.models import Clinic

from .models import AppointmentKind, AppointmentStatus, kind_minutes
from .services import NOTE_LENGTH, duration_bounds
from .slots import next_weekday


def display_name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


class DayForm(forms.Form):
    """The page's filters (GET). Both are optional: today, every injector."""

    date = forms.DateField(
        label="Day", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    injector = forms.ChoiceField(label="Injector", required=False)

    def __init__(self, *args: Any, injectors: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.injectors = {user.get_username(): user for user in injectors}
        self.fields["injector"].choices = [
            ("", "Every injector"),
            *((name, display_name(user)) for name, user in self.injectors.items()),
        ]

    def chosen_day(self) -> datetime.date:
        """The valid day asked for, else today (a bad date shows as an error on the form)."""
        self.is_valid()
        return self.cleaned_data.get("date") or timezone.localdate()

    def chosen_injector(self) -> Any:
        self.is_valid()
        return self.injectors.get(self.cleaned_data.get("injector") or "")


class StatusForm(forms.Form):
    """One button of a row: the status the appointment moves to, and where to go back."""

    status = forms.ChoiceField(
        choices=AppointmentStatus.choices,
        error_messages={"invalid_choice": "“%(value)s” is not an appointment status."},
    )
    # The day and injector the page showed, so the desk returns to the same view.
    date = forms.DateField(required=False)
    injector = forms.CharField(required=False, max_length=150)
    section = forms.ChoiceField(choices=[("day", "day"), ("confirm", "confirm")], required=False)


# Where the booking service's field errors show on the booking form.
BOOKING_ERROR_FIELDS = {"starts_at": "time"}


class BookingForm(forms.Form):
    """Booking a visit for one patient; the service checks times, injector and overlaps."""

    kind = forms.ChoiceField(label="Kind of appointment", choices=AppointmentKind.choices)
    injector = forms.ChoiceField(
        label="Injector",
        error_messages={"invalid_choice": "Choose one of the injectors of this clinic."},
    )
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(
        label="Start time", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duration_minutes = forms.IntegerField(label="Length (minutes)", required=False)
    note = forms.CharField(
        label="Note for the day sheet", required=False, max_length=NOTE_LENGTH, strip=True
    )

    def __init__(self, *args: Any, injectors: list[Any], clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        self.injectors = {user.get_username(): user for user in injectors}
        self.fields["injector"].choices = [
            ("", "Choose an injector"),
            *((name, display_name(user)) for name, user in self.injectors.items()),
        ]
        usual = ", ".join(f"{k.label.lower()} {kind_minutes(clinic, k)}" for k in AppointmentKind)
        self.fields[
            "duration_minutes"
        ].help_text = f"Leave empty for the usual length of the kind: {usual} minutes."
        low, high = duration_bounds()
        self.fields["duration_minutes"].widget.attrs.update(min=low, max=high, step=5)

    def booking_data(self) -> dict[str, Any]:
        """The cleaned form as the booking service's ``data``."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "injector": self.injectors.get(data["injector"]),
            "starts_at": aware(data["date"], data["time"], self.clinic),
            "duration_minutes": data["duration_minutes"],
            "note": data["note"],
        }


def aware(day: datetime.date, at: datetime.time, clinic: Clinic) -> datetime.datetime:
    """``day`` at ``at`` on the clinic's clocks (a time skipped by a clock change reads as
    the time after the change; a repeated one as its first occurrence)."""
    wall = datetime.datetime.combine(day, at, tzinfo=clinic.zone)
    return wall.astimezone(datetime.UTC).astimezone(clinic.zone)


class PrefillForm(forms.Form):
    """What a tapped free slot or the slot finder puts in the empty booking form (GET)."""

    kind = forms.ChoiceField(choices=AppointmentKind.choices, required=False)
    injector = forms.CharField(max_length=150, required=False)
    date = forms.DateField(required=False)
    time = forms.TimeField(required=False)


def booking_initial(query: Any, clinic: Clinic, today: datetime.date) -> dict[str, Any]:
    """The empty form: what the query asks for (kind, injector, date, time) where valid, else
    a treatment on the next weekday at 09:00."""
    asked = PrefillForm(query)
    asked.is_valid()
    data = {k: v for k, v in asked.cleaned_data.items() if v}
    chosen = AppointmentKind(data.get("kind") or AppointmentKind.TREATMENT)
    return {
        "kind": chosen,
        "injector": data.get("injector", ""),
        "date": data.get("date") or first_weekday_after(today),
        "time": data.get("time") or datetime.time(9, 0),
        "duration_minutes": kind_minutes(clinic, chosen),
    }


class SlotFinderForm(forms.Form):
    """The booking form's slot finder (HTMX GET): free times from a day, for an injector or
    all of them, for the kind's usual length unless a length is given."""

    kind = forms.ChoiceField(choices=AppointmentKind.choices)
    injector = forms.CharField(max_length=150, required=False)
    date = forms.DateField()
    duration_minutes = forms.IntegerField(required=False)

    def clean_duration_minutes(self) -> int | None:
        minutes = self.cleaned_data.get("duration_minutes")
        low, high = duration_bounds()
        if minutes is not None and not low <= minutes <= high:
            raise ValidationError(f"An appointment lasts from {low} to {high} minutes.")
        return minutes


def first_weekday_after(today: datetime.date) -> datetime.date:
    return next_weekday(today + datetime.timedelta(days=1))
