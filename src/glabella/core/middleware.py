"""Refuse requests no page or endpoint can take, before any view runs.

A NUL character cannot be stored in PostgreSQL text and has no place in anything a person
types, and a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` would only fail later, deeper and as
a server error. Both are answered here, once for every page and endpoint: 400 and 413, as
RFC 9457 problem details under /api/, as a short page (or chat fragment for htmx) elsewhere.
Nothing reaches a view, so nothing is logged or saved.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
NUL = "\x00"


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if too_large(request):
            return refuse(request, 413, _("Request too large"), _too_large_detail())
        if carries_nul(request):
            detail = _(
                "The text sent contains a null character (\\0), which cannot be accepted. "
                "Please remove it and try again."
            )
            return refuse(request, 400, _("Null character"), detail)
        return self.get_response(request)


def too_large(request: HttpRequest) -> bool:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None:
        return False
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > limit


def carries_nul(request: HttpRequest) -> bool:
    if NUL in request.path_info or _any_nul(request.GET.lists()):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS") or not request.META.get("CONTENT_LENGTH"):
        return False
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return _any_nul(request.POST.lists())
    body = request.body
    if b"\x00" in body:
        return True
    if (content_type == "application/json" or content_type.endswith("+json")) and (
        b"\\u0000" in body
    ):
        return _json_has_nul(body)
    return False


def _any_nul(pairs: Iterable[tuple[str, list[Any]]]) -> bool:
    return any(NUL in key or any(NUL in str(v) for v in values) for key, values in pairs)


def _json_has_nul(body: bytes) -> bool:
    try:
        data = json.loads(body)
    except ValueError:
        return False  # not JSON after all: the endpoint answers that itself
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and NUL in item:
            return True
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _too_large_detail() -> str:
    limit_kb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
    return _("The request is larger than %(limit)s KB. Please send something shorter.") % {
        "limit": f"{limit_kb:,}"
    }


def refuse(request: HttpRequest, status: int, title: str, detail: str) -> HttpResponse:
    if request.path_info.startswith(API_PREFIX):
        body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
        return JsonResponse(body, status=status, content_type="application/problem+json")
    back = request.path.replace(NUL, "") if request.method != "GET" else "/"
    context = {"title": title, "detail": detail, "status": status, "back": back}
    fragment = request.headers.get("HX-Request") == "true"
    template = "core/_request_refused.html" if fragment else "core/request_refused.html"
    return HttpResponse(render_to_string(template, context), status=status)


class TrustedProxyMiddleware:
    """First in the stack: whose word to take on the client's address and scheme.

    From a peer in ``GLABELLA_TRUSTED_PROXIES`` the client is the right-most address of
    X-Forwarded-For that is not itself a trusted proxy (the left part of the header is
    whatever the client wrote), and X-Forwarded-Proto stays for ``SECURE_PROXY_SSL_HEADER``.
    From anyone else both headers are dropped, so a client cannot choose the address that
    the sign-in throttle, the rate limits and the audit trail see, nor claim HTTPS.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        peer = meta.get("REMOTE_ADDR", "")
        if _trusted(peer):
            meta["REMOTE_ADDR"] = forwarded_client(meta.get("HTTP_X_FORWARDED_FOR", "")) or peer
        else:
            meta.pop("HTTP_X_FORWARDED_FOR", None)
            meta.pop("HTTP_X_FORWARDED_PROTO", None)
        return self.get_response(request)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(text: str) -> bool:
    address = _address(text)
    return address is not None and any(address in net for net in settings.GLABELLA_TRUSTED_PROXIES)


def forwarded_client(header: str) -> str:
    """The client's address from a trusted proxy's X-Forwarded-For ("" when it names none)."""
    hops = [hop for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return ""  # garbage where a proxy should have written: trust nothing further left
        if not _trusted(hop):
            return str(address)
    return str(_address(hops[0])) if hops else ""
