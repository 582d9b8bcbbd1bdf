"""Refuse requests no page or endpoint can take, before any view runs.

A NUL character cannot be stored in PostgreSQL text and has no place in anything a person
types, a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` would only fail later, deeper and as
a server error, and a date outside years 1800–9000 (``?date=0001-01-01``) is no clinic's
and overflows the calendar arithmetic of the pages that take it. All are answered here,
once for every page and endpoint: 400 and 413, as RFC 9457 problem details under /api/, as
a short page (or chat fragment for htmx) elsewhere. Nothing reaches a view, so nothing is
logged or saved.

Also here: ``TrustedProxyMiddleware`` (whose word to take on the client's address) and
``ApiProblemMiddleware`` (problem details for errors raised outside the API's views).
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .problems import MEDIA_TYPE, problem_response

API_PREFIX = "/api/"
NUL = "\x00"
EARLIEST_YEAR, LATEST_YEAR = 1800, 9000
# A whole value that is a date (or a date and time); group 1: its year.
DATE_VALUE = re.compile(r"(\d{4,})-\d\d-\d\d(?:[T ][0-9:.+Z-]*)?")
JSON_DATE = re.compile(rb'"(\d{4,})-\d\d-\d\d(?:[T ][0-9:.+Z-]*)?"')


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if too_large(request):
            return refuse(request, 413, _("Request too large"), _too_large_detail())
        try:
            refusal = _refusal(request)
        except MultiPartParserError:  # e.g. multipart/form-data without a boundary
            detail = _("The form data sent could not be read. Please try again.")
            refusal = (_("Unreadable form"), detail)
        if refusal is not None:
            return refuse(request, 400, *refusal)
        return self.get_response(request)


def _refusal(request: HttpRequest) -> tuple[str, str] | None:
    """(title, detail) of a 400 for a null character or a date no clinic can take, else None."""
    if carries_nul(request):
        detail = _(
            "The text sent contains a null character (\\0), which cannot be accepted. "
            "Please remove it and try again."
        )
        return _("Null character"), detail
    wrong = out_of_range_date(request)
    if wrong is None:
        return None
    detail = _("%(value)s is not a date this clinic can take: give one between %(a)s and %(b)s.")
    bounds = {"value": wrong[:40], "a": f"{EARLIEST_YEAR}-01-01", "b": f"{LATEST_YEAR}-12-31"}
    return _("Date out of range"), detail % bounds


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


def out_of_range_date(request: HttpRequest) -> str | None:
    """The first value sent that is a whole date outside EARLIEST_YEAR–LATEST_YEAR, if any."""
    values = [v for _, vs in request.GET.lists() for v in vs]
    if request.method not in ("GET", "HEAD", "OPTIONS") and request.META.get("CONTENT_LENGTH"):
        content_type = request.content_type or ""
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            values += [v for _, vs in request.POST.lists() for v in vs if isinstance(v, str)]
        elif content_type == "application/json" or content_type.endswith("+json"):
            for found in JSON_DATE.finditer(request.body):
                if not EARLIEST_YEAR <= int(found.group(1)) <= LATEST_YEAR:
                    return found.group(0).decode("ascii").strip('"')
    for value in values:
        found = DATE_VALUE.fullmatch(value.strip())
        if found and not EARLIEST_YEAR <= int(found.group(1)) <= LATEST_YEAR:
            return value.strip()
    return None


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
        return problem_response(status, title, detail)
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


# Headers a converted error keeps: what to do next (405's methods, 429's wait, 401's scheme).
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Vary", "X-Request-ID")


class ApiProblemMiddleware:
    """Every error answered under /api/ is problem details, whoever raised it.

    The API's own errors are already (config/api.py). This catches the rest, made outside
    its views: an address no route matches (404), a method a route does not take (405), a
    refused CSRF token (403) and Django's own server-error page (500). Their title comes
    from the status; a JSON ``detail`` they carried is kept.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path_info.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith(MEDIA_TYPE):
            return response
        problem = problem_response(response.status_code, detail=_carried_detail(response))
        for header in KEPT_HEADERS:
            if header in response:
                problem[header] = response[header]
        return problem


def _carried_detail(response: HttpResponse) -> str:
    if response.streaming or not response.get("Content-Type", "").startswith("application/json"):
        return ""
    try:
        detail = json.loads(response.content).get("detail")
    except (ValueError, AttributeError):
        return ""
    return detail if isinstance(detail, str) else ""
