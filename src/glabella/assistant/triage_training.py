"""Training the learned urgent net, and the file of weights it ships as.

``glabella assistant train-triage`` runs this: it embeds the triage bank (and ordinary
questions as easy negatives), scores every bank text with a net trained without its
author's batch, sets the threshold as low as the calibration questions allow (at most 1%
of everyday questions may be told to seek urgent care, lexicon included), keeps the
regularisation that catches the most held-out urgent texts, prints what each batch got,
and with ``--write`` stores the weights in ``data/urgent_net.npz``. The engine loads that
file instead of training at start-up; a test checks that it was trained on the texts in
the repository.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import engine_cache
from .engine.assistant import ENGLISH_ENCODER
from .engine.retrieval import Encoder
from .engine.triage import triage
from .engine.urgent_net import (
    BankText,
    Example,
    UrgentNet,
    bank_digest,
    examples,
    fit,
    load_nets,
    out_of_batch_scores,
    read_bank,
    save_nets,
    saved_digests,
)
from .starter import STARTER_FILES, file_language, starter_entries

WEIGHTS_FILE = engine_cache.NETS_FILE
STRENGTHS = (0.0001, 0.0003, 0.001)
CALIBRATION_DIR = engine_cache.DATA_DIR
# Ordinary questions may set off the union at most this often (lexicon and net together).
MAX_ORDINARY_ALARMS = 0.01
# Languages with starter answers; the others are always handed to staff.
ANSWERED_LANGUAGES = ("en", "es")
HANDOFF_MARGIN = 0.02
MIN_HANDOFF_THRESHOLD = 0.05


@dataclass(frozen=True)
class BatchReport:
    batch: str
    urgent: int
    caught: int
    negatives: int
    false_alarms: int


@dataclass(frozen=True)
class Trained:
    encoder: str
    net: UrgentNet
    strength: float
    reports: tuple[BatchReport, ...]


def training_texts(encoder: str) -> tuple[list[BankText], list[tuple[str, bool, str]]]:
    """The bank texts an encoder learns from, and the ordinary questions beside them."""
    bank = [t for t in read_bank() if encoder != ENGLISH_ENCODER or t.language == "en"]
    ordinary: list[tuple[str, bool, str]] = []
    for path in STARTER_FILES:
        language = file_language(path)
        if not path.exists() or (encoder == ENGLISH_ENCODER and language != "en"):
            continue
        for entry in starter_entries(path):
            urgent = entry.topic == engine_cache.URGENT_TOPIC
            ordinary += [(p, urgent, f"kb_{language}") for p in entry.phrasings]
    scope_language = "en" if encoder == ENGLISH_ENCODER else "es"
    examples_ = engine_cache.out_of_scope_examples(scope_language)
    ordinary += [(t, False, "out_of_scope") for t in examples_]
    return bank, ordinary


def digest_for(encoder: str) -> str:
    bank, ordinary = training_texts(encoder)
    return bank_digest(bank, [f"{int(urgent)}{text}" for text, urgent, _ in ordinary])


def train_encoder(encoder: str) -> Trained:
    """Picks the regularisation and threshold that catch the most held-out urgent texts
    while firing on at most ``MAX_ORDINARY_ALARMS`` of the ordinary calibration questions."""
    bank, ordinary = training_texts(encoder)
    embed = _corrected(engine_cache.cached_encoder(encoder))
    labelled = examples([(t.text, t.urgent, t.batch) for t in bank], embed)
    always = examples(ordinary, embed)
    everyday = examples(calibration_questions(encoder), embed)
    by_lexicon = np.array([triage(e.text).urgent for e in labelled])
    everyday_by_lexicon = np.array([triage(e.text).urgent for e in everyday])
    urgent = np.array([e.urgent for e in labelled])
    best: tuple[float, int, float, float, np.ndarray, np.ndarray] | None = None
    for strength in STRENGTHS:
        held_out = out_of_batch_scores(labelled, always, strength=strength)
        weights = fit([*labelled, *always], strength=strength)
        net = UrgentNet(weights, threshold=0.5)
        everyday_scores = np.array([float(net.probabilities(e.rows).max()) for e in everyday])
        threshold = _lowest_quiet_threshold(everyday_scores, everyday_by_lexicon)
        fired = (held_out >= threshold) | by_lexicon
        recall = float(fired[urgent].mean())
        alarms = int(fired[~urgent].sum())
        if best is None or (recall, -alarms) > (best[0], -best[1]):
            best = (recall, alarms, strength, threshold, fired, held_out)
    assert best is not None  # noqa: S101  (STRENGTHS is not empty)
    _, _, strength, threshold, fired, held_out = best
    handoff = _recall_threshold(labelled, held_out, by_lexicon)
    net = UrgentNet(fit([*labelled, *always], strength=strength), threshold, handoff)
    handed_over = np.array([_handed_over(e) for e in labelled])
    fired = np.where(handed_over, (held_out >= handoff) | by_lexicon, fired)
    return Trained(encoder, net, strength, _reports(labelled, fired))


def _recall_threshold(
    labelled: Sequence[Example], held_out: np.ndarray, by_lexicon: np.ndarray
) -> float:
    """Under every held-out urgent text the lexicon misses in the languages without answers."""
    needed = [
        score
        for example, score, caught in zip(labelled, held_out, by_lexicon, strict=True)
        if example.urgent
        and not caught
        and example.batch.split("_", 1)[0] not in ANSWERED_LANGUAGES
    ]
    return max(MIN_HANDOFF_THRESHOLD, min(needed, default=0.5) - HANDOFF_MARGIN)


def _corrected(encoder: Encoder) -> Callable[[list[str]], np.ndarray]:
    """Embeds texts as the assistant embeds a message: brand spellings corrected first."""
    speller = engine_cache.brand_speller()
    return lambda texts: encoder.embed([speller.correct(text) for text in texts])


def _handed_over(example: Example) -> bool:
    return example.batch.split("_", 1)[0] not in ANSWERED_LANGUAGES


def calibration_questions(encoder: str) -> list[tuple[str, bool, str]]:
    """Everyday questions (not urgent, not in training) the net must stay quiet on."""
    files = [CALIBRATION_DIR / "calibration.jsonl"]
    if encoder != ENGLISH_ENCODER:
        files.append(CALIBRATION_DIR / "calibration_es.jsonl")
    questions = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else None
            if row and "RED_FLAG" not in row["labels"]:
                questions.append((row["q"], False, path.stem))
    return questions


def _lowest_quiet_threshold(scores: np.ndarray, by_lexicon: np.ndarray) -> float:
    """The lowest threshold at which the union fires on at most the allowed share."""
    allowed = int(MAX_ORDINARY_ALARMS * len(scores)) - int(by_lexicon.sum())
    quiet = np.sort(scores[~by_lexicon])[::-1]
    if allowed < 0 or not len(quiet):
        return 1.0
    return float(quiet[allowed]) + 1e-6 if allowed < len(quiet) else 0.0


def _reports(labelled: Sequence[Example], fired: np.ndarray) -> tuple[BatchReport, ...]:
    reports = []
    for batch in sorted({e.batch for e in labelled}):
        rows = [i for i, e in enumerate(labelled) if e.batch == batch]
        positives = [i for i in rows if labelled[i].urgent]
        negatives = [i for i in rows if not labelled[i].urgent]
        reports.append(
            BatchReport(
                batch=batch,
                urgent=len(positives),
                caught=int(fired[positives].sum()),
                negatives=len(negatives),
                false_alarms=int(fired[negatives].sum()),
            )
        )
    return tuple(reports)


def write_weights(
    trained: Sequence[Trained],
    path: Path = WEIGHTS_FILE,
    keep: tuple[dict[str, UrgentNet], dict[str, str]] = ({}, {}),
) -> None:
    """Stores the trained nets, keeping the others already in the file (``keep``)."""
    nets, digests = dict(keep[0]), dict(keep[1])
    for item in trained:
        nets[item.encoder] = item.net
        digests[item.encoder] = digest_for(item.encoder)
    save_nets(path, nets, digests)


def load_nets_with_digests(
    path: Path = WEIGHTS_FILE,
) -> tuple[dict[str, UrgentNet], dict[str, str]]:
    if not path.exists():
        return {}, {}
    return load_nets(path), saved_digests(path)
