"""The client's address and scheme come from X-Forwarded-* only through trusted proxies."""

import ipaddress
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client

from glabella.audit.models import Action, AuditEvent
from glabella.core.middleware import TrustedProxyMiddleware, forwarded_client

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


@pytest.fixture
def behind_proxy(settings):  # type: ignore[no-untyped-def]
    settings.GLABELLA_TRUSTED_PROXIES = [
        ipaddress.ip_network(PROXY),
        ipaddress.ip_network("172.16.0.0/12"),
    ]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def settings_value(tmp_path: Path, name: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Print one setting from a fresh process started with ``env``."""
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    environment |= {"DJANGO_SETTINGS_MODULE": "glabella.config.settings"}
    environment |= {"GLABELLA_VAR_DIR": str(tmp_path), **env}
    code = f"from django.conf import settings; print(getattr(settings, {name!r}, None))"
    return subprocess.run(  # noqa: S603  (the test's own interpreter)
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )


def failed_sign_in_address(**headers: str) -> str | None:
    Client().post("/accounts/login/", {"username": "nobody", "password": "x"}, **headers)
    return AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED).latest("id").ip


def test_without_trusted_proxies_the_forwarded_address_is_ignored(settings) -> None:
    settings.GLABELLA_TRUSTED_PROXIES = []
    address = failed_sign_in_address(
        REMOTE_ADDR="198.51.100.5", HTTP_X_FORWARDED_FOR="203.0.113.99"
    )
    assert address == "198.51.100.5"


def test_from_a_trusted_proxy_the_client_is_the_address_it_appended(behind_proxy) -> None:
    address = failed_sign_in_address(
        REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.99"
    )
    assert address == "203.0.113.99"  # "1.2.3.4" is whatever the client wrote itself


def test_a_forwarded_header_from_anyone_else_is_ignored_even_with_proxies(behind_proxy) -> None:
    address = failed_sign_in_address(
        REMOTE_ADDR="198.51.100.5", HTTP_X_FORWARDED_FOR="203.0.113.99"
    )
    assert address == "198.51.100.5"


@pytest.mark.parametrize(
    ("header", "client"),
    [
        ("203.0.113.99, 172.16.4.4", "203.0.113.99"),  # through two proxies of ours
        ("2001:db8::7", "2001:db8::7"),
        ("172.16.4.4", "172.16.4.4"),  # only proxies: the first of them
        ("nonsense, 203.0.113.99", "203.0.113.99"),
        ("203.0.113.99, nonsense", ""),  # a proxy of ours would not write that
        ("", ""),
    ],
)
def test_the_client_is_the_right_most_address_that_is_not_a_proxy(
    behind_proxy, header: str, client: str
) -> None:
    assert forwarded_client(header) == client


def test_a_trusted_proxy_with_no_forwarded_header_is_the_client(behind_proxy) -> None:
    assert failed_sign_in_address(REMOTE_ADDR=PROXY) == PROXY


def test_https_is_believed_from_a_trusted_proxy_only(behind_proxy, rf) -> None:
    seen = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen["secure"] = request.is_secure()
        return HttpResponse()

    middleware = TrustedProxyMiddleware(view)
    middleware(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https"))
    assert seen["secure"] is True
    middleware(rf.get("/", REMOTE_ADDR="198.51.100.5", HTTP_X_FORWARDED_PROTO="https"))
    assert seen["secure"] is False


@pytest.mark.parametrize(
    ("proxies", "trusts_the_scheme_header"), [("", False), ("10.0.0.2, 172.16.0.0/12", True)]
)
def test_the_scheme_header_is_trusted_only_with_proxies_configured(
    tmp_path: Path, proxies: str, trusts_the_scheme_header: bool
) -> None:
    result = settings_value(
        tmp_path,
        "SECURE_PROXY_SSL_HEADER",
        GLABELLA_ENV="production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="clinic.example",
        GLABELLA_TRUSTED_PROXIES=proxies,
    )
    assert result.returncode == 0, result.stderr
    assert ("HTTP_X_FORWARDED_PROTO" in result.stdout) is trusts_the_scheme_header


def test_a_proxy_that_is_not_an_address_is_refused_at_start(tmp_path: Path) -> None:
    result = settings_value(
        tmp_path, "GLABELLA_TRUSTED_PROXIES", GLABELLA_TRUSTED_PROXIES="10.0.0.2, proxy.example"
    )
    assert result.returncode != 0
    assert "GLABELLA_TRUSTED_PROXIES: 'proxy.example' is not an address or network" in (
        result.stderr
    )
