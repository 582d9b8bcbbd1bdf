"""The clinic and its content revision from the shared cache (assistant/cached_state.py):
no database round trip once cached, and a change is seen as soon as it commits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from glabella.accounts.models import Clinic
from glabella.assistant import cached_state
from glabella.assistant.services.knowledge import mark_content_changed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache(settings: Any) -> Iterator[None]:
    settings.GLABELLA_SHARED_CACHE = True
    cache.clear()
    yield
    cache.clear()


def test_a_cached_clinic_needs_no_query_until_it_is_saved(
    clinic: Clinic, django_assert_num_queries: Any, django_capture_on_commit_callbacks: Any
) -> None:
    cached_state.clinic_by_slug(clinic.slug)
    with django_assert_num_queries(0):
        assert cached_state.clinic_by_slug(clinic.slug) == clinic
    with django_capture_on_commit_callbacks(execute=True):
        clinic.phone = "(555) 010-9999"
        clinic.save()
    found = cached_state.clinic_by_slug(clinic.slug)
    assert found is not None and found.phone == "(555) 010-9999"
    assert cached_state.clinic_by_slug("nowhere") is None


def test_a_content_change_is_published_when_it_commits(
    clinic: Clinic, django_assert_num_queries: Any, django_capture_on_commit_callbacks: Any
) -> None:
    before = cached_state.assistant_revision(clinic)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        mark_content_changed(clinic)
    assert cached_state.assistant_revision(clinic) == before  # not committed yet
    for callback in pending:
        callback()
    with django_assert_num_queries(0):
        assert cached_state.assistant_revision(clinic) == before + 1


def test_without_a_shared_cache_the_database_is_asked(
    clinic: Clinic, settings: Any, django_assert_num_queries: Any
) -> None:
    settings.GLABELLA_SHARED_CACHE = False
    cached_state.assistant_revision(clinic)
    with django_assert_num_queries(1):
        cached_state.assistant_revision(clinic)
    with django_assert_num_queries(1):
        cached_state.clinic_by_slug(clinic.slug)
