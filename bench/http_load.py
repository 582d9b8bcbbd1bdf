"""Load generation and the table for the HTTP benchmark (``bench/http.py``): wrk runs each
target for a fixed time at a fixed number of connections; its Lua script (``http.lua``) sends
the session cookie, rotates distinct bodies and reports p50, p95 and p99."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA = Path(__file__).with_name("http.lua")
INSTALL_HINT = (
    "The HTTP benchmark needs wrk (https://github.com/wg/wrk), a load generator fast enough "
    "for the floors. Install it with `sudo apt-get install -y wrk` (Debian, Ubuntu) or "
    "`brew install wrk` (macOS), then run `make bench` again."
)


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    kind: str  # "floor", "staff", "static" (same page for everyone), "api"
    method: str = "GET"
    signed_in: bool = False
    bodies: Path | None = None


@dataclass(frozen=True)
class Result:
    target: Target
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    bad_status: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_path() -> str | None:
    return shutil.which("wrk")


def run_wrk(
    base: str, target: Target, cookie: str, seconds: int, connections: int, threads: int
) -> Result:
    wrk = wrk_path()
    assert wrk is not None  # noqa: S101 (checked before the server starts)
    command = [
        wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
        "-s", str(LUA), base + target.path, "--",
        target.method, cookie if target.signed_in else "-",
        str(target.bodies) if target.bodies else "-",
    ]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    line = next(x for x in out.splitlines() if x.startswith("BENCH_JSON "))
    data = json.loads(line.removeprefix("BENCH_JSON "))
    return Result(
        target=target,
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=data["errors"],
        bad_status=data["non_2xx_3xx"],
    )


def verdict(result: Result, middleware_floor: Result) -> str:
    """The issue's targets on 2 cores, by kind of page."""
    share = result.rate / middleware_floor.rate if middleware_floor.rate else 0.0
    kind = result.target.kind
    if kind == "staff":
        met = result.p95_ms <= 50 and share >= 0.20
        rule = "p95<=50ms, >=20% mw"
    elif kind == "static":
        met, rule = share >= 0.50, ">=50% mw"
    elif kind == "api":
        met, rule = result.rate >= 100 and result.p99_ms <= 100, ">=100/s, p99<=100ms"
    else:
        return ""
    failed = result.errors or result.bad_status
    return f"{'met' if met and not failed else 'MISSED'} ({rule})"


def table(results: list[Result], connections: int) -> str:
    bare = next(r for r in results if r.target.name == "floor: bare Django")
    middleware = next(r for r in results if r.target.name == "floor: middleware + session")
    head = (
        f"{'target':<30} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'/bare':>7} {'/mw':>7} {'errors':>6}  target ({connections} connections)"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        errors = r.errors + r.bad_status
        lines.append(
            f"{r.target.name:<30} {r.rate:>8.1f} {r.p50_ms:>7.1f} {r.p95_ms:>7.1f} "
            f"{r.p99_ms:>7.1f} {_share(r, bare):>7} {_share(r, middleware):>7} {errors:>6}  "
            f"{verdict(r, middleware)}"
        )
    return "\n".join(lines)


def _share(result: Result, floor: Result) -> str:
    return f"{100 * result.rate / floor.rate:.1f}%" if floor.rate else "-"
