"""Text folded for comparison and search, the same way in Python and in every database."""

from __future__ import annotations

import unicodedata


def strip_accents(text: str) -> str:
    """ "Ñúñez" → "Nunez": compatibility-decomposed, combining marks dropped."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lower case, accents stripped, spaces collapsed: "  Ñúñez  José" → "nunez jose".

    Folding is done in Python (and stored) rather than in SQL because SQLite's LIKE only
    ignores the case of ASCII letters and neither database strips accents by default."""
    return " ".join(strip_accents(text).casefold().split())
