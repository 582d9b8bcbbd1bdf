"""Known devices: a browser where someone has signed in before carries a signed cookie.

Set on every successful sign-in, it names the device (a random id) and the accounts that
signed in on it (keyed hashes of their usernames, at most ``MAX_ACCOUNTS``, the latest
first). The sign-in throttle counts failures on a known device apart from the address and the
username (throttle.py), so an attacker elsewhere, or on the clinic's shared address, cannot
stop staff from signing in on their own computers.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.signing import BadSignature
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

COOKIE = "glabella_device"
SALT = "glabella.accounts.device"
MAX_AGE = timedelta(days=365)
MAX_ACCOUNTS = 5


def username_key(username: str) -> str:
    """A keyed hash of the normalised username: for cookies and cache keys."""
    return salted_hmac(SALT, username.strip().casefold()).hexdigest()[:24]


def known_device(request: HttpRequest | None, username: str) -> str | None:
    """The device id when this browser has signed in as ``username`` before, else None."""
    stored = _read(request)
    if stored is None or username_key(username) not in stored["accounts"]:
        return None
    return str(stored["id"])


def remember_device(request: HttpRequest, response: HttpResponse, username: str) -> None:
    """Add ``username`` to the browser's device cookie (creating the device when new)."""
    stored = _read(request) or {"id": secrets.token_urlsafe(16), "accounts": []}
    key = username_key(username)
    accounts = [key, *(k for k in stored["accounts"] if k != key)][:MAX_ACCOUNTS]
    response.set_signed_cookie(
        COOKIE,
        json.dumps({"id": stored["id"], "accounts": accounts}),
        salt=SALT,
        max_age=int(MAX_AGE.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _read(request: HttpRequest | None) -> dict[str, object] | None:
    if request is None:
        return None
    try:
        raw = request.get_signed_cookie(
            COOKIE, default=None, salt=SALT, max_age=MAX_AGE.total_seconds()
        )
        stored = json.loads(raw) if raw else None
    except (BadSignature, ValueError):
        return None
    if not isinstance(stored, dict) or not isinstance(stored.get("accounts"), list):
        return None
    if not isinstance(stored.get("id"), str):
        return None
    return stored
