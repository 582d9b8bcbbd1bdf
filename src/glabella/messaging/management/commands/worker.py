"""`glabella worker`: the database task worker, plus the message scheduler every minute.

The task worker (django-tasks-db's ``db_worker``) runs in the main thread and handles
Ctrl-C and SIGTERM itself (a task under way is finished first). The scheduler runs in a
daemon thread every ``MESSAGING_SCHEDULER_SECONDS``; it only queues rows and enqueues the
send sweep, so several workers may run it at once without sending anything twice. Once an
hour it also forgets the queue's finished task results older than a week.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from glabella.messaging.scheduler import run_scheduler

logger = logging.getLogger(__name__)
PRUNE_EVERY = 60 * 60  # seconds
KEEP_DAYS = 7


class Command(BaseCommand):
    help = "Run background tasks (messages to patients) and the message scheduler."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scheduler-seconds",
            type=int,
            default=settings.MESSAGING_SCHEDULER_SECONDS,
            help="How often to run the message scheduler (0: never).",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Run the scheduler once (unless --scheduler-seconds 0), then the queued tasks, "
            "then exit.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seconds, batch = options["scheduler_seconds"], options["batch"]
        if batch and seconds > 0:
            run_scheduler()
        elif seconds > 0:
            stop = threading.Event()
            threading.Thread(
                target=_every, args=(seconds, stop), name="message-scheduler", daemon=True
            ).start()
        call_command(
            "db_worker",
            queue_name="*",
            batch=batch,
            reload=False,
            verbosity=options["verbosity"],
        )


def _every(seconds: int, stop: threading.Event) -> None:
    runs = 0
    while not stop.is_set():
        try:
            run_scheduler()
            if runs % max(PRUNE_EVERY // seconds, 1) == 0:
                prune_task_results()
        except Exception:  # the next run tries again; the worker keeps sending
            logger.exception("The message scheduler failed")
        finally:
            close_old_connections()
        runs += 1
        stop.wait(seconds)


def prune_task_results() -> None:
    """Forget finished task results after a week (a sweep is queued every minute; the
    outbox, not the queue, is the record of what was sent)."""
    call_command("prune_db_task_results", queue_name="*", min_age_days=KEEP_DAYS, verbosity=0)
