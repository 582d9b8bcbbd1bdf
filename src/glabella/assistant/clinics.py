"""Which clinic a public request or a command speaks for."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist

from glabella.accounts.models import Clinic


class NoClinic(ObjectDoesNotExist):
    pass


def clinic_by_slug(slug: str | None) -> Clinic:
    """The named clinic, else the configured default, else the only clinic there is."""
    wanted = slug or getattr(settings, "GLABELLA_DEFAULT_CLINIC", "")
    if wanted:
        try:
            return Clinic.objects.get(slug=wanted)
        except Clinic.DoesNotExist as exc:
            raise NoClinic(f"no clinic {wanted!r}") from exc
    clinics = list(Clinic.objects.all()[:2])
    if len(clinics) != 1:
        raise NoClinic("name the clinic (there are several, or none yet)")
    return clinics[0]
