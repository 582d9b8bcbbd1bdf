"""The shipped starter vectors (assistant/starter_vectors.py): they cover exactly what the
starter engines embed, they are the models' own vectors, a changed file is refused, and with
them an engine is built without running a model."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pytest

from glabella.assistant import engine_cache, starter_vectors
from glabella.assistant.engine.vector_cache import CachedEncoder, TieredStore
from glabella.assistant.starter_vectors import (
    DIGEST_FILE,
    VECTORS_FILE,
    StarterVectorsError,
    load,
    shipped_store,
    starter_keys,
    starter_texts,
)

REGENERATE = "glabella assistant starter-vectors --write"


def test_the_file_covers_exactly_the_starter_texts() -> None:
    shipped = set(shipped_store().keys())
    needed = set(starter_keys())
    assert needed - shipped == set(), f"starter texts changed: run `{REGENERATE}`"
    assert shipped - needed == set(), f"texts no longer in the starter content: `{REGENERATE}`"


def test_keys_are_the_embedding_caches_keys() -> None:
    text = starter_texts()["minilm"][0]
    cached = CachedEncoder(mock.Mock(), mock.Mock(), engine_cache.MODEL_IDS["minilm"])
    assert cached.key(text) in set(shipped_store().keys())


@pytest.mark.parametrize("name", ["minilm", "e5"])
def test_shipped_vectors_are_the_models_vectors(name: str) -> None:
    texts = starter_texts()[name][::300]
    fresh = engine_cache.encoder(name).embed(texts)
    cached = CachedEncoder(mock.Mock(), shipped_store(), engine_cache.MODEL_IDS[name])
    shipped = cached.embed(texts)
    cosines = np.sum(fresh * shipped, axis=1) / (
        np.linalg.norm(fresh, axis=1) * np.linalg.norm(shipped, axis=1)
    )
    assert cosines.min() > 0.9999
    assert np.abs(fresh - shipped).max() < 1e-3  # float16 rounding only


def test_a_changed_file_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / VECTORS_FILE.name
    data = bytearray(VECTORS_FILE.read_bytes())
    data[len(data) // 2] ^= 0xFF
    copy.write_bytes(bytes(data))
    with pytest.raises(StarterVectorsError, match="starter-vectors --write"):
        load(copy, DIGEST_FILE)
    assert load(tmp_path / "missing.npz", DIGEST_FILE).keys() == []


class _NothingStored:
    def get_many(self, keys: list[str]) -> dict[str, bytes]:
        return {}

    def put_many(self, vectors: dict[str, bytes]) -> None:
        pass


class _NoModel:
    def embed(self, texts: list[str]) -> Any:
        raise AssertionError(f"embedded {len(texts)} texts")


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_first_start_builds_the_starter_engine_without_a_model(language: str) -> None:
    store = TieredStore(shipped_store(), _NothingStored())
    with mock.patch.object(engine_cache, "encoder", return_value=_NoModel()):
        engine = engine_cache.build_engine(engine_cache.starter_items(language), language, store)
    assert engine.topics


def test_the_command_reports_an_up_to_date_file(capsys: Any) -> None:
    from django.core.management import call_command

    call_command("assistant", "starter-vectors")
    assert "up to date" in capsys.readouterr().out
    assert starter_vectors.VECTORS_FILE.exists()
