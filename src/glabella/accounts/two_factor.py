"""Two-factor sign-in for staff: a TOTP authenticator app (django-otp), enforced in one place.

Enforcement: ``TwoFactorMiddleware`` (accounts/middleware.py) calls ``require_verified_staff``
for every request under ``/staff/`` — the staff area: the assistant's staff pages and the
audit trail. With ``GLABELLA_REQUIRE_TWO_FACTOR`` on, a signed-in user whose session has not
been verified with a code is sent to set up an authenticator app (no confirmed device yet) or
to enter a code (a confirmed device), with ``?next=`` back to the page. A new staff page is
covered by living under ``/staff/``. The public chat, the catalogue, the API and the accounts
pages are not affected; someone not signed in meets the staff views' own ``login_required``.

A device counts once confirmed with a correct code. Wrong codes at verification count in the
same throttle as wrong passwords (``SignInThrottle``) and are audited, as are codes refused
while the throttle asks for a wait; django-otp's own
per-device delay (1, 2, 4 … seconds after consecutive failures) applies on top.
"""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from glabella.audit.models import Action
from glabella.audit.services import record

from .forms import throttled_error
from .throttle import SignInThrottle

STAFF_PREFIX = "/staff/"
WRONG_CODE = (
    "That code did not match. Enter the 6-digit code your authenticator app shows now "
    "(check that your phone's clock is right)."
)


class TwoFactorRequired(Exception):
    """The staff area needs a verified session; ``url_name`` is where to get one."""

    def __init__(self, *, has_device: bool) -> None:
        super().__init__("Two-factor verification is required.")
        self.url_name = "accounts:two-factor-verify" if has_device else "accounts:two-factor-setup"


def require_verified_staff(request: HttpRequest) -> None:
    """Raise ``TwoFactorRequired`` when the setting is on and this session is not verified."""
    if not settings.GLABELLA_REQUIRE_TWO_FACTOR:
        return
    user: Any = request.user
    if not user.is_authenticated or user.is_verified():
        return
    raise TwoFactorRequired(has_device=confirmed_device(user) is not None)


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def pending_device(user: Any) -> TOTPDevice:
    """The user's unconfirmed device, created if there is none (one at a time)."""
    with transaction.atomic():
        # Lock the user row so two tabs opening the setup page do not make two devices.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> SafeString:
    """The device's otpauth:// address as an inline SVG QR code."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, title="QR code for your authenticator app", svgclass="qr-code", lineclass=None
    )
    # segno writes the markup itself; the only text in it, the title, is escaped by segno.
    return mark_safe(svg)  # noqa: S308


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def enable_two_factor(request: HttpRequest, device: TOTPDevice, code: str) -> None:
    """Confirm the pending ``device`` with a code from the app; the session counts as verified."""
    _refuse_while_device_waits(device)
    with transaction.atomic():
        verified = verify_token(request.user, device.persistent_id, code)
        if verified is None:
            raise ValidationError(WRONG_CODE, code="wrong_code")
        verified.confirmed = True
        verified.save(update_fields=["confirmed"])
        record(
            action=Action.OTHER,
            clinic=None,
            actor=request.user,
            request=request,
            detail={"two_factor": "enabled"},
        )
    otp_login(request, verified)


def verify_two_factor(request: HttpRequest, device: TOTPDevice, code: str) -> None:
    """Check a code against the user's confirmed device; on success the session is verified."""
    user: Any = request.user
    throttle = SignInThrottle(request, user.get_username())
    seconds, scope = throttle.wait()
    if scope is not None:
        throttle.refused(seconds, scope, step="two_factor")
        raise throttled_error(seconds)
    _refuse_while_device_waits(device)
    with transaction.atomic():
        verified = verify_token(user, device.persistent_id, code)
        if verified is None:
            record(
                action=Action.SIGN_IN_FAILED,
                clinic=None,
                actor=user,
                request=request,
                detail={"step": "two_factor"},
            )
    if verified is None:
        throttle.failed()
        raise ValidationError(WRONG_CODE, code="wrong_code")
    throttle.succeeded()
    otp_login(request, verified)


def _refuse_while_device_waits(device: TOTPDevice) -> None:
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise ValidationError(
            "Too many wrong codes in a row. Please wait a few seconds and try again.",
            code="wait",
        )
