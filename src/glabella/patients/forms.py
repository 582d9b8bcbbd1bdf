from __future__ import annotations

from typing import Any

from django import forms

from .models import CLINICAL_FIELDS, DEMOGRAPHIC_FIELDS, Patient, allergen_choices, medicine_choices

DATE_FORMATS = ["%Y-%m-%d", "%m/%d/%Y"]


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        label="Name, phone or date of birth",
        max_length=100,
        required=False,
        help_text="For a date of birth type YYYY-MM-DD or MM/DD/YYYY.",
    )


class DemographicsForm(forms.ModelForm):  # type: ignore[type-arg]
    date_of_birth = forms.DateField(
        input_formats=DATE_FORMATS,
        help_text="YYYY-MM-DD or MM/DD/YYYY.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    class Meta:
        model = Patient
        fields = DEMOGRAPHIC_FIELDS
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "email": forms.TextInput(attrs={"type": "email", "autocomplete": "off"}),
        }
        labels = {"consent_to_contact": "Agrees to be contacted (reminders, recalls)"}


class ClinicalForm(forms.ModelForm):  # type: ignore[type-arg]
    allergies = forms.MultipleChoiceField(
        choices=allergen_choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    medicines = forms.MultipleChoiceField(
        choices=medicine_choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Patient
        fields = CLINICAL_FIELDS
        labels = {
            "swallowing_or_breathing_difficulty": "Trouble swallowing or breathing",
            "neuromuscular_disorder": "Neuromuscular disorder (e.g. myasthenia gravis)",
            "previous_reaction": "Earlier reaction to a botulinum toxin",
            "facial_anatomy_caution": "Facial anatomy needing caution",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clinical_notes"].widget.attrs["rows"] = 6


class RegistrationForm(DemographicsForm):
    """The staff registration form: its one-time key makes a second submit (a double click)
    return the first one's patient; ``confirm_new`` registers over a duplicate warning."""

    registration_key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    confirm_new = forms.BooleanField(
        required=False,
        label="I checked: this is a different person. Register a new record.",
    )

    class Meta(DemographicsForm.Meta):
        pass


class PairForm(forms.Form):
    """The other record of a possible-duplicate pair (merge into it, or mark it different)."""

    other = forms.UUIDField(widget=forms.HiddenInput)
