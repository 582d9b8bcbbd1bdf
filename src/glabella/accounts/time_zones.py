"""Staff pages show times on their clinic's clock.

For a signed-in member of staff, the request runs in the time zone of the clinic the page is
about (``?clinic=<slug>``) or of their clinics when those all share one zone. A member of
clinics in different zones who names none keeps the site's zone; each scheduling page also
switches to its clinic's zone itself.
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .roles import memberships_of


class ClinicTimeZoneMiddleware:
    """After ``AuthenticationMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = staff_zone(request)
        if zone is None:
            return self.get_response(request)
        with timezone.override(zone):
            return self.get_response(request)


def staff_zone(request: HttpRequest) -> ZoneInfo | None:
    slug = request.GET.get("clinic")
    clinics = [
        membership.clinic
        for membership in memberships_of(getattr(request, "user", None))
        if not slug or membership.clinic.slug == slug
    ]
    zones = {clinic.zone for clinic in clinics}
    return zones.pop() if len(zones) == 1 else None
