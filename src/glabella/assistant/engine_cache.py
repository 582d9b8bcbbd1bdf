"""One embedding model per process and one answering engine per clinic, rebuilt on change."""

from __future__ import annotations

import threading
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

from glabella.accounts.models import Clinic
from glabella.clinical import load_catalogue

from .engine.embedder import Embedder
from .engine.retrieval import Engine, KnowledgeItem, Mode, Thresholds
from .engine.text import BrandSpeller
from .engine.vector_cache import CachedEncoder, SqliteStore
from .models import CachedEmbedding, Entry
from .starter import starter_entries

DATA_DIR = Path(__file__).parent / "data"
MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
# The urgent-care entry answers only when triage fires; it never competes in retrieval.
URGENT_TOPIC = "urgent_care"
_engines: dict[str, tuple[int, Engine]] = {}
_lock = threading.Lock()


class DatabaseVectorStore:
    def get_many(self, keys: list[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for start in range(0, len(keys), 500):
            rows = CachedEmbedding.objects.filter(key__in=keys[start : start + 500])
            found.update({row.key: bytes(row.vector) for row in rows})
        return found

    def put_many(self, vectors: dict[str, bytes]) -> None:
        CachedEmbedding.objects.bulk_create(
            [CachedEmbedding(key=k, vector=v) for k, v in vectors.items()],
            ignore_conflicts=True,
        )


@cache
def embedder() -> Embedder:
    return Embedder()


@cache
def brand_speller() -> BrandSpeller:
    names: dict[str, list[str]] = {
        product.id: [product.brand, product.generic, *product.aliases]
        for product in load_catalogue().products.values()
    }
    extra = _read_toml("spellings.toml").get("brands", {})
    for brand, spellings in extra.items():
        names.setdefault(brand, []).extend(spellings)
    return BrandSpeller(names)


@cache
def out_of_scope_examples() -> tuple[str, ...]:
    return tuple(_read_toml("out_of_scope.toml")["examples"])


@cache
def thresholds() -> Thresholds:
    return Thresholds(**_read_toml("thresholds.toml")["thresholds"])


@cache
def fixed_answers() -> dict[str, dict[str, str]]:
    return _read_toml("fixed_answers.toml")


def _read_toml(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open("rb") as handle:
        return tomllib.load(handle)


def approved_items(clinic: Clinic) -> list[KnowledgeItem]:
    entries = (
        Entry.objects.answering()
        .filter(clinic=clinic)
        .exclude(topic=URGENT_TOPIC)
        .select_related("approved_version")
    )
    return [_item(entry) for entry in entries]


def _item(entry: Entry) -> KnowledgeItem:
    version = entry.approved_version
    assert version is not None  # answering() guarantees it  # noqa: S101
    return KnowledgeItem(
        entry_id=str(entry.public_id),
        version=version.number,
        topic=entry.topic,
        title=version.title,
        phrasings=tuple(version.phrasings),
        answer=version.answer,
        source=version.source,
    )


def build_engine(items: list[KnowledgeItem]) -> Engine:
    return Engine(
        items,
        encoder=embedder(),
        out_of_scope=out_of_scope_examples(),
        speller=brand_speller(),
        thresholds=thresholds(),
        index_encoder=CachedEncoder(embedder(), DatabaseVectorStore(), MODEL_ID),
    )


def starter_items() -> list[KnowledgeItem]:
    return [
        KnowledgeItem(
            entry_id=f"starter-{index}",
            version=1,
            topic=text.topic,
            title=text.title,
            phrasings=text.phrasings,
            answer=text.answer,
            source=text.source,
        )
        for index, text in enumerate(starter_entries(), start=1)
        if text.topic != URGENT_TOPIC
    ]


def starter_engine(thresholds_: Thresholds | None = None, mode: Mode = "combined") -> Engine:
    """An engine over the shipped starter content, without a database."""
    return Engine(
        starter_items(),
        encoder=embedder(),
        out_of_scope=out_of_scope_examples(),
        speller=brand_speller(),
        thresholds=thresholds_ or thresholds(),
        mode=mode,
        index_encoder=CachedEncoder(embedder(), _file_store(), MODEL_ID),
    )


@cache
def _file_store() -> SqliteStore:
    return SqliteStore(Path(settings.VAR_DIR) / "embeddings.sqlite3")


def engine_for(clinic: Clinic) -> Engine:
    """The clinic's engine, rebuilt when its approved content has changed."""
    revision = Clinic.objects.values_list("assistant_revision", flat=True).get(pk=clinic.pk)
    key = str(clinic.public_id)
    with _lock:
        cached = _engines.get(key)
        if cached is None or cached[0] != revision:
            _engines[key] = (revision, build_engine(approved_items(clinic)))
        return _engines[key][1]
