"""The HTTP benchmark's floors (config/bench_floors.py): off unless GLABELLA_BENCH_FLOORS is set;
when on, the bare floor skips every middleware and the rest goes to the site unchanged."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import clear_url_caches

from glabella.config.bench_floors import BARE_PATH, HELLO, with_floors
from glabella.config.wsgi import application

pytestmark = pytest.mark.django_db


def _call(app: Any, path: str) -> tuple[str, dict[str, str], bytes]:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": BytesIO(b""),
    }
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], *args: Any) -> None:
        seen.update(status=status, headers=dict(headers))

    body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body


def test_floors_are_off_by_default() -> None:
    assert settings.ROOT_URLCONF == "glabella.config.urls"
    assert Client().get("/staff/bench/hello").status_code == 404
    assert _call(application, BARE_PATH)[0].startswith("404")


def test_the_bare_floor_runs_no_middleware_and_the_site_is_unchanged() -> None:
    app = with_floors(application)
    status, headers, body = _call(app, BARE_PATH)
    assert status.startswith("200") and body == HELLO
    assert "X-Request-ID" not in headers and "X-Content-Type-Options" not in headers
    status, headers, _ = _call(app, "/healthz")
    assert status.startswith("200") and "X-Request-ID" in headers


def test_the_middleware_floor_needs_a_signed_in_user(settings: Any, injector: Any) -> None:
    settings.ROOT_URLCONF = "glabella.config.bench_urls"
    clear_url_caches()
    try:
        assert Client().get("/staff/bench/hello").status_code == 302  # to the sign-in page
        client = Client()
        client.force_login(injector)
        response = client.get("/staff/bench/hello")
        assert response.status_code == 200 and response.content == HELLO
        assert "X-Request-ID" in response
    finally:
        settings.ROOT_URLCONF = "glabella.config.urls"
        clear_url_caches()
