import re
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from glabella.core.csp import https_origin

from .throttle import SignInThrottle, describe_wait

CODE = re.compile(r"[0-9]{6}")


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, asking for a growing wait after repeated failures (throttle.py).

    While a wait runs the password is not checked; the refused attempt is audited.
    """

    retry_after = 0  # seconds, when refused for the wait

    def clean(self) -> dict[str, Any]:
        throttle = SignInThrottle(self.request, self.data.get("username", ""))
        seconds, scope = throttle.wait()
        if scope is not None:
            throttle.refused(seconds, scope)
            self.retry_after = seconds
            raise throttled_error(seconds)
        try:
            cleaned = super().clean()
        except ValidationError:
            throttle.failed()
            raise
        throttle.succeeded()
        return cleaned


def throttled_error(seconds: int) -> ValidationError:
    return ValidationError(
        "Too many failed sign-ins. Please wait %(wait)s and try again.",
        code="throttled",
        params={"wait": describe_wait(seconds)},
    )


class TwoFactorCodeForm(forms.Form):
    """The 6-digit code from an authenticator app; spaces are ignored."""

    code = forms.CharField(label="6-digit code", max_length=20)

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not CODE.fullmatch(code):
            raise ValidationError("Enter the 6 digits your authenticator app shows.", code="format")
        return code


class FramingOriginsField(forms.CharField):
    """The clinic's own sites allowed to frame its public pages: one https origin a line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Sites that may show the chat and booking pages in a frame")
        kwargs.setdefault(
            "help_text",
            "One address a line, e.g. https://www.example-clinic.com. Left empty, only "
            "Glabella's own pages (and the embed script's frame on them) can show them.",
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        origins: list[str] = []
        errors: list[ValidationError] = []
        for line in str(value or "").split():
            try:
                origin = https_origin(line)
            except ValidationError as error:
                errors.append(error)
                continue
            if origin not in origins:
                origins.append(origin)
        if errors:
            raise ValidationError(errors)
        return origins
