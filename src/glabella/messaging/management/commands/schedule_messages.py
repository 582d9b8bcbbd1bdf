"""Queue the messages that are due and send them (the worker runs this every minute)."""

from typing import Any

from django.core.management.base import BaseCommand

from glabella.messaging.scheduler import run_scheduler


class Command(BaseCommand):
    help = "Queue reminders, confirmations, aftercare, review, recall and no-show messages now due."

    def handle(self, *args: Any, **options: Any) -> None:
        offered = run_scheduler()
        if options["verbosity"] > 1:
            self.stdout.write(f"Scheduler offered {offered} message(s) to the outbox.")
