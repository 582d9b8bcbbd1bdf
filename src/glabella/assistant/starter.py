"""The starter knowledge base shipped with Glabella, loaded into a clinic as approved entries."""

from __future__ import annotations

import tomllib
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from glabella.accounts.models import Clinic

from . import services
from .models import Entry, EntryStatus

STARTER_FILE = Path(__file__).parent / "data" / "starter_kb.toml"
STARTER_NOTE = "Glabella starter content: review and approve your clinic's own wording"


def starter_entries(path: Path = STARTER_FILE) -> list[services.EntryText]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return [
        services.EntryText(
            topic=item["topic"],
            title=item["title"],
            answer=item["answer"],
            phrasings=tuple(item.get("phrasings", ())),
            source=item.get("source", ""),
        )
        for item in data["entries"]
    ]


def starter_key(index: int, text: services.EntryText) -> str:
    return f"starter-{text.topic}-{index}".replace("_", "-")


@transaction.atomic
def load_starter_kb(clinic: Clinic) -> int:
    """Create (once) and approve the starter entries; returns how many were added."""
    added = 0
    for index, text in enumerate(starter_entries(), start=1):
        key = starter_key(index, text)
        if Entry.objects.filter(clinic=clinic, import_key=key).exists():
            continue
        entry = services.create_entry(clinic, text, by=None, import_key=key)
        _approve_shipped(entry)
        added += 1
    if added:
        services.mark_content_changed(clinic)
    return added


def _approve_shipped(entry: Entry) -> None:
    entry.approved_version = entry.latest_version
    entry.status = EntryStatus.APPROVED
    entry.approved_at = timezone.now()
    entry.approval_note = STARTER_NOTE
    entry.save(update_fields=["approved_version", "status", "approved_at", "approval_note"])
