"""Sends unverified staff sessions to two-factor setup or verification (see two_factor.py)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from .two_factor import STAFF_PREFIX, TwoFactorRequired, require_verified_staff


class TwoFactorMiddleware:
    """After ``OTPMiddleware``; a no-op unless ``GLABELLA_REQUIRE_TWO_FACTOR`` is on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(STAFF_PREFIX):
            try:
                require_verified_staff(request)
            except TwoFactorRequired as needed:
                return _redirect(request, reverse(needed.url_name))
        return self.get_response(request)


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    # Come back to the page asked for; a form post cannot be replayed, so it goes to the default.
    if request.method in ("GET", "HEAD"):
        url = f"{url}?{urlencode({'next': request.get_full_path()})}"
    # HtmxMiddleware runs later, so read the header: htmx must load the page, not swap it in.
    if request.headers.get("HX-Request") == "true":
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)
