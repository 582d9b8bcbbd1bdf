"""Patient assistant: lexical only vs embeddings only vs the shipped combination, one run.

Measured on ../shared/qa/dev.jsonl when it is beside the checkout (else on the
calibration set), with the shipped starter content and thresholds.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "glabella.config.settings_test")
django.setup()

from glabella.assistant import engine_cache  # noqa: E402
from glabella.assistant.engine.evaluation import evaluate, read_samples  # noqa: E402

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
engine = engine_cache.starter_engine()
engine.decide("how long does it last")
print(time.perf_counter() - started)
"""


def main() -> None:
    data = DEV_SET if DEV_SET.exists() else engine_cache.DATA_DIR / "calibration.jsonl"
    samples = read_samples(data)
    print(f"\nPatient assistant on {data.name} ({len(samples)} questions)")
    header = f"{'mode':10}" + "".join(f"{title:>17}" for _, title in COLUMNS)
    print(header + f"{'p50 ms':>9}{'p99 ms':>9}")
    shipped = engine_cache.starter_engine()
    for mode in ("lexical", "semantic", "combined"):
        summary = evaluate(shipped.with_settings(shipped.thresholds, mode), samples)["summary"]
        cells = "".join(f"{summary[key] * 100:16.1f}%" for key, _ in COLUMNS)
        print(f"{mode:10}{cells}{summary['latency_ms_p50']:9.2f}{summary['latency_ms_p99']:9.2f}")
    print("(lexical and semantic share the combined mode's thresholds; only combined is shipped)")
    texts = sum(1 + len(item.phrasings) for item in shipped.items)
    print(
        f"cold start, new process (imports, model load + hash check, index of {texts} texts, "
        "first answer):"
    )
    print(f"  with the embedding cache warm (as after the first start): {_cold_start():.2f} s")
    with tempfile.TemporaryDirectory() as empty:
        print(f"  with no embedding cache at all (first start ever): {_cold_start(empty):.2f} s")


def _cold_start(var_dir: str | None = None) -> float:
    env = {**os.environ, **({"GLABELLA_VAR_DIR": var_dir} if var_dir else {})}
    result = subprocess.run(  # noqa: S603  (our own interpreter)
        [sys.executable, "-c", COLD_START], capture_output=True, text=True, check=True, env=env
    )
    return float(result.stdout.strip().splitlines()[-1])
