from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from .throttle import SignInThrottle


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
