"""A clinic's message settings and time zone, read in one place."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from glabella.accounts.models import Clinic
from glabella.audit.models import Action
from glabella.audit.services import record

from .models import MessagingSettings


def settings_for(clinic: Clinic) -> MessagingSettings:
    """The clinic's settings row, made with the defaults the first time it is asked for."""
    found: MessagingSettings | None = getattr(clinic, "_messaging_settings", None)
    if found is None:
        found, _ = MessagingSettings.objects.get_or_create(clinic=clinic)
        clinic._messaging_settings = found  # type: ignore[attr-defined]
    return found


def clinic_zone(clinic: Clinic) -> ZoneInfo:
    """The clinic's time zone (``Clinic.zone`` where the calendar defines it), else the
    site's."""
    zone = getattr(clinic, "zone", None)
    if isinstance(zone, ZoneInfo):
        return zone
    current = timezone.get_current_timezone()
    return current if isinstance(current, ZoneInfo) else ZoneInfo(str(current))


def change_settings(row: MessagingSettings, changed: dict[str, Any], *, by: Any) -> None:
    """Save the clinic's changed message settings (the form's values), audited."""
    if not changed:
        return
    with transaction.atomic():
        for name, value in changed.items():
            setattr(row, name, value)
        row.save(update_fields=list(changed))
        record(
            action=Action.CHANGE,
            clinic=row.clinic,
            actor=by,
            object_type="messaging.messagingsettings",
            object_id=str(row.clinic.public_id),
            detail={name: str(value) for name, value in changed.items()},
        )
