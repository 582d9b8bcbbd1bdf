"""Which clinic a public request or a command speaks for."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist

from glabella.accounts.models import Clinic

from . import cached_state


class NoClinic(ObjectDoesNotExist):
    pass


def clinic_by_slug(slug: str | None) -> Clinic:
    """The named clinic, else the configured default, else the only clinic there is."""
    wanted = slug or getattr(settings, "GLABELLA_DEFAULT_CLINIC", "")
    if wanted:
        found = cached_state.clinic_by_slug(wanted)
        if found is None:
            raise NoClinic(f"no clinic {wanted!r}")
        return found
    clinics = list(Clinic.objects.all()[:2])
    if len(clinics) != 1:
        raise NoClinic("name the clinic (there are several, or none yet)")
    return clinics[0]


def clinics_to_choose() -> list[Clinic]:
    """Every clinic, by name, when a request without a slug cannot know which one is meant:
    no default is configured and there are several (empty otherwise)."""
    if getattr(settings, "GLABELLA_DEFAULT_CLINIC", ""):
        return []
    clinics = list(Clinic.objects.order_by("name", "slug"))
    return clinics if len(clinics) > 1 else []
