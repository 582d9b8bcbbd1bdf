"""A lexical signal: cosine similarity of character n-gram TF-IDF vectors.

Character n-grams tolerate typos ("swolen", "dysprot") that word matching misses.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

NGRAM_SIZES = (3, 4, 5)


def char_ngrams(text: str) -> Counter[str]:
    grams: Counter[str] = Counter()
    for word in text.split():
        padded = f" {word} "
        for size in NGRAM_SIZES:
            grams.update(padded[i : i + size] for i in range(max(1, len(padded) - size + 1)))
    return grams


class LexicalIndex:
    def __init__(self, texts: Sequence[str]) -> None:
        counts = [char_ngrams(text) for text in texts]
        document_frequency: Counter[str] = Counter()
        for grams in counts:
            document_frequency.update(grams.keys())
        total = len(texts)
        self._vocabulary = {gram: i for i, gram in enumerate(sorted(document_frequency))}
        self._idf = np.array(
            [math.log((1 + total) / (1 + document_frequency[g])) + 1 for g in self._vocabulary],
            dtype=np.float32,
        )
        self._matrix = np.vstack([self._vector(grams) for grams in counts]) if counts else None

    def _vector(self, grams: Counter[str]) -> np.ndarray:
        vector = np.zeros(len(self._vocabulary), dtype=np.float32)
        for gram, count in grams.items():
            index = self._vocabulary.get(gram)
            if index is not None:
                vector[index] = (1 + math.log(count)) * self._idf[index]
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def similarities(self, text: str) -> np.ndarray:
        if self._matrix is None:
            return np.zeros(0, dtype=np.float32)
        return self._matrix @ self._vector(char_ngrams(text))
