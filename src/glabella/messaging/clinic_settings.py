"""A clinic's message settings, read and changed in one place."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from glabella.accounts.models import Clinic
from glabella.accounts.types import StaffUser
from glabella.audit.models import Action
from glabella.audit.services import record
from glabella.core.models import clinic_settings_row

from .models import MessagingSettings


def settings_for(clinic: Clinic) -> MessagingSettings:
    """The clinic's settings row, made with the defaults the first time it is asked for."""
    return clinic_settings_row(clinic, MessagingSettings)


def change_settings(row: MessagingSettings, changed: dict[str, Any], *, by: StaffUser) -> None:
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
