"""Measuring the assistant on labelled questions, and calibrating its thresholds."""

from __future__ import annotations

import itertools
import json
import statistics
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .retrieval import Decision, Engine, Thresholds

RED_FLAG = "RED_FLAG"
OUT_OF_SCOPE = "OUT_OF_SCOPE"
SPECIAL = {RED_FLAG, OUT_OF_SCOPE}
# A "Did you mean…" reply is not an abstention: the patient gets approved answers to pick.
ANSWERING = ("answer", "clarify")


@dataclass(frozen=True)
class Sample:
    question: str
    labels: tuple[str, ...]
    source_language: str = ""  # the file's own "lang", when it gives one (not used to decide)

    @property
    def in_scope(self) -> bool:
        return not SPECIAL & set(self.labels)


def read_samples(path: Path) -> list[Sample]:
    samples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            samples.append(
                Sample(
                    question=record["q"],
                    labels=tuple(record["labels"]),
                    source_language=str(record.get("lang", "")),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: expected {{'q': ..., 'labels': [...]}}") from exc
    return samples


class Decides(Protocol):
    def decide(self, question: str) -> Decision: ...


def evaluate(engine: Decides, samples: Sequence[Sample]) -> dict[str, Any]:
    """Summary and per-question items; the language is detected per question."""
    decisions = [engine.decide(sample.question) for sample in samples]
    return {
        "summary": summarise(samples, decisions),
        "items": [
            _item(sample, decision) for sample, decision in zip(samples, decisions, strict=True)
        ],
    }


def summarise(samples: Sequence[Sample], decisions: Sequence[Decision]) -> dict[str, Any]:
    pairs = list(zip(samples, decisions, strict=True))
    in_scope = [(s, d) for s, d in pairs if s.in_scope]
    out_of_scope = [(s, d) for s, d in pairs if OUT_OF_SCOPE in s.labels]
    red_flags = [(s, d) for s, d in pairs if RED_FLAG in s.labels]
    not_red = [(s, d) for s, d in pairs if RED_FLAG not in s.labels]
    answered = [(s, d) for s, d in in_scope if d.kind in ANSWERING]
    latencies = sorted(d.timings_ms.get("total", 0.0) for d in decisions)
    return {
        "questions": len(samples),
        "in_scope": len(in_scope),
        "top1_accuracy": _share(in_scope, _top1_correct),
        "answered_accuracy": _share(answered, _top1_correct),
        "coverage": _share(in_scope, lambda s, d: d.kind in ANSWERING),
        "out_of_scope_abstention": _share(out_of_scope, lambda s, d: d.kind == "abstain"),
        "red_flag_recall": _share(red_flags, lambda s, d: d.kind == "urgent"),
        "false_alarm_rate": _share(not_red, lambda s, d: d.kind == "urgent"),
        "latency_ms_p50": round(statistics.median(latencies), 2) if latencies else 0.0,
        "latency_ms_p99": round(_percentile(latencies, 0.99), 2) if latencies else 0.0,
        "clarified": _share(in_scope, lambda s, d: d.kind == "clarify"),
        "languages": dict(sorted(Counter(d.language for d in decisions).items())),
        "misses_by_topic": _misses(in_scope),
    }


def _top1_correct(sample: Sample, decision: Decision) -> bool:
    if decision.kind == "urgent" or not decision.ranked:
        return False
    return decision.ranked[0].item.topic in sample.labels


def _share(pairs: Sequence[tuple[Sample, Decision]], test: Any) -> float:
    if not pairs:
        return 0.0
    return round(sum(1 for s, d in pairs if test(s, d)) / len(pairs), 4)


def _percentile(ordered: Sequence[float], fraction: float) -> float:
    index = min(len(ordered) - 1, max(0, int(round(fraction * len(ordered))) - 1))
    return ordered[index]


def _misses(pairs: Iterable[tuple[Sample, Decision]]) -> dict[str, list[str]]:
    misses: dict[str, list[str]] = defaultdict(list)
    for sample, decision in pairs:
        if not (_top1_correct(sample, decision) and decision.kind in ANSWERING):
            got = decision.ranked[0].item.topic if decision.ranked else decision.kind
            misses[sample.labels[0]].append(f"{sample.question} → {got} ({decision.kind})")
    return dict(sorted(misses.items()))


def _item(sample: Sample, decision: Decision) -> dict[str, Any]:
    return {
        "q": sample.question,
        "labels": list(sample.labels),
        "topic": decision.topic,
        "urgent": decision.kind == "urgent",
        "abstained": decision.kind == "abstain",
        "offered": [candidate.item.topic for candidate in decision.offered],
        "also": [candidate.item.topic for candidate in decision.also],
        "language": decision.language,
        "confidence": decision.confidence,
        "ms": decision.timings_ms.get("total", 0.0),
    }


def calibrate(
    engine: Engine, samples: Sequence[Sample], *, min_abstention: float = 0.90
) -> tuple[Thresholds, dict[str, Any]]:
    """Grid-search the thresholds on labelled questions (never on the evaluation set).

    Objective: top-1 accuracy × coverage on in-scope questions, among settings that
    abstain on at least ``min_abstention`` of out-of-scope ones.
    """
    best: tuple[float, Thresholds] | None = None
    base = engine.thresholds
    for lexical, classifier in itertools.product((0.35, 0.45, 0.55), (0.3, 0.5, 0.8)):
        weighted = engine.with_settings(
            replace(base, lexical_weight=lexical, classifier_weight=classifier)
        )
        table = _feature_table(weighted, samples)
        for limits in _grid(weighted.thresholds):
            objective = _objective(table, limits, min_abstention)
            if objective is not None and (best is None or objective > best[0]):
                best = (objective, limits)
    if best is None:
        raise ValueError("no thresholds reach the required out-of-scope abstention")
    chosen = engine.with_settings(best[1])
    return best[1], summarise(samples, [chosen.decide(s.question) for s in samples])


def _feature_table(engine: Engine, samples: Sequence[Sample]) -> dict[str, np.ndarray]:
    open_limits = Thresholds(
        -9, -9, -9, 9, engine.thresholds.lexical_weight, engine.thresholds.classifier_weight
    )
    decisions = [engine.with_settings(open_limits).decide(s.question) for s in samples]
    rows = []
    for sample, decision in zip(samples, decisions, strict=True):
        ranked = decision.ranked
        top = ranked[0].score if ranked else -9.0
        runner = ranked[1].score if len(ranked) > 1 else -9.0
        gap = (ranked[0].semantic if ranked else 0.0) - decision.out_of_scope_similarity
        rows.append(
            (
                top,
                top - runner,
                decision.out_of_scope_score,
                gap,
                _top1_correct(sample, decision),
                sample.in_scope,
                OUT_OF_SCOPE in sample.labels,
            )
        )
    columns = list(zip(*rows, strict=True))
    names = ["score", "margin", "scope_score", "scope_gap", "correct", "in_scope", "oos"]
    return {name: np.array(column) for name, column in zip(names, columns, strict=True)}


def _objective(
    table: dict[str, np.ndarray], limits: Thresholds, min_abstention: float
) -> float | None:
    answered = (
        (table["score"] >= limits.min_score)
        & (table["margin"] >= limits.min_margin)
        & (table["scope_score"] <= limits.max_out_of_scope)
        & (table["scope_gap"] >= limits.min_scope_gap)
    )
    oos = table["oos"].astype(bool)
    in_scope = table["in_scope"].astype(bool)
    if oos.any() and 1 - answered[oos].mean() < min_abstention:
        return None
    correct_answers = (answered & table["correct"].astype(bool))[in_scope]
    return float(correct_answers.mean())


def _grid(base: Thresholds) -> Iterable[Thresholds]:
    scores = [round(0.0 + 0.04 * i, 3) for i in range(16)]
    margins = [0.0, 0.01, 0.02, 0.04, 0.06]
    scope_scores = [round(-0.6 + 0.1 * i, 2) for i in range(13)]
    gaps = [-0.3, -0.2, -0.1, -0.05, 0.0, 0.025, 0.05, 0.075, 0.1, 0.125, 0.15]
    for score, margin, scope, gap in itertools.product(scores, margins, scope_scores, gaps):
        yield replace(
            base, min_score=score, min_margin=margin, max_out_of_scope=scope, min_scope_gap=gap
        )


def write_thresholds(path: Path, language: str, chosen: Thresholds) -> None:
    """Writes one language's thresholds, keeping the others' (English is the main table)."""
    tables = read_thresholds(path)
    tables[language] = asdict(chosen)
    lines = [
        "# Calibrated by `glabella assistant calibrate --write [--language es]` on the",
        "# calibration questions of each language (never on an evaluation set).",
        "[thresholds]",
        *(f"{k} = {v}" for k, v in tables["en"].items()),
    ]
    for code in sorted(set(tables) - {"en"}):
        lines += ["", f"[thresholds.{code}]", *(f"{k} = {v}" for k, v in tables[code].items())]
    path.write_text("\n".join(lines) + "\n")


def read_thresholds(path: Path) -> dict[str, dict[str, Any]]:
    """Each language's calibrated values: English the main table, others its sub-tables."""
    with path.open("rb") as handle:
        table = tomllib.load(handle)["thresholds"]
    english = {k: v for k, v in table.items() if not isinstance(v, dict)}
    return {"en": english} | {k: v for k, v in table.items() if isinstance(v, dict)}
