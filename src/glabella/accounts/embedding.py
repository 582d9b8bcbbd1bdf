"""Which of a clinic's own sites may frame its public pages (the chat, the booking pages)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.http import HttpResponseBase

from glabella.audit.models import Action
from glabella.audit.services import record
from glabella.core.csp import allow_framing
from glabella.core.models import clinic_settings_row, keep_clinic_settings_row

from .models import Clinic, SiteEmbedding


def framing_origins(clinic: Clinic) -> list[str]:
    return list(clinic_settings_row(clinic, SiteEmbedding).framing_origins)


def framed_for(clinic: Clinic, response: HttpResponseBase) -> HttpResponseBase:
    """``response`` with the clinic's sites (and ours) as its only allowed framers."""
    return allow_framing(response, framing_origins(clinic))


def set_framing_origins(clinic: Clinic, origins: Sequence[str], *, by: Any) -> SiteEmbedding:
    """Replace the clinic's framing sites (already checked https origins); audited."""
    with transaction.atomic():
        row, _ = SiteEmbedding.objects.select_for_update().get_or_create(clinic=clinic)
        if row.framing_origins != list(origins):
            row.framing_origins = list(origins)
            row.full_clean()
            row.save(update_fields=["framing_origins"])
            record(
                action=Action.CHANGE,
                clinic=clinic,
                actor=by,
                object_type="accounts.siteembedding",
                object_id=str(clinic.public_id),
                detail={"framing_origins": row.framing_origins},
            )
    keep_clinic_settings_row(clinic, row)
    return row
