"""Forms of the appointments page: which day and injector to show, and a status change."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from .models import AppointmentStatus


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
