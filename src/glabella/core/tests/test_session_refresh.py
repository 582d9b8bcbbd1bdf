"""A staff session's idle limit slides with use, but the session is written at most once per
SESSION_REFRESH_SECONDS, not on every request."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from glabella.core.session_refresh import TOUCHED_KEY

pytestmark = pytest.mark.django_db


def _expiry(client: Client) -> Any:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_second_page_within_the_minute_does_not_write_the_session(injector: Any) -> None:
    client = Client()
    client.force_login(injector)
    client.get("/staff/")
    first = _expiry(client)
    response = client.get("/staff/")
    assert _expiry(client) == first
    assert "sessionid" not in response.cookies  # no new cookie either


def test_after_the_refresh_interval_the_idle_limit_moves_on(injector: Any, settings: Any) -> None:
    client = Client()
    client.force_login(injector)
    client.get("/staff/")
    session = client.session
    session[TOUCHED_KEY] -= settings.SESSION_REFRESH_SECONDS  # as if a minute went by
    session.save()
    first = _expiry(client)
    response = client.get("/staff/")
    assert _expiry(client) > first
    assert "sessionid" in response.cookies


def test_a_visitor_gets_no_session(db: None) -> None:
    response = Client().get("/")
    assert "sessionid" not in response.cookies
    assert Session.objects.count() == 0


def test_signing_out_leaves_no_session_behind(injector: Any) -> None:
    client = Client()
    client.force_login(injector)
    client.get("/staff/")
    client.post("/accounts/logout/")
    assert Session.objects.count() == 0
