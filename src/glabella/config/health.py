"""Health endpoints for the process supervisor and the load balancer.

``/healthz`` answers as long as the process can serve a request (liveness: restart me if
not). ``/readyz`` checks what a request needs: the database, the cache, the task queue,
the assistant's model files and, in production, that the audit trail is out of the
application's reach (readiness: send me traffic only when these hold). Neither reads
patient data, neither needs a session, and both answer JSON the supervisor can log.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

Check = Callable[[], str]


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    results = {name: _run(check) for name, check in CHECKS.items()}
    ready = all(result["ok"] for result in results.values())
    return JsonResponse(
        {"status": "ready" if ready else "not ready", "checks": results},
        status=200 if ready else 503,
    )


def _run(check: Check) -> dict[str, object]:
    started = time.perf_counter()
    try:
        detail = check()
        ok = True
    except Exception as exc:  # noqa: BLE001  (any failure means not ready; say which)
        detail, ok = f"{type(exc).__name__}: {exc}", False
    return {"ok": ok, "detail": detail, "ms": round((time.perf_counter() - started) * 1000, 1)}


def database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def shared_cache() -> str:
    cache = caches["default"]
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    found = cache.get(key)
    cache.delete(key)
    if found != "1":
        raise RuntimeError("a value written to the cache could not be read back")
    return type(cache).__name__


def task_queue() -> str:
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.ready().count()
    return f"{waiting} tasks ready to run"


def model_files() -> str:
    return _verified_models()


@cache
def _verified_models() -> str:
    """Hash-checked once per process: the files do not change under a running server."""
    from glabella.assistant.engine import model_files as files
    from glabella.assistant.engine import multilingual

    files.verified(files.model_path(), files.MODEL_SHA256)
    files.verified(files.tokenizer_path(), files.TOKENIZER_SHA256)
    files.verified(multilingual.model_path(), multilingual.MODEL_SHA256)
    return "embedding models verified"


def audit_trail() -> str:
    """In production the application's role must not be able to erase the audit trail."""
    from glabella.audit.protection import trail_guard

    guard = trail_guard()
    if not guard.applicable:
        return "no database roles (SQLite)"
    if guard.erasable and settings.PRODUCTION:
        raise PermissionError("; ".join(guard.problems()) + " (run `glabella audit_role`)")
    return "protected" if not guard.erasable else "erasable (allowed outside production)"


CHECKS: dict[str, Check] = {
    "database": database,
    "cache": shared_cache,
    "queue": task_queue,
    "models": model_files,
    "audit": audit_trail,
}
