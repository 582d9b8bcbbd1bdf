"""with_clinic: the view gets the chosen clinic, or the page's own choice template."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.test import RequestFactory

from glabella.accounts.decorators import with_clinic
from glabella.accounts.models import Clinic, Membership, Role

pytestmark = pytest.mark.django_db

# A page whose template shows clinic_choices (see dashboard/templates/dashboard/today.html).
CHOICES = "audit/event_list.html"


@with_clinic("audit.read", choices=CHOICES)
def page(request: HttpRequest, clinic: Clinic, extra: str = "") -> HttpResponse:
    return HttpResponse(f"{clinic.slug}|{extra}")


def _get(user, query: str = "") -> HttpRequest:  # type: ignore[no-untyped-def]
    request = RequestFactory().get(f"/staff/page/{query}")
    request.user = user
    return request


def test_one_clinic_needs_no_parameter_and_url_arguments_pass_through(clinic, director) -> None:
    response = page(_get(director), extra="kept")
    assert response.content.decode() == "north|kept"


def test_the_named_clinic_is_the_one_given(clinic, other_clinic, director) -> None:
    Membership.objects.create(user=director, clinic=other_clinic, role=Role.MEDICAL_DIRECTOR)
    assert page(_get(director, "?clinic=south")).content.decode() == "south|"


def test_several_clinics_and_none_named_renders_the_choice(clinic, other_clinic, director) -> None:
    Membership.objects.create(user=director, clinic=other_clinic, role=Role.MEDICAL_DIRECTOR)
    html = page(_get(director)).content.decode()
    assert "Choose whose audit trail to read" in html
    assert "?clinic=north" in html and "?clinic=south" in html


def test_a_role_without_the_capability_is_refused(clinic, front_desk) -> None:
    with pytest.raises(PermissionDenied):
        page(_get(front_desk))


def test_a_clinic_not_among_the_users_is_not_found(clinic, other_clinic, director) -> None:
    with pytest.raises(Http404):
        page(_get(director, "?clinic=south"))


def test_the_wrapped_view_keeps_its_name() -> None:
    assert page.__name__ == "page"
