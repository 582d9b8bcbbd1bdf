"""Content arriving in bulk: a clinic's own FAQ document and Glabella's starter entries."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db import transaction

from glabella.accounts.models import Clinic

from ..engine.importer import ImportedEntry
from ..entry_text import EntryText
from ..models import Entry, EntryVersion
from ..starter import shipped_starter
from .knowledge import User, create_entry, edit_entry

KEY_LENGTH = 200


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


@transaction.atomic
def import_entries(
    clinic: Clinic, imported: list[ImportedEntry], *, by: User | None, default_topic: str
) -> ImportReport:
    """Drafts from a clinic document; re-importing is idempotent, changes become versions."""
    report = ImportReport()
    for item in imported:
        text = EntryText(
            topic=item.topic or default_topic,
            title=item.question,
            answer=item.answer,
            source="Imported clinic FAQ",
        )
        key = storable_key(item.key)
        existing = Entry.objects.filter(clinic=clinic, import_key=key).first()
        if existing is None:
            create_entry(clinic, text, by=by, import_key=key)
            report.created.append(item.question)
        elif _same_text(existing.latest_version, text):
            report.unchanged.append(item.question)
        else:
            edit_entry(existing, text, by=by, note="re-imported with a changed answer")
            report.updated.append(item.question)
    return report


def storable_key(key: str) -> str:
    """Import keys fit the column; long ones keep a prefix and a digest of the whole."""
    if len(key) <= KEY_LENGTH:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"{key[: KEY_LENGTH - 17]}-{digest}"


def _same_text(version: EntryVersion, text: EntryText) -> bool:
    return version.title == text.title.strip() and version.answer == text.answer.strip()


@transaction.atomic
def load_starter_kb(clinic: Clinic) -> int:
    """Add the shipped starter entries (every language) as drafts, once; returns how many.

    Nothing shipped answers patients until the clinic's medical director approves it.
    """
    have = set(
        Entry.objects.filter(clinic=clinic, import_key__startswith="starter-").values_list(
            "import_key", flat=True
        )
    )
    added = 0
    for item in shipped_starter():
        if item.key in have:
            continue
        create_entry(clinic, item.text, by=None, import_key=item.key, language=item.language)
        added += 1
    return added
