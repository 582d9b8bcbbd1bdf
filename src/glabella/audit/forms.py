from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from .models import Action


class EventFilterForm(forms.Form):
    """The audit page's filters (GET). Every field is optional."""

    actor = forms.CharField(label="Who (username)", max_length=150, required=False)
    action = forms.ChoiceField(
        label="Action", choices=[("", "Any action"), *Action.choices], required=False
    )
    object_type = forms.CharField(
        label="Object type",
        max_length=100,
        required=False,
        help_text="For example assistant.handoff",
    )
    patient = forms.UUIDField(label="Patient id", required=False)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def filters(self) -> dict[str, Any]:
        """The valid filters as lookups for ``services.view_trail``; invalid ones are shown
        as errors on the form and not applied."""
        self.is_valid()
        data = self.cleaned_data
        lookups: dict[str, Any] = {}
        if data.get("actor"):
            lookups["actor_label__iexact"] = data["actor"].strip()
        if data.get("action"):
            lookups["action"] = data["action"]
        if data.get("object_type"):
            lookups["object_type"] = data["object_type"].strip()
        if data.get("patient"):
            lookups["patient_id"] = data["patient"]
        if data.get("date_from"):
            lookups["start"] = _start_of(data["date_from"])
        if data.get("date_to"):
            lookups["end"] = _start_of(data["date_to"] + timedelta(days=1))  # the whole day
        return lookups


def _start_of(day: date) -> datetime:
    """Midnight at the start of ``day`` in the current time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))
