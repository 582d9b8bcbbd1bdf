"""The starter knowledge base shipped with Glabella, read from its TOML files.

One file per language: ``starter_kb.toml`` (English) and ``starter_kb_<language>.toml``
(``starter_kb_es.toml``, Spanish); a file that is not there is skipped. Reading needs no
database; ``services.load_starter_kb`` writes the entries into a clinic as drafts for its
medical director to approve.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .entry_text import EntryText

DATA_DIR = Path(__file__).parent / "data"
STARTER_FILE = DATA_DIR / "starter_kb.toml"
STARTER_FILES = (STARTER_FILE, DATA_DIR / "starter_kb_es.toml")
# Prices are the clinic's to confirm: an answer quoting one is never approved in bulk.
PRICE_VARIABLE = re.compile(r"\{(price_[a-z0-9_]+_unit|consultation_fee)\}")


@dataclass(frozen=True)
class StarterEntry:
    language: str
    key: str  # the entry's import key: loading again finds it and adds nothing
    text: EntryText


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


def file_language(path: Path) -> str:
    """English for starter_kb.toml, else the suffix of starter_kb_<language>.toml."""
    return "en" if path.stem == STARTER_FILE.stem else path.stem.rsplit("_", 1)[-1]


def shipped_starter(files: tuple[Path, ...] | None = None) -> list[StarterEntry]:
    """Every shipped entry of every starter file there is, each with its language and key."""
    found = []
    for path in STARTER_FILES if files is None else files:
        if not path.exists():
            continue
        language = file_language(path)
        for index, text in enumerate(starter_entries(path), start=1):
            found.append(StarterEntry(language, starter_key(index, text, language), text))
    return found


def starter_key(index: int, text: EntryText, language: str = "en") -> str:
    # English keys predate the other languages and stay as they were.
    prefix = "starter" if language == "en" else f"starter-{language}"
    return f"{prefix}-{text.topic}-{index}".replace("_", "-")


def quotes_a_price(answer: str) -> bool:
    return PRICE_VARIABLE.search(answer) is not None
