"""Embeddings of the starter content, shipped in the package, so that no server's first start
embeds thousands of phrasings (about 80 s on 2 cores).

``data/starter_vectors.npz`` holds, for every text the starter engines embed when they are
built (each entry's title and phrasings, the out-of-scope examples; English with MiniLM, the
other languages with e5), the vector under the embedding cache's own key (model and text),
stored as float16 (half the size; the assistant's tests and evaluations give the same results
as with float32). ``data/starter_vectors.sha256`` pins the file: a file that does not match
is refused. ``glabella assistant starter-vectors --write`` regenerates both; a test fails when
the starter content changes without regenerating them.

Clinics' approved entries start as the starter texts, so their engines find them here too.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from .engine.retrieval import Encoder, Engine
from .engine.vector_cache import DIMENSIONS

DATA_DIR = Path(__file__).parent / "data"
VECTORS_FILE = DATA_DIR / "starter_vectors.npz"
DIGEST_FILE = DATA_DIR / "starter_vectors.sha256"


class StarterVectorsError(RuntimeError):
    pass


class ShippedStore:
    """A read-only vector store over the shipped file (float32 bytes, as the cache keeps)."""

    def __init__(self, keys: list[str], vectors: np.ndarray) -> None:
        self._rows = {key: row for row, key in enumerate(keys)}
        self._vectors = vectors

    def keys(self) -> list[str]:
        return list(self._rows)

    def get_many(self, keys: list[str]) -> dict[str, bytes]:
        return {
            key: self._vectors[self._rows[key]].astype(np.float32).tobytes()
            for key in keys
            if key in self._rows
        }

    def put_many(self, vectors: dict[str, bytes]) -> None:
        """Nothing: the shipped file changes only through ``write``."""


@cache
def shipped_store() -> ShippedStore:
    return load(VECTORS_FILE, DIGEST_FILE)


def load(path: Path, digest_path: Path) -> ShippedStore:
    """The store in ``path``, refused unless it matches the digest beside it; empty when the
    file was never generated."""
    if not path.exists():
        return ShippedStore([], np.zeros((0, DIMENSIONS), np.float16))
    expected = digest_path.read_text().split()[0] if digest_path.exists() else ""
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != expected:
        raise StarterVectorsError(
            f"{path.name} does not match {digest_path.name} ({actual[:12]} != {expected[:12]}): "
            "run `glabella assistant starter-vectors --write`"
        )
    with np.load(path, allow_pickle=False) as data:
        keys = [key.decode() for key in data["keys"]]
        return ShippedStore(keys, data["vectors"])


class _Recorder(Encoder):
    """Stands in for a model while the starter engines are built: notes what they embed."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.texts.extend(texts)
        return np.zeros((len(texts), DIMENSIONS), np.float32)


def starter_texts() -> dict[str, list[str]]:
    """Every text the starter engines embed when built, by encoder name; no model runs."""
    from . import engine_cache
    from .engine.assistant import encoder_for
    from .starter import STARTER_FILES, file_language

    texts: dict[str, list[str]] = defaultdict(list)
    for path in STARTER_FILES:
        language = file_language(path)
        recorder = _Recorder()
        Engine(
            engine_cache.starter_items(language),
            encoder=recorder,
            out_of_scope=engine_cache.out_of_scope_examples(language),
            speller=engine_cache.brand_speller(),
            thresholds=engine_cache.thresholds(language),
        )
        texts[encoder_for(language)].extend(recorder.texts)
    return {name: list(dict.fromkeys(found)) for name, found in texts.items()}


def starter_keys() -> list[str]:
    """The cache keys of every starter text, sorted."""
    from .engine_cache import MODEL_IDS

    return sorted(
        _key(MODEL_IDS[name], text) for name, texts in starter_texts().items() for text in texts
    )


def write(path: Path = VECTORS_FILE, digest_path: Path = DIGEST_FILE) -> int:
    """Embed every starter text (the model's float32 output, through this machine's embedding
    cache, never the shipped file) and write the file and its digest; the vectors written."""
    from .engine.vector_cache import CachedEncoder
    from .engine_cache import MODEL_IDS, _file_store, encoder

    rows: dict[str, Any] = {}
    for name, texts in starter_texts().items():
        vectors = CachedEncoder(encoder(name), _file_store(), MODEL_IDS[name]).embed(texts)
        rows |= {_key(MODEL_IDS[name], t): v for t, v in zip(texts, vectors, strict=True)}
    keys = sorted(rows)
    with path.open("wb") as handle:
        np.savez_compressed(
            handle,
            keys=np.array([key.encode() for key in keys], dtype="S64"),
            vectors=np.vstack([rows[key] for key in keys]).astype(np.float16),
        )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    digest_path.write_text(f"{digest}  {path.name}\n")
    shipped_store.cache_clear()
    return len(keys)


def _key(model_id: str, text: str) -> str:
    # The same key as the embedding cache (engine/vector_cache.CachedEncoder.key).
    return hashlib.sha256(f"{model_id}\n{text}".encode()).hexdigest()
