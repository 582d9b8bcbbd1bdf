"""The production stack as processes: gunicorn serving with production settings (static files
through WhiteNoise, Redis as the cache when it answers, the application connected as a role
that cannot erase the audit trail) and the worker starting and stopping cleanly.
PostgreSQL only: the processes need a database they can open themselves, which an
in-memory SQLite test database is not."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from glabella.testing import postgres_url

pytestmark = pytest.mark.django_db
BIN = Path(sys.executable).parent
STARTUP_SECONDS = 90


APP_ROLE = "glabella_smoke_app"


def _answers(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), 1).close()
    except OSError:
        return False
    return True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def production_env(tmp_path: Path) -> dict[str, str]:
    if connection.vendor != "postgresql":
        pytest.skip("the server processes need a PostgreSQL database they can connect to")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "glabella.config.settings",
        "GLABELLA_ENV": "production",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        # As in production: the owner migrates and grants, the application connects as a
        # role that may only add to the audit trail (otherwise /readyz says not ready).
        "MIGRATION_DATABASE_URL": postgres_url(),
        "DATABASE_URL": postgres_url(user=APP_ROLE),
        "GLABELLA_VAR_DIR": str(tmp_path / "var"),
        "WEB_CONCURRENCY": "1",
        "LOG_FORMAT": "json",
    }
    if _answers("127.0.0.1", 6379):
        env["REDIS_URL"] = "redis://127.0.0.1:6379/15"
    for command in (["audit_role"], ["collectstatic", "--no-input", "--verbosity", "0"]):
        subprocess.run(  # noqa: S603  (our own executables, test-controlled arguments)
            [BIN / "glabella", *command], env=env, check=True, timeout=120
        )
    return env


@pytest.fixture
def server(production_env: dict[str, str]) -> Iterator[str]:
    port = _free_port()
    env = {**production_env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    command = [BIN / "gunicorn", "-c", "python:glabella.config.gunicorn", "glabella.config.wsgi"]
    process = subprocess.Popen(  # noqa: S603
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(base, process)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def _wait_until_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{output[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310
                return
        except OSError:  # refused, reset or timed out while the worker boots
            time.sleep(0.5)
    pytest.fail("gunicorn did not answer /healthz in time")


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_gunicorn_serves_pages_static_files_and_readiness(server: str) -> None:
    status, headers, body = _get(f"{server}/readyz")
    assert status == 200, body
    assert json.loads(body)["checks"]["audit"]["detail"] == "protected"
    assert len(headers["X-Request-ID"]) == 32

    status, _, body = _get(f"{server}/")
    assert status == 200
    stylesheet = next(
        part.split('"')[0] for part in body.decode().split('href="') if ".css" in part[:80]
    )
    assert "glabella." in stylesheet and stylesheet != "/static/glabella.css"  # hashed name

    status, headers, _ = _get(f"{server}{stylesheet}")
    assert status == 200
    assert "max-age=315360000" in headers.get("Cache-Control", "")


def test_the_worker_starts_and_stops_cleanly(production_env: dict[str, str]) -> None:
    worker = subprocess.Popen(  # noqa: S603
        [BIN / "glabella", "worker"],
        env=production_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    time.sleep(5)
    assert worker.poll() is None, worker.stdout.read().decode() if worker.stdout else ""
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=60) == 0
