"""Delivery reports: the provider took a message, then says whether it reached the phone.

A message the network could not deliver (an unreachable or landline number, a carrier's
filter) becomes "failed" with the provider's reason, so staff see it on the Messages page
and can send it again, perhaps by email, once the number is checked.
"""

from __future__ import annotations

from django.utils import timezone

from glabella.accounts.models import Clinic

from .models import Outbox, OutboxStatus

UNDELIVERED = {"undelivered", "failed"}


def report(clinic: Clinic, provider_id: str, status: str, error_code: str = "") -> int:
    """Record the provider's report on the message it numbered ``provider_id``; returns how
    many rows changed (0 for an unknown id or a report that changes nothing)."""
    if status not in UNDELIVERED:
        return 0  # queued, sent, delivered: the row already says "sent"
    reason = f"the provider could not deliver it ({status}"
    reason += f", error {error_code})" if error_code else ")"
    return Outbox.objects.filter(
        clinic=clinic, provider_id=provider_id, status=OutboxStatus.SENT
    ).update(status=OutboxStatus.FAILED, last_error=reason, updated_at=timezone.now())
