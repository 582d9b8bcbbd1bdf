"""Public pages kept whole in the shared cache (core/page_cache.py): the catalogue and the
patient chat. A visitor gets the stored page; staff, posts and htmx requests never do, and no
stored page holds a session, CSRF token or a member of staff's menu."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client

from glabella.accounts.models import Clinic

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache(settings: Any) -> Iterator[None]:
    settings.GLABELLA_SHARED_CACHE = True
    cache.clear()
    yield
    cache.clear()


def test_the_catalogue_is_built_once_for_every_visitor() -> None:
    first = Client().get("/")
    with mock.patch("glabella.catalogue.views.ClinicalCore", side_effect=AssertionError("built")):
        second = Client().get("/")
    assert second.status_code == 200
    assert second.content == first.content
    assert "Cookie" in second["Vary"]


def test_staff_see_their_own_page_and_visitors_never_see_it(injector: Any) -> None:
    staff = Client()
    staff.force_login(injector)
    own = staff.get("/").content.decode()
    assert "Sign out" in own and "csrfmiddlewaretoken" in own
    visitor = Client().get("/")
    page = visitor.content.decode()
    assert "Sign out" not in page and "csrfmiddlewaretoken" not in page
    assert not visitor.cookies


def test_the_chat_page_needs_no_database_once_stored(
    clinic: Clinic, django_assert_num_queries: Any
) -> None:
    url = f"/c/{clinic.slug}/ask"
    first = Client().get(url)
    with django_assert_num_queries(0):
        second = Client().get(url)
    assert second.content == first.content
    assert "Accept-Language" in second["Vary"]
    assert "X-Frame-Options" not in second  # still embeddable from the cache


def test_the_chat_page_follows_the_clinic_and_the_language(
    clinic: Clinic, django_capture_on_commit_callbacks: Any
) -> None:
    url = f"/c/{clinic.slug}/ask"
    assert "Ask Clinic north" in Client().get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        clinic.name = "Renamed Clinic"
        clinic.save()
    assert "Ask Renamed Clinic" in Client().get(url).content.decode()
    spanish = Client().get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Pregunte a Renamed Clinic" in spanish
    assert Client().get(url).content.decode() != spanish


def test_posts_and_htmx_requests_are_never_served_from_the_cache(clinic: Clinic) -> None:
    url = f"/c/{clinic.slug}/ask"
    Client().get(url)
    with mock.patch("glabella.core.page_cache.shared_cache") as stored:
        Client().get(url, HTTP_HX_REQUEST="true")
        Client().post(url, {"question": ""})
    stored.get.assert_not_called()
