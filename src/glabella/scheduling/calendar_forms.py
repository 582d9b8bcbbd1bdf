"""Forms of the calendar pages: the clinic's time zone, lengths and buffer; a week of hours
(the clinic's or an injector's); a closure; time off; removing one."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from glabella.accounts.models import Clinic

from .calendar_edits import SETTINGS_FIELDS
from .forms import aware
from .models import WEEKDAYS
from .slots import MIDNIGHT

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE = forms.DateInput(attrs={"type": "date"})


class CalendarSettingsForm(forms.ModelForm):
    class Meta:
        model = Clinic
        fields = SETTINGS_FIELDS
        labels = {
            "time_zone": "Time zone",
            "buffer_minutes": "Buffer between appointments (minutes)",
            "consultation_minutes": "Consultation (minutes)",
            "treatment_minutes": "Treatment (minutes)",
            "review_minutes": "Two-week review (minutes)",
            "touch_up_minutes": "Touch-up (minutes)",
        }


class WeekHoursForm(forms.Form):
    """Opening and closing time per weekday; both empty: closed that day; closing at 00:00
    is closing at midnight."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day, name in WEEKDAYS:
            self.fields[f"opens_{day}"] = forms.TimeField(
                label=f"{name} opens", required=False, widget=TIME
            )
            self.fields[f"closes_{day}"] = forms.TimeField(
                label=f"{name} closes", required=False, widget=TIME
            )

    @staticmethod
    def initial_for(week: dict[int, tuple[tuple[datetime.time, datetime.time], ...]]) -> dict:
        initial: dict[str, datetime.time] = {}
        for day, spans in week.items():
            if spans:
                initial[f"opens_{day}"] = spans[0][0]
                initial[f"closes_{day}"] = spans[-1][1]
        return initial

    def rows(self) -> list[tuple[str, Any, Any]]:
        return [(name, self[f"opens_{day}"], self[f"closes_{day}"]) for day, name in WEEKDAYS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for day, name in WEEKDAYS:
            opens, closes = data.get(f"opens_{day}"), data.get(f"closes_{day}")
            if (opens is None) != (closes is None):
                self.add_error(f"closes_{day}", f"{name}: give both times, or neither (closed).")
            elif opens is not None and closes <= opens and closes != MIDNIGHT:
                self.add_error(f"closes_{day}", f"{name}: closing must be after opening.")
        return data

    def week(self) -> dict[int, tuple[datetime.time, datetime.time] | None]:
        data = self.cleaned_data
        return {
            day: (data[f"opens_{day}"], data[f"closes_{day}"]) if data.get(f"opens_{day}") else None
            for day, _ in WEEKDAYS
        }


class ClosureForm(forms.Form):
    starts_on = forms.DateField(label="First closed day", widget=DATE)
    ends_on = forms.DateField(label="Last closed day", widget=DATE)
    reason = forms.CharField(label="Reason", max_length=120)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("starts_on"), data.get("ends_on")
        if first and last and last < first:
            self.add_error("ends_on", "The last closed day cannot be before the first.")
        return data


class TimeOffForm(forms.Form):
    starts_on = forms.DateField(label="From (day)", widget=DATE)
    starts_time = forms.TimeField(label="From (time)", widget=TIME)
    ends_on = forms.DateField(label="Until (day)", widget=DATE)
    ends_time = forms.TimeField(label="Until (time)", widget=TIME)
    reason = forms.CharField(label="Reason", max_length=120)

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinic = clinic

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if all(data.get(k) for k in ("starts_on", "starts_time", "ends_on", "ends_time")):
            data["starts_at"] = aware(data["starts_on"], data["starts_time"], self.clinic)
            data["ends_at"] = aware(data["ends_on"], data["ends_time"], self.clinic)
            if data["ends_at"] <= data["starts_at"]:
                raise ValidationError("The time off must end after it starts.")
        return data


class RemoveForm(forms.Form):
    remove = forms.UUIDField()
