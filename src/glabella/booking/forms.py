"""The booking page's forms: the choice (what and with whom) read from the query string,
and the patient's details posted with the chosen time and the form's one-time key."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from glabella.messaging.phone import to_e164
from glabella.patients.models import validate_date_of_birth
from glabella.scheduling.models import AppointmentKind

from .services import BookingRequest

KIND_LABELS = {
    AppointmentKind.CONSULTATION: "Consultation (first visit)",
    AppointmentKind.TREATMENT: "Treatment",
    AppointmentKind.REVIEW: "Two-week review",
}
CHANNELS = [("sms", "Text message"), ("email", "Email")]


def kind_choices(review: bool) -> list[tuple[str, str]]:
    kinds = [AppointmentKind.CONSULTATION, AppointmentKind.TREATMENT]
    if review:  # only from the review link sent after a treatment
        kinds = [AppointmentKind.REVIEW]
    return [(str(k), KIND_LABELS[k]) for k in kinds]


class ChoiceForm(forms.Form):
    what = forms.ChoiceField(label="What would you like to book?", widget=forms.RadioSelect)
    who = forms.ChoiceField(label="With whom?")

    def __init__(self, *args: Any, injectors: list[Any], review: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["what"].choices = kind_choices(review)
        self.fields["who"].choices = [("any", "Anyone available")] + [
            (i.ref, i.name) for i in injectors
        ]


def _aware(at: datetime) -> datetime:
    if timezone.is_naive(at):  # the page's times carry their offset; a typed one may not
        raise forms.ValidationError("Choose one of the times offered.")
    return at


class MoveForm(forms.Form):
    at = forms.DateTimeField()

    def clean_at(self) -> datetime:
        return _aware(self.cleaned_data["at"])


class TimeForm(ChoiceForm):
    at = forms.DateTimeField()

    def clean_at(self) -> datetime:
        return _aware(self.cleaned_data["at"])


class DetailsForm(TimeForm):
    key = forms.UUIDField(widget=forms.HiddenInput)
    first_name = forms.CharField(label="First name", max_length=100)
    last_name = forms.CharField(label="Last name", max_length=100)
    date_of_birth = forms.DateField(
        label="Date of birth",
        validators=[validate_date_of_birth],
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )
    phone = forms.CharField(
        label="Mobile phone",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label="Email", required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    consent = forms.BooleanField(
        label="Send me messages about my appointments (confirmation, reminders, changes).",
        required=False,
    )
    channel = forms.ChoiceField(
        label="Send them by", choices=CHANNELS, initial="sms", widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4())
        for name in ("what", "who", "at"):
            self.fields[name].widget = forms.HiddenInput()

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and to_e164(phone) is None:
            raise forms.ValidationError("Check the phone number.")
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        phone, email = data.get("phone"), data.get("email")
        if "phone" in data and "email" in data and not phone and not email:
            raise forms.ValidationError("Give a mobile phone number or an email address.")
        channel = data.get("channel")
        if data.get("consent") and channel == "sms" and "phone" in data and not phone:
            self.add_error("phone", "Give a mobile number for text messages.")
        if data.get("consent") and channel == "email" and "email" in data and not email:
            self.add_error("email", "Give an email address for email.")
        return data

    def booking_request(self) -> BookingRequest:
        data = self.cleaned_data
        return BookingRequest(
            kind=data["what"],
            who=data["who"],
            starts_at=data["at"],
            first_name=data["first_name"].strip(),
            last_name=data["last_name"].strip(),
            date_of_birth=data["date_of_birth"],
            phone=data["phone"],
            email=data["email"].strip(),
            consent=bool(data["consent"]),
            channel=data["channel"],
            key=data["key"],
        )
