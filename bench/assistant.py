"""Patient assistant, in one run, on the shipped starter content and thresholds:

1. urgent triage on the held-out sets (bench/data/assistant, never used to train or
   calibrate): lexicon only, learned net only, and both, on urgent messages, near-misses
   and ordinary questions, with the 95% upper bound on the miss rate;
2. retrieval in English and Spanish: dev (../shared/qa/dev.jsonl beside the checkout),
   the held-out batches and the calibration sets side by side;
3. lexical only vs embeddings only vs the shipped combination on the English retrieval;
4. latency per language and cold start.
"""

import math
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "glabella.config.settings_test")
django.setup()

from glabella.assistant import engine_cache  # noqa: E402
from glabella.assistant.engine.assistant import encoder_for  # noqa: E402
from glabella.assistant.engine.evaluation import (  # noqa: E402
    Sample,
    evaluate,
    read_samples,
    summarise,
)
from glabella.assistant.engine.triage import triage  # noqa: E402
from glabella.assistant.engine.urgent_net import VALIDATION_DIR, read_bank  # noqa: E402

HELD_OUT = Path(__file__).parent / "data" / "assistant"
DEV_SET = Path(__file__).resolve().parents[2] / "shared" / "qa" / "dev.jsonl"
COLUMNS = [
    ("top1_accuracy", "top-1"),
    ("coverage", "coverage"),
    ("answered_accuracy", "acc. answered"),
    ("out_of_scope_abstention", "OOS abstain"),
    ("red_flag_recall", "red-flag recall"),
    ("false_alarm_rate", "false alarms"),
]
COLD_START = """
import os, time
started = time.perf_counter()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "glabella.config.settings_test")
import django; django.setup()
from glabella.assistant import engine_cache
assistant = engine_cache.starter_assistant()
assistant.decide("how long does it last")
print(time.perf_counter() - started)
"""


def main() -> None:
    assistant = engine_cache.starter_assistant()
    _triage(assistant)
    _validation(assistant)
    decided = _retrieval(assistant)
    _modes()
    _latency(decided)
    _cold_starts()


def _held_out(prefix: str) -> list[Sample]:
    return [s for path in sorted(HELD_OUT.glob(f"{prefix}*.jsonl")) for s in read_samples(path)]


def _triage(assistant) -> None:  # type: ignore[no-untyped-def]
    urgent = _held_out("urgent_")
    near = _held_out("nearmiss_")
    ordinary = _held_out("heldout_") + _held_out("outofscope_")
    print("\nUrgent triage on the held-out sets (never trained or calibrated on)")
    print(f"{'set':34}{'lexicon only':>16}{'net only':>14}{'both':>14}")
    nets = engine_cache.urgent_nets()
    rows = {}
    for name, samples in (("urgent", urgent), ("near-miss", near), ("ordinary", ordinary)):
        votes = [_votes(assistant, nets, s.question) for s in samples]
        rows[name] = (samples, votes)
        label = "recall" if name == "urgent" else "false alarms"
        cells = "".join(f"{_share([v[i] for v in votes]) * 100:13.1f}% " for i in range(3))
        print(f"{name + ' (' + label + ', n=' + str(len(samples)) + ')':34}{cells}")
    samples, votes = rows["urgent"]
    misses = sum(1 for v in votes if not v[2])
    print(
        f"urgent misses (both): {misses} of {len(votes)}; 95% upper bound on the miss rate: "
        f"{_upper_bound(misses, len(votes)) * 100:.2f}%"
    )
    by_language: dict[str, list[bool]] = defaultdict(list)
    for sample, vote in zip(samples, votes, strict=True):
        by_language[_language(sample)].append(vote[2])
    print(
        "urgent recall by language (both): "
        + ", ".join(f"{code} {sum(v)}/{len(v)}" for code, v in sorted(by_language.items()))
    )
    for sample, vote in zip(samples, votes, strict=True):
        if not vote[2]:
            print(f"  missed: {sample.question[:110]}")


def _validation(assistant) -> None:  # type: ignore[no-untyped-def]
    """Our own batches in new voices, written after the nets were trained (never trained on;
    the lexicon's context rules were revised with their false alarms in view)."""
    nets = engine_cache.urgent_nets()
    print("\nUrgent triage on our own validation batches (never trained on)")
    print(f"{'batch':34}{'lexicon only':>16}{'net only':>14}{'both':>14}")
    by_batch: dict[str, list[tuple[bool, tuple[bool, bool, bool]]]] = defaultdict(list)
    for text in read_bank(VALIDATION_DIR):
        by_batch[text.batch].append((text.urgent, _votes(assistant, nets, text.text)))
    for batch, rows in sorted(by_batch.items()):
        for urgent, label in ((True, "recall"), (False, "false alarms")):
            votes = [vote for is_urgent, vote in rows if is_urgent == urgent]
            cells = "".join(f"{_share([v[i] for v in votes]) * 100:13.1f}% " for i in range(3))
            print(f"{batch + ' ' + label + ' (n=' + str(len(votes)) + ')':34}{cells}")


def _votes(assistant, nets, question: str) -> tuple[bool, bool, bool]:  # type: ignore[no-untyped-def]
    decision = assistant.decide(question)
    net = nets.get(encoder_for(decision.language))
    by_net = net is not None and decision.urgent_score >= net.threshold
    return triage(question).urgent, by_net, decision.kind == "urgent"


def _language(sample: Sample) -> str:
    return sample.source_language or "en"


def _retrieval(assistant):  # type: ignore[no-untyped-def]
    sets = []
    if DEV_SET.exists():
        sets.append(("dev (en)", read_samples(DEV_SET)))
    sets += [
        ("held-out en batches", _held_out("heldout_en") + _held_out("outofscope_en")),
        ("calibration en", read_samples(engine_cache.DATA_DIR / "calibration.jsonl")),
        ("held-out es batches", _held_out("heldout_es") + _held_out("outofscope_es")),
        ("calibration es", read_samples(engine_cache.DATA_DIR / "calibration_es.jsonl")),
    ]
    print("\nRetrieval: the whole assistant (language detected per question)")
    print(f"{'set':24}" + "".join(f"{title:>17}" for _, title in COLUMNS) + f"{'n':>6}")
    decided = []
    for name, samples in sets:
        decisions = [assistant.decide(s.question) for s in samples]
        decided += list(zip(samples, decisions, strict=True))
        summary = summarise(samples, decisions)
        cells = "".join(f"{summary[key] * 100:16.1f}%" for key, _ in COLUMNS)
        print(f"{name:24}{cells}{len(samples):6}")
    return decided


def _modes() -> None:
    data = DEV_SET if DEV_SET.exists() else HELD_OUT / "heldout_en_formal.jsonl"
    samples = read_samples(data)
    print(f"\nEnglish retrieval by signal on {data.name} ({len(samples)} questions)")
    shipped = engine_cache.starter_engine()
    for mode in ("lexical", "semantic", "combined"):
        summary = evaluate(shipped.with_settings(shipped.thresholds, mode), samples)["summary"]
        cells = "".join(f"{summary[key] * 100:16.1f}%" for key, _ in COLUMNS[:4])
        print(f"{mode:10}{cells}")
    print("(lexical and semantic share the combined mode's thresholds; only combined is shipped)")


def _latency(decided) -> None:  # type: ignore[no-untyped-def]
    by_language = defaultdict(list)
    for sample, decision in decided:
        by_language[decision.language].append((sample, decision))
    print("\nLatency per question, in process, one at a time (ms)")
    for code, pairs in sorted(by_language.items()):
        summary = summarise(*zip(*pairs, strict=True))
        p50, p99 = summary["latency_ms_p50"], summary["latency_ms_p99"]
        print(f"  {code}: n={len(pairs):5}  p50 {p50:7.2f}  p99 {p99:7.2f}")


def _cold_starts() -> None:
    print("cold start, new process (imports, models + hash checks, indexes, first answer):")
    print(f"  with the embedding cache warm (as after the first start): {_cold_start():.2f} s")
    with tempfile.TemporaryDirectory() as empty:
        print(f"  with no embedding cache at all (first start ever): {_cold_start(empty):.2f} s")


def _cold_start(var_dir: str | None = None) -> float:
    env = {**os.environ, **({"GLABELLA_VAR_DIR": var_dir} if var_dir else {})}
    result = subprocess.run(  # noqa: S603  (our own interpreter)
        [sys.executable, "-c", COLD_START], capture_output=True, text=True, check=True, env=env
    )
    return float(result.stdout.strip().splitlines()[-1])


def _share(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0


def _upper_bound(misses: int, total: int) -> float:
    """One-sided 95% upper bound on a rate (exact binomial; 3/n when nothing was missed)."""
    if total == 0:
        return 1.0
    low, high = misses / total, 1.0
    for _ in range(60):
        middle = (low + high) / 2
        if _binomial_at_most(misses, total, middle) > 0.05:
            low = middle
        else:
            high = middle
    return high


def _binomial_at_most(k: int, n: int, p: float) -> float:
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k + 1))
