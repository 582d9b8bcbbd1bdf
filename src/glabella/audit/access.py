"""Which clinic's audit trail a request may read: the medical director's own clinics."""

from __future__ import annotations

from django.http import HttpRequest

from glabella.accounts.access import ClinicNotChosen, staff_clinic
from glabella.accounts.models import Clinic
from glabella.accounts.roles import Capability

__all__ = ["ClinicNotChosen", "clinic_for_audit"]


def clinic_for_audit(request: HttpRequest) -> Clinic:
    return staff_clinic(request, Capability.AUDIT_READ)
