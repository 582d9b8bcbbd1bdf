"""Which clinic's audit trail a request may read.

The clinic comes from ``?clinic=<slug>`` among the user's own clinics (404 otherwise, so
the page does not confirm that another clinic exists); a user with a single clinic may
leave it out. Reading needs ``audit.read`` (medical directors) at that clinic, else 403.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from glabella.accounts.models import Clinic
from glabella.accounts.roles import clinics_of, require


class ClinicNotChosen(Exception):
    """The user works at several clinics and named none."""

    def __init__(self, clinics: list[Clinic]) -> None:
        super().__init__("Choose a clinic.")
        self.clinics = clinics


def clinic_for_audit(request: HttpRequest) -> Clinic:
    mine = clinics_of(request.user)
    slug = request.GET.get("clinic", "")
    if slug:
        clinic = get_object_or_404(mine, slug=slug)
    else:
        clinics = list(mine)
        if not clinics:
            raise Http404("You have no clinic.")
        if len(clinics) > 1:
            raise ClinicNotChosen(clinics)
        clinic = clinics[0]
    require(request.user, clinic, "audit.read")
    return clinic
