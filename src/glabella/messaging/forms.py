from typing import Any

from django import forms

from .models import MessagingSettings

MAX_REMINDERS = 4
LONGEST_REMINDER_HOURS = 14 * 24


class TemplateForm(forms.Form):
    subject = forms.CharField(max_length=200, help_text="The email's subject line.")
    body = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Placeholders in braces are filled in for each patient, e.g. {first_name}, "
        "{visit_date}, {visit_time}, {clinic_name}, {phone}, {booking_link}, {manage_link}.",
    )


class SettingsForm(forms.ModelForm):
    """A clinic's message practice (the Twilio account is connected from the command line)."""

    reminder_hours = forms.CharField(
        max_length=40,
        help_text="Hours before a visit at which reminders go, separated by commas (e.g. 48, 2).",
    )

    class Meta:
        model = MessagingSettings
        fields = [
            "quiet_start",
            "quiet_end",
            "reminder_hours",
            "send_hour",
            "review_invite_days_before",
            "recall_closing_days_before",
            "no_show_delay_hours",
            "max_recall_messages",
        ]
        help_texts = {
            "quiet_start": "Clinic time; a message due in the quiet hours waits until they end.",
            "quiet_end": "The same time as the start means no quiet hours.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            hours = self.instance.reminder_hours
            self.initial["reminder_hours"] = ", ".join(str(h) for h in hours)

    def clean_reminder_hours(self) -> list[int]:
        raw = self.cleaned_data["reminder_hours"]
        try:
            hours = sorted({int(part) for part in raw.split(",") if part.strip()}, reverse=True)
        except ValueError as error:
            raise forms.ValidationError("Give whole hours separated by commas.") from error
        if not 1 <= len(hours) <= MAX_REMINDERS:
            raise forms.ValidationError(f"Give one to {MAX_REMINDERS} reminder times.")
        if any(not 1 <= h <= LONGEST_REMINDER_HOURS for h in hours):
            raise forms.ValidationError(
                f"Each reminder goes 1 to {LONGEST_REMINDER_HOURS} hours before the visit."
            )
        return hours
