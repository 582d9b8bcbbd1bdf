"""add_service_errors: a service's ValidationError lands beside the fields it names."""

from django import forms
from django.core.exceptions import ValidationError

from glabella.core.forms import add_service_errors


class VisitForm(forms.Form):
    day = forms.DateField()
    time = forms.TimeField()


def _valid_form() -> VisitForm:
    form = VisitForm({"day": "2026-12-03", "time": "10:00"})
    assert form.is_valid()
    return form


def test_field_errors_go_beside_their_fields_and_the_rest_above_the_form() -> None:
    form = _valid_form()
    error = ValidationError({"day": "The clinic is closed.", "injector": "Not working then."})

    add_service_errors(form, error)

    assert form.errors["day"] == ["The clinic is closed."]
    assert form.non_field_errors() == ["Not working then."]
    assert "day" not in form.cleaned_data


def test_a_renamed_field_lands_on_the_form_field_it_maps_to() -> None:
    form = _valid_form()

    add_service_errors(
        form, ValidationError({"starts_at": "Taken."}), renamed={"starts_at": "time"}
    )

    assert form.errors["time"] == ["Taken."]
    assert form.non_field_errors() == []


def test_an_error_without_fields_goes_above_the_form() -> None:
    form = _valid_form()

    add_service_errors(form, ValidationError(["First problem.", "Second problem."]))

    assert form.non_field_errors() == ["First problem.", "Second problem."]
