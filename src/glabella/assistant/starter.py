"""The starter knowledge base shipped with Glabella, read from its TOML file.

Reading needs no database; `services.load_starter_kb` writes the entries into a clinic.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from .entry_text import EntryText

STARTER_FILE = Path(__file__).parent / "data" / "starter_kb.toml"
STARTER_NOTE = "Glabella starter content: review and approve your clinic's own wording"


def starter_entries(path: Path = STARTER_FILE) -> list[EntryText]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return [
        EntryText(
            topic=item["topic"],
            title=item["title"],
            answer=item["answer"],
            phrasings=tuple(item.get("phrasings", ())),
            source=item.get("source", ""),
        )
        for item in data["entries"]
    ]


def starter_key(index: int, text: EntryText) -> str:
    return f"starter-{text.topic}-{index}".replace("_", "-")
