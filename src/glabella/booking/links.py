"""The patient's links to a booking: signed (``django.core.signing``, a salt of their own)
and expiring (``max_age``). Holding the link is what authorises seeing, moving or
cancelling that one appointment; a forged or altered link is refused, an old one expires.

``manage_url(appointment)`` is what a confirmation message links to (reschedule or cancel).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

MANAGE_SALT = "glabella.booking.manage"
# Long enough for a visit booked weeks ahead; a link to a visit that has started is refused
# anyway (``services``).
MANAGE_MAX_AGE = timedelta(days=120)


class BadLink(Exception):
    """The link is forged, altered or too old."""

    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


def manage_token(appointment: Any) -> str:
    return signing.dumps({"a": str(appointment.public_id)}, salt=MANAGE_SALT, compress=True)


def appointment_id_from(token: str) -> str:
    """The appointment's public id the token names; ``BadLink`` otherwise."""
    try:
        value = signing.loads(token, salt=MANAGE_SALT, max_age=MANAGE_MAX_AGE)
    except signing.SignatureExpired as error:
        raise BadLink("This link has expired.", expired=True) from error
    except signing.BadSignature as error:
        raise BadLink("This link is not valid.") from error
    if not isinstance(value, dict) or not isinstance(value.get("a"), str):
        raise BadLink("This link is not valid.")
    return value["a"]


def manage_path(appointment: Any) -> str:
    return reverse(
        "booking:manage",
        kwargs={"clinic": appointment.clinic.slug, "token": manage_token(appointment)},
    )


def manage_url(appointment: Any) -> str:
    """The absolute link to see, move or cancel ``appointment`` (for messages)."""
    return settings.SITE_URL + manage_path(appointment)
