"""The HTTP benchmark's two floors (``bench/http.py``), served only with GLABELLA_BENCH_FLOORS=1.

- ``/bench/bare``: a Django view reached through Django's WSGI handler and URL resolver with
  no middleware at all (what the framework costs by itself);
- ``/staff/bench/hello`` (``bench_urls``): a view behind Glabella's whole middleware stack for a
  signed-in member of staff with two-factor satisfied (what every staff page pays before its
  own work).

``with_floors`` puts the bare floor in front of the real application; the rest of the traffic
goes to the application untouched. Nothing here is loaded unless the variable is set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse
from django.urls import path

BARE_PATH = "/bench/bare"
HELLO = b"hello\n"


def bare_hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse(HELLO, content_type="text/plain")


@login_required
def staff_hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse(HELLO, content_type="text/plain")


# The bare handler's own URL configuration (this module).
urlpatterns = [path(BARE_PATH.lstrip("/"), bare_hello)]


class BareHandler(WSGIHandler):
    """Django's WSGI handler with an empty middleware list and this module's URLs."""

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware: list[Any] = []
        self._template_response_middleware: list[Any] = []
        self._exception_middleware: list[Any] = []
        self._middleware_chain = convert_exception_to_response(self._resolve_here)

    def _resolve_here(self, request: HttpRequest) -> HttpResponse:
        request.urlconf = __name__
        response: HttpResponse = self._get_response(request)  # type: ignore[attr-defined]
        return response


WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def with_floors(application: WSGIApp) -> WSGIApp:
    bare = BareHandler()

    def dispatch(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == BARE_PATH:
            return bare(environ, start_response)
        return application(environ, start_response)

    return dispatch
