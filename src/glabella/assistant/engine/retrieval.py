"""Finding the approved entry that answers a question, and deciding whether to answer.

Order matters: urgent triage first, then retrieval, then the decision to answer or
abstain. The engine only ever returns an approved entry's own text; it writes none.

Retrieval scores topics, not single phrasings: the mean of a topic's three nearest
phrasings (embedding cosine blended with character n-gram similarity) plus a ridge
classifier trained on the same phrasings and on an out-of-scope example bank. The
classifier's out-of-scope class, the margin over the runner-up topic and the scope gap
decide abstention, on thresholds calibrated on labelled questions.

The scope gap compares like with like: the mean embedding similarity of the best topic's
``neighbours`` nearest phrasings (at most half of a small topic's texts) minus the mean
similarity of the same number of nearest out-of-scope examples. A mean over a few
neighbours, on both sides, is steadier than the single nearest text, which one stray
phrasing or example can decide.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from .guard import steps_outside_role
from .lexical import LexicalIndex
from .text import BrandSpeller
from .triage import Triage, triage

Mode = Literal["lexical", "semantic", "combined"]
DIMENSIONS = 384


class Encoder:
    """What the engine needs of an embedder."""

    def embed(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError


@dataclass(frozen=True)
class KnowledgeItem:
    entry_id: str
    version: int
    topic: str
    title: str
    phrasings: tuple[str, ...]
    answer: str
    source: str = ""


@dataclass(frozen=True)
class Thresholds:
    min_score: float = 0.45
    min_margin: float = 0.02
    min_scope_gap: float = 0.0
    max_out_of_scope: float = 0.5
    lexical_weight: float = 0.45
    classifier_weight: float = 0.5
    neighbours: int = 3
    ridge: float = 0.1
    clarify_margin: float = 0.0


@dataclass(frozen=True)
class Candidate:
    """A topic's best entry and the topic's score.

    ``semantic`` is the mean embedding similarity of the topic's nearest phrasings (up to
    ``neighbours``, at most half the topic's texts); ``lexical`` is the n-gram similarity
    of the best entry's nearest phrasing.
    """

    item: KnowledgeItem
    score: float
    semantic: float
    lexical: float


Kind = Literal["answer", "abstain", "urgent", "clarify"]


@dataclass(frozen=True)
class Decision:
    """What to do with a message.

    ``clarify``: two topics are too close to choose; ``offered`` holds them, best first.
    ``also``: answers to further questions in the same message, in the order asked;
    ``unanswered``: its questions that could not be answered, passed to staff.
    """

    kind: Kind
    candidate: Candidate | None
    confidence: float
    reason: str
    triage: Triage
    ranked: tuple[Candidate, ...] = ()
    out_of_scope_similarity: float = 0.0
    out_of_scope_score: float = 0.0
    timings_ms: dict[str, float] = field(default_factory=dict)
    language: str = "en"
    offered: tuple[Candidate, ...] = ()
    also: tuple[Candidate, ...] = ()
    unanswered: tuple[str, ...] = ()  # questions in the message it could not answer, for staff
    urgent_score: float = 0.0

    @property
    def topic(self) -> str | None:
        if self.kind == "clarify" and self.offered:
            return self.offered[0].item.topic
        return self.candidate.item.topic if self.kind == "answer" and self.candidate else None


class Engine:
    """An index of approved entries, a topic classifier and an out-of-scope bank."""

    def __init__(
        self,
        items: Sequence[KnowledgeItem],
        encoder: Encoder,
        out_of_scope: Sequence[str],
        speller: BrandSpeller,
        thresholds: Thresholds = Thresholds(),
        mode: Mode = "combined",
        index_encoder: Encoder | None = None,
    ) -> None:
        """``encoder`` embeds questions; ``index_encoder`` (which may cache) the index."""
        self.items = tuple(items)
        self.thresholds = thresholds
        self.mode = mode
        self._encoder = encoder
        self._speller = speller
        indexer = index_encoder or encoder
        texts, owners = _index_texts(self.items, speller)
        self._owners = np.array(owners, dtype=np.int64)
        self._vectors = indexer.embed(texts) if texts else np.zeros((0, DIMENSIONS), np.float32)
        self._lexical = LexicalIndex(texts)
        self.topics = tuple(sorted({item.topic for item in self.items}))
        row_topics = [self.items[owner].topic for owner in owners]
        self._topic_rows = [
            np.flatnonzero(np.array([t == topic for t in row_topics], dtype=bool))
            for topic in self.topics
        ]
        self._topic_grid = _padded_rows(self._topic_rows)
        self._topic_sizes = np.array([len(rows) for rows in self._topic_rows], dtype=np.int64)
        scope_texts = [speller.correct(text) for text in out_of_scope]
        self._scope_vectors = (
            indexer.embed(scope_texts) if scope_texts else np.zeros((0, DIMENSIONS), np.float32)
        )
        self._classifier = _train_ridge(
            self._vectors,
            [self.topics.index(t) for t in row_topics],
            self._scope_vectors,
            classes=len(self.topics),
            strength=thresholds.ridge,
        )

    def with_settings(self, thresholds: Thresholds, mode: Mode | None = None) -> Engine:
        """The same index judged with other thresholds or mode (no re-embedding)."""
        clone = object.__new__(Engine)
        clone.__dict__.update(self.__dict__)
        clone.thresholds = thresholds
        clone.mode = mode or self.mode
        return clone

    def decide(self, question: str) -> Decision:
        started = time.perf_counter()
        urgency = triage(question)
        triaged = time.perf_counter()
        if urgency.urgent:
            return Decision(
                kind="urgent",
                candidate=None,
                confidence=1.0,
                reason="urgent symptoms: " + ", ".join(urgency.signals),
                triage=urgency,
                timings_ms=_timings(started, triaged, triaged),
            )
        decision = self.answer(question, urgency)
        return replace(decision, timings_ms=_timings(started, triaged, time.perf_counter()))

    def answer(self, question: str, urgency: Triage, vector: np.ndarray | None = None) -> Decision:
        """Retrieval and the decision to answer, clarify or abstain (triage already done)."""
        if steps_outside_role(question):
            reason = "asks the assistant to step outside its role"
            return Decision(
                kind="abstain", candidate=None, confidence=0.0, reason=reason, triage=urgency
            )
        decision = self._retrieve(question, urgency, vector)
        kind, reason = judge(decision, self.thresholds, self.mode)
        offered = _close_calls(decision.ranked, self.thresholds) if kind == "clarify" else ()
        return replace(decision, kind=kind, reason=reason, offered=offered)

    def _retrieve(self, question: str, urgency: Triage, vector: np.ndarray | None) -> Decision:
        if not self.items:
            return Decision(
                kind="abstain", candidate=None, confidence=0.0, reason="", triage=urgency
            )
        text = self._speller.correct(question)
        if vector is None and self.mode != "lexical":
            vector = self._encoder.embed([text])[0]
        if self.mode == "lexical":
            vector = None
        semantic = self._vectors @ vector if vector is not None else np.zeros(len(self._owners))
        lexical = self._lexical.similarities(text)
        blended = self._blend(semantic, lexical)
        topic_scores, out_of_scope = self._topic_scores(blended, vector)
        ranked = self._candidates(topic_scores, blended, semantic, lexical)
        top = ranked[0]
        k = self.thresholds.neighbours
        return Decision(
            kind="abstain",
            candidate=top,
            confidence=round(max(0.0, min(1.0, top.score)), 3),
            reason="",
            triage=urgency,
            ranked=tuple(ranked[:5]),
            out_of_scope_similarity=_mean_of_top(self._scope_vectors @ vector, k)
            if vector is not None
            else 0.0,
            out_of_scope_score=out_of_scope,
        )

    def _blend(self, semantic: np.ndarray, lexical: np.ndarray) -> np.ndarray:
        if self.mode == "lexical":
            return lexical
        if self.mode == "semantic":
            return semantic
        weight = self.thresholds.lexical_weight
        return (1 - weight) * semantic + weight * lexical

    def _topic_scores(
        self, blended: np.ndarray, vector: np.ndarray | None
    ) -> tuple[np.ndarray, float]:
        k = self.thresholds.neighbours
        nearest = _mean_of_nearest(blended, self._topic_grid, k)
        if self.mode != "combined" or vector is None:
            return nearest, 0.0
        votes = np.append(vector, 1.0) @ self._classifier
        weight = self.thresholds.classifier_weight
        return nearest + weight * votes[:-1], float(votes[-1])

    def _candidates(
        self,
        topic_scores: np.ndarray,
        blended: np.ndarray,
        semantic: np.ndarray,
        lexical: np.ndarray,
    ) -> list[Candidate]:
        candidates = []
        # At most half a topic's texts: a handful of phrasings tends to cover different
        # wordings, and a mean over most of them would drift from "nearest" to "average".
        counts = np.minimum(self.thresholds.neighbours, np.maximum(1, self._topic_sizes // 2))
        nearest_semantic = _mean_of_nearest(semantic, self._topic_grid, counts)
        for index in np.argsort(-topic_scores):
            rows = self._topic_rows[index]
            row = rows[int(np.argmax(blended[rows]))]
            candidates.append(
                Candidate(
                    item=self.items[int(self._owners[row])],
                    score=float(topic_scores[index]),
                    semantic=float(nearest_semantic[index]),
                    lexical=float(lexical[row]),
                )
            )
        return candidates


def judge(
    decision: Decision, limits: Thresholds, mode: Mode
) -> tuple[Literal["answer", "abstain", "clarify"], str]:
    """Answer only a strong, unambiguous match that is nearer the service than not.

    A match that passes every check but sits within ``clarify_margin`` of the runner-up is
    offered with it ("Did you mean...") rather than answered or abstained.
    """
    ranked = decision.ranked
    if not ranked:
        return "abstain", "no approved entries"
    top = ranked[0]
    margin = top.score - ranked[1].score if len(ranked) > 1 else top.score
    if top.score < limits.min_score:
        return "abstain", f"best match too weak ({top.score:.2f})"
    if margin < limits.min_margin:
        return "abstain", f"two topics too close ({margin:.3f})"
    if mode == "combined" and decision.out_of_scope_score > limits.max_out_of_scope:
        return "abstain", f"looks out of scope ({decision.out_of_scope_score:.2f})"
    if mode != "lexical" and top.semantic - decision.out_of_scope_similarity < limits.min_scope_gap:
        return (
            "abstain",
            f"closer to out-of-scope examples ({decision.out_of_scope_similarity:.2f})",
        )
    if margin < limits.clarify_margin:
        return "clarify", f"two topics close ({margin:.3f}): asking which"
    return "answer", f"score {top.score:.2f}, margin {margin:.3f}"


def _close_calls(ranked: Sequence[Candidate], limits: Thresholds) -> tuple[Candidate, ...]:
    """The best topic and those within the clarify margin of it, at most three."""
    if not ranked:
        return ()
    best = ranked[0].score
    return tuple(c for c in ranked[:3] if best - c.score < limits.clarify_margin)


def _train_ridge(
    vectors: np.ndarray, labels: list[int], scope: np.ndarray, *, classes: int, strength: float
) -> np.ndarray:
    """One-vs-rest ridge regression (closed form): topics plus an out-of-scope class."""
    features = np.vstack([vectors, scope])
    targets = np.full((len(features), classes + 1), -1.0, dtype=np.float64)
    for row, label in enumerate([*labels, *([classes] * len(scope))]):
        targets[row, label] = 1.0
    design = np.hstack([features, np.ones((len(features), 1))]).astype(np.float64)
    gram = design.T @ design + strength * np.eye(design.shape[1])
    return np.linalg.solve(gram, design.T @ targets).astype(np.float32)


def _padded_rows(rows: list[np.ndarray]) -> np.ndarray:
    """Each topic's row numbers, padded with -1 to a rectangle for vectorised look-ups."""
    width = max((len(r) for r in rows), default=0)
    grid = np.full((len(rows), width), -1, dtype=np.int64)
    for index, topic_rows in enumerate(rows):
        grid[index, : len(topic_rows)] = topic_rows
    return grid


def _mean_of_nearest(scores: np.ndarray, grid: np.ndarray, k: int | np.ndarray) -> np.ndarray:
    """Per topic, the mean of its ``k`` best scores (fewer if it has fewer phrasings).

    ``k`` is one count for every topic or an array with one count per topic.
    """
    gathered = np.where(grid >= 0, scores[np.clip(grid, 0, None)], -np.inf)
    ordered = -np.sort(-gathered, axis=1)
    counts = np.minimum(np.broadcast_to(k, (len(grid),)), (grid >= 0).sum(axis=1))
    taken = np.arange(ordered.shape[1]) < counts[:, None]
    means: np.ndarray = np.where(taken, ordered, 0.0).sum(axis=1) / np.maximum(counts, 1)
    return means


def _mean_of_top(values: np.ndarray, k: int) -> float:
    """The mean of the ``k`` largest values (all of them if fewer); 0 when empty."""
    if not values.size:
        return 0.0
    count = min(max(k, 1), values.size)
    return float(np.partition(values, values.size - count)[-count:].mean())


def _index_texts(
    items: Sequence[KnowledgeItem], speller: BrandSpeller
) -> tuple[list[str], list[int]]:
    texts: list[str] = []
    owners: list[int] = []
    for index, item in enumerate(items):
        for text in (item.title, *item.phrasings):
            texts.append(speller.correct(text))
            owners.append(index)
    return texts, owners


def _timings(started: float, triaged: float, retrieved: float) -> dict[str, float]:
    return {
        "triage": round((triaged - started) * 1000, 3),
        "retrieval": round((retrieved - triaged) * 1000, 3),
        "total": round((time.perf_counter() - started) * 1000, 3),
    }
