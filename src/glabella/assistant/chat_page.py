"""What the empty chat page depends on, for the shared page cache (``core/page_cache.py``):
the clinic (its row, by last change, and its assistant's content revision), the page's
language and which address serves it (/ask or /c/<clinic>/ask)."""

from __future__ import annotations

from django.http import HttpRequest

from .cached_state import assistant_revision
from .clinics import NoClinic, clinic_by_slug
from .page_language import chat_language

VARY = ("Accept-Language",)


def chat_page_key(request: HttpRequest, clinic: str | None = None) -> tuple[object, ...] | None:
    try:
        found = clinic_by_slug(clinic)
    except NoClinic:
        return None  # the view answers 404
    language = chat_language(request.GET.get("lang"), request.headers.get("Accept-Language", ""))
    address = request.resolver_match.url_name if request.resolver_match else ""
    return (found.pk, found.updated_at.isoformat(), assistant_revision(found), language, address)
