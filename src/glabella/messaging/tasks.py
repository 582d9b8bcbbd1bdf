"""Background tasks (Django's task interface, run by `glabella worker`).

Each task only names outbox rows; the row's claim (``sending.py``) decides whether it is
sent, so a task that runs twice, or after the sweep already sent the row, sends nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import Outbox


@task()
def send_message(outbox_id: int) -> str:
    from .sending import deliver

    return deliver(outbox_id)


@task()
def send_due_messages() -> int:
    """Send every due row (and those whose worker died): the sweep after the scheduler."""
    from .sending import deliver_due

    return deliver_due()


def send_after_commit(row: Outbox) -> None:
    """Enqueue the row's send once the caller's transaction commits; a row due later is
    deferred to its time where the queue can defer, else left to the worker's sweep."""
    transaction.on_commit(lambda: _enqueue(row.pk, row.send_after))


def _enqueue(outbox_id: int, send_after: Any) -> None:
    backend = send_message.get_backend()
    if send_after <= timezone.now():
        send_message.enqueue(outbox_id)
    elif backend.supports_defer:
        send_message.using(run_after=send_after).enqueue(outbox_id)
