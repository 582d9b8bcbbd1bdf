"""`glabella worker`: the database task worker, plus the message scheduler every minute.

The task worker (django-tasks-db's ``db_worker``) runs in the main thread and handles
Ctrl-C and SIGTERM itself (a task under way is finished first). The scheduler runs in a
daemon thread every ``MESSAGING_SCHEDULER_SECONDS``; it only queues rows and enqueues the
send sweep, so several workers may run it at once without sending anything twice.
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
    while not stop.is_set():
        try:
            run_scheduler()
        except Exception:  # the next run tries again; the worker keeps sending
            logger.exception("The message scheduler failed")
        finally:
            close_old_connections()
        stop.wait(seconds)
