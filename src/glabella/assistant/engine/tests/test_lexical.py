"""The sparse character n-gram index gives the cosine similarities a dense matrix would."""

import math

import numpy as np
import pytest

from glabella.assistant.engine.lexical import LexicalIndex, char_ngrams

TEXTS = [
    "how long does botox last",
    "does it hurt",
    "how much is dysport per unit",
    "is it safe while breastfeeding",
    "how long does it last",
]


def dense_similarities(texts: list[str], question: str) -> np.ndarray:
    """The same TF-IDF cosine written out plainly, as the reference."""
    counts = [char_ngrams(text) for text in texts]
    vocabulary = sorted({gram for grams in counts for gram in grams})
    frequency = {gram: sum(1 for grams in counts if gram in grams) for gram in vocabulary}
    idf = {g: math.log((1 + len(texts)) / (1 + frequency[g])) + 1 for g in vocabulary}

    def vector(grams: dict[str, int]) -> np.ndarray:
        row = np.array(
            [(1 + math.log(grams[g])) * idf[g] if g in grams else 0.0 for g in vocabulary]
        )
        norm = np.linalg.norm(row)
        return row / norm if norm else row

    matrix = np.vstack([vector(grams) for grams in counts])
    return matrix @ vector(char_ngrams(question))


@pytest.mark.parametrize(
    "question", ["how long does it last", "botux hurt??", "dysprot price", "xyzzy", ""]
)
def test_sparse_scores_match_the_dense_reference(question: str) -> None:
    got = LexicalIndex(TEXTS).similarities(question)
    assert got.shape == (len(TEXTS),)
    assert got == pytest.approx(dense_similarities(TEXTS, question), abs=1e-5)


def test_an_identical_text_scores_one_and_an_empty_index_scores_nothing() -> None:
    index = LexicalIndex(TEXTS)
    assert index.similarities("does it hurt")[1] == pytest.approx(1.0, abs=1e-5)
    assert LexicalIndex([]).similarities("anything").shape == (0,)
