import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from glabella.accounts.models import Clinic, Membership, Role
from glabella.accounts.time_zones import ClinicTimeZoneMiddleware
from glabella.testing import make_clinic, make_staff

pytestmark = pytest.mark.django_db


def _zone_seen(user, query: str = "") -> str:
    seen: list[str] = []

    def view(request):  # type: ignore[no-untyped-def]
        seen.append(str(timezone.get_current_timezone()))
        return HttpResponse()

    request = RequestFactory().get(f"/staff/{query}")
    request.user = user
    ClinicTimeZoneMiddleware(view)(request)
    return seen[0]


def _clinic(slug: str, zone: str) -> Clinic:
    return make_clinic(slug, name=slug, time_zone=zone)


def test_staff_pages_run_on_their_clinics_clock():
    user = make_staff("ny-injector", _clinic("ny", "America/New_York"), Role.INJECTOR)

    assert _zone_seen(user) == "America/New_York"


def test_clinics_on_different_clocks_need_the_clinic_named():
    user = make_staff("travelling", _clinic("ny", "America/New_York"), Role.INJECTOR)
    Membership.objects.create(user=user, clinic=_clinic("ldn", "Europe/London"), role=Role.INJECTOR)

    assert _zone_seen(user) == str(timezone.get_default_timezone())
    assert _zone_seen(user, "?clinic=ldn") == "Europe/London"


def test_anonymous_requests_keep_the_sites_clock():
    from django.contrib.auth.models import AnonymousUser

    assert _zone_seen(AnonymousUser()) == str(timezone.get_default_timezone())
