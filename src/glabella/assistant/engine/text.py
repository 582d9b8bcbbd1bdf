"""Normalising patients' messages before matching: case, accents, brand spellings."""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher

from glabella.core.text import fold as core_fold

WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Short forms patients use for a brand; anything longer is matched by spelling distance.
MIN_FUZZY_LENGTH = 5
FUZZY_RATIO = 0.8


def fold(text: str) -> str:
    """Lower case, accents stripped, curly quotes straightened, spaces collapsed."""
    return core_fold(text.replace("\u2019", "'").replace("\u2018", "'"))


class BrandSpeller:
    """Maps misspelt or shortened brand names to the brand ('botux' → 'botox')."""

    def __init__(self, names: dict[str, Iterable[str]]) -> None:
        self._exact: dict[str, str] = {}
        for brand, spellings in names.items():
            for spelling in (brand, *spellings):
                self._exact[fold(spelling)] = brand
        self._brands = tuple(names)

    def correct(self, text: str) -> str:
        return WORD.sub(lambda match: self._correct_word(match.group(0)), fold(text))

    def _correct_word(self, word: str) -> str:
        if word not in self._exact:
            self._exact[word] = self._nearest_brand(word)
        return self._exact[word]

    def _nearest_brand(self, word: str) -> str:
        if len(word) < MIN_FUZZY_LENGTH or not self._brands:
            return word
        scored = []
        for brand in self._brands:
            matcher = SequenceMatcher(None, word, brand)
            # The quick ratios are upper bounds of ratio(): skip brands that cannot reach it.
            if matcher.real_quick_ratio() >= FUZZY_RATIO and matcher.quick_ratio() >= FUZZY_RATIO:
                scored.append((matcher.ratio(), brand))
        score, brand = max(scored, default=(0.0, word))
        return brand if score >= FUZZY_RATIO else word
