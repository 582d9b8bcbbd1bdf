"""Form helpers shared by the apps' pages."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError

NO_RENAMES: Mapping[str, str] = {}


def add_service_errors(
    form: forms.BaseForm, error: ValidationError, *, renamed: Mapping[str, str] = NO_RENAMES
) -> None:
    """Show a service's ``ValidationError`` on ``form``: each message beside the field it names
    (or the form field ``renamed`` maps that name to), the rest above the form."""
    found = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, messages in found.items():
        shown = renamed.get(field, field) if field else None
        form.add_error(shown if shown in form.fields else None, messages)
