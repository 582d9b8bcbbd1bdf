"""Forms of the staff pages (knowledge-base entries, the handoff inbox) and of the patient
chat (a question, contact details); the chat's labels and messages are translated."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from .contact_details import EMAIL_LENGTH, NAME_LENGTH, ContactDetails
from .models import EntryStatus, EntryVersion
from .services import EntryText


def topic_field() -> forms.SlugField:
    return forms.SlugField(
        max_length=60,
        widget=forms.TextInput(attrs={"list": "topic-options"}),
        help_text="Lowercase words joined by hyphens or underscores, e.g. aftercare.",
    )


def answer_field(rows: int) -> forms.CharField:
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text="Markdown. Placeholders such as {phone} are replaced with the clinic's "
        "values when patients see the answer.",
    )


class EntryForm(forms.Form):
    topic = topic_field()
    title = forms.CharField(
        label="Question",
        max_length=300,
        help_text="The question as a patient would ask it; shown as the answer's title.",
    )
    phrasings = forms.CharField(
        label="Other ways patients ask it",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One per line. They help the assistant recognise the question.",
    )
    answer = answer_field(rows=10)
    source = forms.CharField(
        max_length=500, required=False, help_text="Where the answer comes from (optional)."
    )
    change_note = forms.CharField(
        max_length=300,
        required=False,
        help_text="What changed and why, for the approver and the version history.",
    )

    def entry_text(self) -> EntryText:
        data = self.cleaned_data
        return EntryText(
            topic=data["topic"],
            title=data["title"],
            answer=data["answer"],
            phrasings=tuple(data["phrasings"].splitlines()),
            source=data["source"],
        )

    @staticmethod
    def initial_from(version: EntryVersion) -> dict[str, str]:
        """The form filled with a version's text; each phrasing kept on one line."""
        return {
            "topic": version.entry.topic,
            "title": version.title,
            "phrasings": "\n".join(" ".join(p.split()) for p in version.phrasings),
            "answer": version.answer,
            "source": version.source,
        }


class NewEntryForm(EntryForm):
    change_note = None  # a new entry's first version is noted "created"


class EntryFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any status"), *EntryStatus.choices], required=False)
    topic = forms.ChoiceField(choices=[("", "Any topic")], required=False)

    def __init__(self, *args: Any, topics: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", "Any topic"), *((t, t) for t in topics)]

    def filters(self) -> dict[str, str]:
        """The valid, chosen filters; an unknown value is ignored rather than an error."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class ApproveForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    note = forms.CharField(
        label="Change note",
        max_length=200,
        help_text="What changed, or what you checked: kept with the approval.",
        error_messages={"required": "Write a change note before approving."},
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label="Your reply",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What you told, or will tell, the patient.",
    )


class SaveAsEntryForm(forms.Form):
    topic = topic_field()
    title = forms.CharField(
        label="Question",
        max_length=300,
        help_text="The question in general words. The patient's own words are added as a phrasing.",
    )
    answer = answer_field(rows=8)

    def entry_text(self) -> EntryText:
        data = self.cleaned_data
        return EntryText(topic=data["topic"], title=data["title"], answer=data["answer"])


# --- the patient chat -------------------------------------------------------------------


class QuestionForm(forms.Form):
    question = forms.CharField(
        max_length=2000,
        error_messages={
            "required": gettext_lazy("Please type a question."),
            "max_length": gettext_lazy("Please keep questions under 2,000 characters."),
        },
    )
    # An entry the patient picked from "Did you mean…"; the assistant checks it is theirs.
    chosen_entry = forms.CharField(max_length=64, required=False)


class ContactForm(forms.Form):
    """Optional: how the clinic may reach the patient about a handed-over message."""

    name = forms.CharField(
        label=gettext_lazy("Your name"),
        max_length=NAME_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone number"),
        # Longer than any number, so a mistyped one gets the phone message, not a length one.
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.CharField(
        label=gettext_lazy("Email address"),
        max_length=EMAIL_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "email"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        try:
            self.details = ContactDetails(data["name"], data["phone"], data["email"]).clean()
        except ValidationError as exc:
            self.add_error(None, exc)
        return data
