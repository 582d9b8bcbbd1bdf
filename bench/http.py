"""The HTTP benchmark: Glabella under its production server, beside two floors.

A throwaway PostgreSQL database is made and migrated, the demo clinics are loaded and the
static files collected; then gunicorn starts as the Procfile starts it (``config/gunicorn.py``,
2 workers, DEBUG off, production settings, Redis cache) with GLABELLA_BENCH_FLOORS=1, which
adds the two floors to the same server (``config/bench_floors.py``). wrk loads each target
for a fixed time at 20 connections; the table gives requests/s, p50, p95, p99, each rate as a
share of both floors, and whether the issue's target for that kind of page is met.

Environment: BENCH_HTTP_SERVER (PostgreSQL server URL), BENCH_HTTP_DATABASE (dropped and made
again; default bench_http), BENCH_HTTP_REDIS (default redis://127.0.0.1:6379/15),
BENCH_HTTP_SECONDS (per target, default 10), BENCH_HTTP_CONNECTIONS (default 20),
BENCH_HTTP_PATIENTS (demo clinic patients, default the demo's 300), BENCH_HTTP_REUSE=1 (keep
the database of the previous run and skip the demo, when re-measuring a change).
"""

from __future__ import annotations

import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

from bench.http_load import INSTALL_HINT, Result, Target, run_wrk, table, wrk_path

SERVER = os.environ.get("BENCH_HTTP_SERVER", "postgres://postgres@127.0.0.1:5432")
NAME = os.environ.get("BENCH_HTTP_DATABASE", "bench_http")
REDIS = os.environ.get("BENCH_HTTP_REDIS", "redis://127.0.0.1:6379/15")
SECONDS = int(os.environ.get("BENCH_HTTP_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_HTTP_CONNECTIONS", "20"))
PATIENTS = os.environ.get("BENCH_HTTP_PATIENTS", "")
REUSE = os.environ.get("BENCH_HTTP_REUSE") == "1"
WRK_THREADS = 2
WARM_UP_SECONDS = 2
BIN = Path(sys.executable).parent
DATA = Path(__file__).resolve().parents[1] / "src/glabella/assistant/data"
STAFF_USER = "injector"  # the demo clinic's injector: reads Today, charts, records and recall
CLINIC = "demo"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


PORT = _free_port()
BASE = f"http://127.0.0.1:{PORT}"


def _environments() -> tuple[dict[str, str], dict[str, str]]:
    """The environment the demo is loaded with (like `make serve`), and the server's."""
    common = {
        "DATABASE_URL": f"{SERVER}/{NAME}",
        "REDIS_URL": REDIS,
        "DEBUG": "0",
        "LOG_FORMAT": "json",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECRET_KEY": secrets.token_urlsafe(50),
        # Each run's cache keys are its own: the database is new, so must be the cached state.
        "CACHE_KEY_PREFIX": f"bench-{secrets.token_hex(4)}",
    }
    setup = os.environ | common
    setup.pop("GLABELLA_ENV", None)
    server = os.environ | common | {
        "GLABELLA_ENV": "production",
        "SECURE_SSL_REDIRECT": "0",  # no TLS in front of the benchmark
        "GLABELLA_REQUIRE_TWO_FACTOR": "1",
        "GLABELLA_BENCH_FLOORS": "1",
        "ASSISTANT_QUESTIONS_PER_MINUTE": "0",  # every question comes from one address here
        "HOST": "127.0.0.1",
        "PORT": str(PORT),
    }  # fmt: skip
    return setup, server


def _fresh_database() -> bool:
    try:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=3) as db:
            if (
                REUSE
                and db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [NAME]).fetchone()
            ):
                return True
            db.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
            db.execute(f"CREATE DATABASE {NAME}")
    except psycopg.OperationalError as error:
        print(f"\nHTTP bench skipped: PostgreSQL is not answering ({error})")
        return False
    return True


def _glabella(env: dict[str, str], *args: str) -> None:
    command = [str(BIN / "glabella"), *args]
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def _prepare(setup: dict[str, str], server: dict[str, str]) -> None:
    started = time.perf_counter()
    _glabella(setup, "migrate", "--no-input")
    if not REUSE:
        sizes = ["--patients", PATIENTS] if PATIENTS else []
        _glabella(setup, "demo", *sizes)
    _glabella(server, "collectstatic", "--no-input", "--verbosity", "0")
    print(f"database, demo and static files ready in {time.perf_counter() - started:.0f} s")


def _start_server(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    # The Procfile's web line, with the bench's port.
    command = [str(BIN / "gunicorn"), "-c", "python:glabella.config.gunicorn"]
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603  (our own gunicorn)
            [*command, "glabella.config.wsgi"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn stopped (status {process.returncode}); see {log}")
        if log.read_text(errors="replace").count("assistant ready") >= 2 and _answers("/healthz"):
            return process
        time.sleep(1)
    process.terminate()
    sys.exit(f"gunicorn did not become ready in 5 minutes; see {log}")


def _answers(path: str) -> bool:
    try:
        with urllib.request.urlopen(BASE + path, timeout=5) as response:  # noqa: S310
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _staff_session_and_pages(server_env: dict[str, str]) -> tuple[str, dict[str, str]]:
    """A staff session as a test makes one (signed in, two-factor verified), and the ids of
    a patient with a signed treatment record, read through Django in this process."""
    os.environ.update(server_env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "glabella.config.settings"
    import django

    django.setup()
    from bench.http_session import signed_in_cookie, staff_pages

    return signed_in_cookie(STAFF_USER), staff_pages(CLINIC)


def _question_bodies(folder: Path) -> Path:
    """Every calibration question (English and Spanish, 867), shuffled: distinct bodies."""
    questions = []
    for name in ("calibration.jsonl", "calibration_es.jsonl"):
        with (DATA / name).open() as handle:
            questions += [json.loads(line)["q"] for line in handle if line.strip()]
    random.Random(10).shuffle(questions)  # noqa: S311  (a fixed order, not a secret)
    path = folder / "questions.jsonl"
    lines = [json.dumps({"question": q, "clinic": CLINIC}) for q in dict.fromkeys(questions)]
    path.write_text("\n".join(lines) + "\n")
    print(f"chat API: {len(lines)} distinct questions (English and Spanish), rotated")
    return path


def _targets(pages: dict[str, str], bodies: Path) -> list[Target]:
    return [
        Target("floor: bare Django", "/bench/bare", "floor"),
        Target("floor: middleware + session", "/staff/bench/hello", "floor", signed_in=True),
        Target("catalogue /", "/", "static"),
        Target("chat page /c/demo/ask", f"/c/{CLINIC}/ask", "static"),
        Target("chat API (distinct questions)", "/api/v1/assistant/ask", "api", "POST",
               bodies=bodies),
        Target("Today /staff/", "/staff/", "staff", signed_in=True),
        Target("patient page", pages["patient"], "staff", signed_in=True),
        Target("treatment record", pages["record"], "staff", signed_in=True),
        Target("recall list", "/staff/recall/", "staff", signed_in=True),
    ]  # fmt: skip


def _check(target: Target, cookie: str) -> None:
    """One request first: the page must answer 200 itself (not a sign-in redirect)."""
    request = urllib.request.Request(BASE + target.path, method=target.method)  # noqa: S310
    if target.signed_in:
        request.add_header("Cookie", cookie)
    if target.bodies:
        request.data = target.bodies.read_text().splitlines()[0].encode()
        request.add_header("Content-Type", "application/json")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 200:
        sys.exit(f"{target.name}: {target.method} {target.path} answered {status}, not 200")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def main() -> None:
    if wrk_path() is None:
        print(f"\nHTTP bench skipped: {INSTALL_HINT}")
        return
    load = os.getloadavg()
    if not _fresh_database():
        return
    setup, server = _environments()
    _prepare(setup, server)
    with tempfile.TemporaryDirectory(prefix="bench-http-") as folder:
        log = Path(folder) / "gunicorn.log"
        process = _start_server(server, log)
        try:
            cookie, pages = _staff_session_and_pages(server)
            targets = _targets(pages, _question_bodies(Path(folder)))
            results: list[Result] = []
            for target in targets:
                _check(target, cookie)
                # A short unmeasured run first: each worker's first requests of a page (its
                # templates, connections, lazy imports) do not count against it.
                run_wrk(BASE, target, cookie, WARM_UP_SECONDS, CONNECTIONS, WRK_THREADS)
                results.append(run_wrk(BASE, target, cookie, SECONDS, CONNECTIONS, WRK_THREADS))
        finally:
            process.terminate()
            process.wait(timeout=60)
    print(f"\nHTTP under gunicorn (2 workers), {SECONDS} s per target, wrk on the same machine")
    print(f"load average (1, 5, 15 min) at the start: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print(table(results, CONNECTIONS))


if __name__ == "__main__":
    main()
