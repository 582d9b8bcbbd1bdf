"""Tiny timing helpers: repeat a call and report the median and the 99th percentile."""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    name: str
    median_us: float
    p99_us: float
    runs: int


def measure(name: str, call: Callable[[], object], runs: int) -> Timing:
    call()  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1e6)
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    return Timing(name, statistics.median(samples), p99, runs)


def print_table(title: str, timings: list[Timing], baseline: Timing) -> None:
    print(f"\n{title}")
    print(f"{'case':44} {'median µs':>11} {'p99 µs':>10} {'× baseline':>11} {'runs':>6}")
    for timing in timings:
        ratio = timing.median_us / baseline.median_us
        print(
            f"{timing.name:44} {timing.median_us:11.1f} {timing.p99_us:10.1f} "
            f"{ratio:11.1f} {timing.runs:6d}"
        )
