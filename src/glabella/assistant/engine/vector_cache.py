"""Embeddings cached by text, so that rebuilding an index does not re-run the model."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Protocol

import numpy as np

from .retrieval import Encoder

DIMENSIONS = 384
BUSY_SECONDS = 60  # how long a write waits for another process's write to finish


class VectorStore(Protocol):
    def get_many(self, keys: list[str]) -> dict[str, bytes]: ...

    def put_many(self, vectors: dict[str, bytes]) -> None: ...


class CachedEncoder(Encoder):
    def __init__(self, encoder: Encoder, store: VectorStore, model_id: str) -> None:
        self._encoder = encoder
        self._store = store
        self._model_id = model_id

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{self._model_id}\n{text}".encode()).hexdigest()

    def embed(self, texts: list[str]) -> np.ndarray:
        keys = [self.key(text) for text in texts]
        found = self._store.get_many(sorted(set(keys)))
        missing = sorted({t for t, k in zip(texts, keys, strict=True) if k not in found})
        if missing:
            fresh = self._encoder.embed(missing)
            new = {
                self.key(t): v.astype(np.float32).tobytes()
                for t, v in zip(missing, fresh, strict=True)
            }
            self._store.put_many(new)
            found |= new
        return np.vstack([np.frombuffer(found[k], dtype=np.float32) for k in keys]).reshape(
            len(texts), DIMENSIONS
        )


class SqliteStore:
    """A file of cached embeddings, for engines built outside the web app (CLI, benchmarks).

    Several processes may share the file (server workers, parallel test workers): in WAL mode
    readers never wait for a writer, and a writer waits its turn instead of failing."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(path, check_same_thread=False, timeout=BUSY_SECONDS)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute(
            "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)"
        )

    def get_many(self, keys: list[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._connection.execute(
                f"SELECT key, vector FROM vectors WHERE key IN ({marks})",  # noqa: S608
                chunk,
            )
            found.update({key: bytes(vector) for key, vector in rows})
        return found

    def put_many(self, vectors: dict[str, bytes]) -> None:
        with self._connection:
            self._connection.executemany(
                "INSERT OR IGNORE INTO vectors (key, vector) VALUES (?, ?)", vectors.items()
            )


class TieredStore:
    """A near store in front of a shared one: reads try near first, writes go to both."""

    def __init__(self, near: VectorStore, shared: VectorStore) -> None:
        self._near = near
        self._shared = shared

    def get_many(self, keys: list[str]) -> dict[str, bytes]:
        found = self._near.get_many(keys)
        missing = [key for key in keys if key not in found]
        if missing:
            fetched = self._shared.get_many(missing)
            if fetched:
                self._near.put_many(fetched)
            found |= fetched
        return found

    def put_many(self, vectors: dict[str, bytes]) -> None:
        self._near.put_many(vectors)
        self._shared.put_many(vectors)
