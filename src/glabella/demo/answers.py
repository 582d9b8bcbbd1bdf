"""The demo clinics' assistant: the starter answers, approved by each clinic's (synthetic)
medical director through the same service a real director uses. Answers that quote a price
or fee stay drafts: prices are the clinic's to confirm and are never shipped approved."""

from __future__ import annotations

from typing import Any

from glabella.accounts.models import Clinic
from glabella.assistant.models import Entry, EntryStatus
from glabella.assistant.services import approve_entry
from glabella.assistant.starter import quotes_a_price

APPROVAL_NOTE = "Demo clinic: starter answer read and approved by the medical director"


def approve_starter_answers(clinic: Clinic, director: Any) -> tuple[int, int]:
    """Approve the clinic's starter drafts that quote no price; returns (approved, left)."""
    drafts = Entry.objects.filter(
        clinic=clinic, status=EntryStatus.DRAFT, import_key__startswith="starter-"
    ).order_by("created_at", "pk")
    approved = left = 0
    for entry in drafts:
        if quotes_a_price(entry.latest_version.answer):
            left += 1
            continue
        approve_entry(entry, by=director, note=APPROVAL_NOTE)
        approved += 1
    return approved, left
