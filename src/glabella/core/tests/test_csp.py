"""The Content-Security-Policy header: strict on every response, framing only where a
clinic allows it (its chat and booking pages, from its own sites), and no inline script,
style or handler left in a template for the policy to refuse."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from glabella.accounts.embedding import set_framing_origins
from glabella.audit.models import Action, AuditEvent
from glabella.core.csp import https_origin
from glabella.testing import client_as

pytestmark = pytest.mark.django_db

SITE = "https://www.example-clinic.com"
STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
}
TEMPLATES = Path(__file__).resolve().parents[2]


def policy(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    header = response.headers["Content-Security-Policy"]
    directives = (part.strip().split(" ", 1) for part in header.split(";"))
    return dict(directives)


def test_a_staff_page_has_the_strict_policy_and_no_framing(request, director) -> None:
    response = client_as(request, "director").get("/staff/")
    assert response.status_code == 200
    assert policy(response) == STRICT
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_chat_may_be_framed_by_the_clinics_own_sites_only(clinic, director) -> None:
    set_framing_origins(clinic, [SITE, "https://book.example-clinic.com"], by=director)
    response = Client().get(f"/c/{clinic.slug}/ask")
    assert response.status_code == 200
    framed = policy(response)
    assert framed.pop("frame-ancestors") == f"'self' {SITE} https://book.example-clinic.com"
    assert framed == {k: v for k, v in STRICT.items() if k != "frame-ancestors"}
    assert "X-Frame-Options" not in response.headers


def test_without_listed_sites_only_this_site_may_frame_the_chat(clinic) -> None:
    response = Client().get(f"/c/{clinic.slug}/ask")
    assert policy(response)["frame-ancestors"] == "'self'"


def test_each_clinic_lists_its_own_sites(clinic, other_clinic, director) -> None:
    set_framing_origins(clinic, [SITE], by=director)
    response = Client().get(f"/c/{other_clinic.slug}/ask")
    assert policy(response)["frame-ancestors"] == "'self'"


def test_the_booking_page_may_be_framed_by_the_clinics_sites(clinic, director) -> None:
    set_framing_origins(clinic, [SITE], by=director)
    response = Client().get(f"/c/{clinic.slug}/book")
    assert response.status_code == 200
    assert policy(response)["frame-ancestors"] == f"'self' {SITE}"
    assert policy(response)["script-src"] == "'self'"
    assert "X-Frame-Options" not in response.headers


def test_a_not_found_page_has_the_policy() -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert policy(response) == STRICT


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/api/v1/no-such-endpoint"])
def test_api_responses_have_the_policy(path: str) -> None:
    response = Client().get(path)
    assert policy(response) == STRICT


def test_the_api_docs_need_no_exemption() -> None:
    """Ninja serves Swagger UI from its own static files (no CDN): the docs page keeps the
    whole policy, which the browser test shows it loads under."""
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert b"cdn" not in response.content.lower()
    assert policy(response) == STRICT


@pytest.mark.parametrize(
    ("typed", "origin"),
    [
        (SITE, SITE),
        ("HTTPS://WWW.Example-Clinic.com/", SITE),
        ("https://clinic.example:8443", "https://clinic.example:8443"),
        ("https://clinic.example:443", "https://clinic.example"),
    ],
)
def test_a_site_is_kept_as_its_https_origin(typed: str, origin: str) -> None:
    assert https_origin(typed) == origin


@pytest.mark.parametrize(
    "typed",
    [
        "http://www.example-clinic.com",
        "www.example-clinic.com",
        "https://www.example-clinic.com/book",
        "https://*.example-clinic.com",
        "https://user@example-clinic.com",
        "https://example-clinic.com/?x=1",
        "https://example-clinic.com:99999",
        "https://exa mple.com",
        "'unsafe-inline'",
        "*",
    ],
)
def test_anything_but_an_https_origin_is_refused(typed: str) -> None:
    with pytest.raises(ValidationError):
        https_origin(typed)


SETTINGS = "/staff/booking/settings/"
BOOKING = {
    "enabled": "on",
    "cancellation_hours": "24",
    "consultation_valid_days": "180",
    "days_ahead": "30",
}


def test_the_director_lists_the_sites_on_the_booking_settings_page(
    request, clinic, director
) -> None:
    client = client_as(request, "director")
    lines = f"{SITE}/\nhttps://book.example-clinic.com\n{SITE}"
    assert client.post(SETTINGS, BOOKING | {"framing_origins": lines}).status_code == 302
    page = client.get(SETTINGS)
    assert f"{SITE}\nhttps://book.example-clinic.com" in page.content.decode()
    event = AuditEvent.objects.get(action=Action.CHANGE, object_type="accounts.siteembedding")
    assert event.detail == {"framing_origins": [SITE, "https://book.example-clinic.com"]}
    framed = Client().get(f"/c/{clinic.slug}/ask")
    assert policy(framed)["frame-ancestors"] == f"'self' {SITE} https://book.example-clinic.com"


def test_a_site_that_is_not_an_https_origin_is_refused_on_the_page(
    request, clinic, director
) -> None:
    client = client_as(request, "director")
    response = client.post(SETTINGS, BOOKING | {"framing_origins": "http://evil.example"})
    assert response.status_code == 400
    assert b"not an https address" in response.content
    assert policy(Client().get(f"/c/{clinic.slug}/ask"))["frame-ancestors"] == "'self'"


# An inline script, style or handler would be refused by the policy in the browser.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"
    r"|<style\b|\sstyle=|\shx-on|\son[a-z]+=|javascript:",
    re.IGNORECASE,
)


def test_no_template_has_inline_script_style_or_handlers() -> None:
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("templates/**/*.html")
        for match in INLINE.finditer(path.read_text())
    ]
    assert found == []
