import re
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from .throttle import SignInThrottle

CODE = re.compile(r"[0-9]{6}")


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, refusing further tries after repeated failures."""

    def clean(self) -> dict[str, Any]:
        throttle = SignInThrottle(self.request, self.data.get("username", ""))
        if throttle.blocked():
            raise ValidationError(
                "Too many failed sign-ins. Please wait %(minutes)d minutes and try again.",
                code="throttled",
                params={"minutes": throttle.minutes},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            throttle.failed()
            raise
        throttle.succeeded()
        return cleaned


class TwoFactorCodeForm(forms.Form):
    """The 6-digit code from an authenticator app; spaces are ignored."""

    code = forms.CharField(label="6-digit code", max_length=20)

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not CODE.fullmatch(code):
            raise ValidationError("Enter the 6 digits your authenticator app shows.", code="format")
        return code
