"""The Content-Security-Policy's per-response changes (the policy itself is in settings).

Every page is framed by no one (``frame-ancestors 'none'``) except the public pages a clinic
embeds on its own site: the patient chat and the booking pages let that clinic's listed
origins frame them. django-csp reads the changes from the response, as its decorators do.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.http import HttpResponseBase


def allow_framing(response: HttpResponseBase, origins: Iterable[str]) -> HttpResponseBase:
    """Let ``origins`` (and this site) frame ``response``; nobody else."""
    response._csp_replace = {"frame-ancestors": ["'self'", *origins]}  # type: ignore[attr-defined]
    return response


def https_origin(value: str) -> str:
    """``value`` as an origin (``https://host[:port]``, lower case), or a ValidationError."""
    text = value.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ValidationError(f"{text} is not a web address.") from exc
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise ValidationError(f"{text} is not an https address (https://www.example.com).")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValidationError(f"{text} is more than a site's address.")
    if parts.path not in {"", "/"}:
        raise ValidationError(f"{text} has a path: give the site only (https://www.example.com).")
    host = parts.hostname.lower()
    if not all(c.isalnum() or c in ".-" for c in host) or host.startswith("."):
        raise ValidationError(f"{text} has characters a host name cannot have.")
    return f"https://{host}" + (f":{port}" if port and port != 443 else "")
