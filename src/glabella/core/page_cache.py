"""Public pages that are the same for every visitor, kept whole in the shared cache.

``same_for_visitors(key)`` wraps a view: for a GET from someone without a session or messages
cookie (nobody signed in, nothing personal to show), the response body is looked up under
the view's key — which names every input the page depends on: a content version, the
language — and the release (``release_digest``: the templates, data and static files this
process serves). A signed-in member of staff, a form post or an htmx request runs the view as
before. Only a 200 that sets no cookie is stored, so no session, CSRF token or personal data
can reach another visitor; every header the middleware adds is still added per request.

Put it closest to the view (below ``csrf_exempt``, ``xframe_options_exempt`` …), whose marks
then apply to the cached response too.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache as shared_cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

PAGE_SECONDS = 60 * 60
PACKAGE_DIR = Path(__file__).resolve().parent.parent
PERSONAL_COOKIES = ("messages",)

View = Callable[..., HttpResponse]
KeyFunction = Callable[..., tuple[object, ...] | None]


def same_for_visitors(key: KeyFunction, vary: tuple[str, ...] = ()) -> Callable[[View], View]:
    """``key(request, *args, **kwargs)``: the page's inputs, or None to run the view."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            parts = key(request, *args, **kwargs) if _anonymous_read(request) else None
            if parts is None:
                return view(request, *args, **kwargs)
            cache_key = _cache_key(view, parts)
            stored = shared_cache.get(cache_key)
            if stored is not None:
                response = HttpResponse(stored[1], content_type=stored[0])
            else:
                response = view(request, *args, **kwargs)
                if _storable(response):
                    body = (response["Content-Type"], response.content)
                    shared_cache.set(cache_key, body, PAGE_SECONDS)
            # The page differs for a signed-in visitor (the cookie) and by whatever the key read.
            patch_vary_headers(response, ("Cookie", *vary))
            return response

        return wrapper

    return decorate


def every_visitor(request: HttpRequest, *args: Any, **kwargs: Any) -> tuple[object, ...]:
    """The key of a page that depends on nothing but the release (the catalogue)."""
    return ()


def _anonymous_read(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or request.headers.get("HX-Request"):
        return False
    cookies = (settings.SESSION_COOKIE_NAME, *PERSONAL_COOKIES)
    return not any(name in request.COOKIES for name in cookies)


def _storable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
    )


def _cache_key(view: View, parts: tuple[object, ...]) -> str:
    name = f"{view.__module__}.{view.__qualname__}"
    inputs = "\x1f".join(str(part) for part in (name, release_digest(), *parts))
    return "page:" + hashlib.sha256(inputs.encode()).hexdigest()


@cache
def release_digest() -> str:
    """What this process serves pages from: every file of the package (size and time
    changed) and the static files' manifest. A deploy changes it, so no page outlives the
    code, templates, data or stylesheet it was made with."""
    digest = hashlib.sha256()
    for folder, subfolders, files in os.walk(PACKAGE_DIR):
        subfolders[:] = sorted(d for d in subfolders if d not in {"__pycache__", "tests"})
        for name in sorted(files):
            stat = os.stat(os.path.join(folder, name))
            digest.update(f"{folder}/{name} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]
