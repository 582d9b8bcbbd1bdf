"""A lexical signal: cosine similarity of character n-gram TF-IDF vectors.

Character n-grams tolerate typos ("swolen", "dysprot") that word matching misses.

The index is stored sparse, as one posting list per n-gram (the texts it occurs in and its
weight there): a question touches only its own few hundred n-grams, so scoring costs
microseconds however large the vocabulary grows, where a dense text × vocabulary matrix
would be read in full for every question.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

NGRAM_SIZES = (3, 4, 5)


def char_ngrams(text: str) -> Counter[str]:
    grams: list[str] = []
    for word in text.split():
        padded = f" {word} "
        for size in NGRAM_SIZES:
            grams.extend(padded[i : i + size] for i in range(max(1, len(padded) - size + 1)))
    return Counter(grams)


class LexicalIndex:
    def __init__(self, texts: Sequence[str]) -> None:
        counts = [char_ngrams(text) for text in texts]
        document_frequency: Counter[str] = Counter()
        for grams in counts:
            document_frequency.update(grams.keys())
        total = len(texts)
        self._size = total
        self._vocabulary = {gram: i for i, gram in enumerate(sorted(document_frequency))}
        self._idf = np.array(
            [math.log((1 + total) / (1 + document_frequency[g])) + 1 for g in self._vocabulary],
            dtype=np.float32,
        )
        # Compressed by column: the rows and weights of n-gram j sit at starts[j]:starts[j+1].
        rows, columns, values = [], [], []
        for row, grams in enumerate(counts):
            found, weights = self._weights(grams)
            rows.append(np.full(len(found), row, dtype=np.int64))
            columns.append(found)
            values.append(weights)
        flat_columns = np.concatenate(columns) if columns else np.zeros(0, dtype=np.int64)
        order = np.argsort(flat_columns, kind="stable")
        self._rows = np.concatenate(rows)[order] if rows else np.zeros(0, dtype=np.int64)
        self._values = np.concatenate(values)[order] if values else np.zeros(0, dtype=np.float32)
        per_column = np.bincount(flat_columns, minlength=len(self._vocabulary))
        self._starts = np.concatenate([[0], np.cumsum(per_column)]).astype(np.int64)

    def _weights(self, grams: Counter[str]) -> tuple[np.ndarray, np.ndarray]:
        """The known n-grams' columns and their unit-normalised log-TF × IDF weights."""
        found = [(self._vocabulary[g], c) for g, c in grams.items() if g in self._vocabulary]
        if not found:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        columns = np.array([column for column, _ in found], dtype=np.int64)
        counts = np.array([count for _, count in found], dtype=np.float32)
        weights = (1 + np.log(counts)) * self._idf[columns]
        norm = float(np.linalg.norm(weights))
        return columns, (weights / norm if norm else weights).astype(np.float32)

    def similarities(self, text: str) -> np.ndarray:
        """Cosine similarity of ``text`` with every indexed text, in index order."""
        if not self._size:
            return np.zeros(0, dtype=np.float32)
        columns, weights = self._weights(char_ngrams(text))
        if not columns.size:
            return np.zeros(self._size, dtype=np.float32)
        starts, ends = self._starts[columns], self._starts[columns + 1]
        lengths = ends - starts
        picks = np.repeat(ends - np.cumsum(lengths), lengths) + np.arange(int(lengths.sum()))
        scaled = self._values[picks] * np.repeat(weights, lengths)
        return np.bincount(self._rows[picks], weights=scaled, minlength=self._size).astype(
            np.float32
        )
