"""`glabella worker` with the real database queue (django-tasks-db): a send enqueued after
commit is run by the worker; the scheduler it runs queues and sends what is due."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from glabella.testing import make_appointment as book
from glabella.testing import queue_reminder, soon

from ..models import MessageKind, Outbox, OutboxStatus

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_queue(settings):  # type: ignore[no-untyped-def]
    settings.TASKS = DATABASE_QUEUE


def test_a_send_is_queued_on_commit_and_run_by_the_worker(
    alice, no_quiet_hours, provider, database_queue
):
    with transaction.atomic():
        row = queue_reminder(alice)
        assert DBTaskResult.objects.count() == 0  # nothing queued before the commit
    assert DBTaskResult.objects.count() == 1
    call_command("worker", batch=True, scheduler_seconds=0, verbosity=0)
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and len(provider.sent) == 1
    assert DBTaskResult.objects.get(task_path__endswith="send_message").status == "SUCCESSFUL"


def test_a_later_message_is_deferred_in_the_queue(alice, no_quiet_hours, database_queue):
    queue_reminder(alice, due_at=soon(60))
    queued = DBTaskResult.objects.get()
    assert queued.run_after is not None and queued.run_after > timezone.now() + timedelta(
        minutes=59
    )


def test_the_worker_s_scheduler_queues_and_sends_what_is_due(
    alice, no_quiet_hours, provider, database_queue
):
    visit = book(alice, timezone.now() + timedelta(hours=48, minutes=-1))
    visit.created_at = timezone.now() - timedelta(hours=1)  # booked before the reminder's time
    visit.save(update_fields=["created_at"])
    call_command("worker", batch=True, verbosity=0)
    kinds = dict(Outbox.objects.values_list("kind", "status"))
    assert kinds == {
        MessageKind.BOOKING_CONFIRMATION: OutboxStatus.SENT,
        MessageKind.REMINDER: OutboxStatus.SENT,
    }
    assert len(provider.sent) == 2
    call_command("worker", batch=True, verbosity=0)  # again: nothing more is sent
    assert len(provider.sent) == 2


def test_finished_task_results_are_forgotten_after_a_week(alice, no_quiet_hours, database_queue):
    from ..management.commands.worker import prune_task_results

    queue_reminder(alice)
    queue_reminder(alice, due_at=soon(1))  # deferred: not finished, kept
    call_command("worker", batch=True, scheduler_seconds=0, verbosity=0)
    finished = DBTaskResult.objects.filter(status="SUCCESSFUL")
    assert finished.count() == 1
    prune_task_results()
    assert finished.count() == 1  # a fresh one stays
    finished.update(finished_at=timezone.now() - timedelta(days=8))
    prune_task_results()
    assert finished.count() == 0 and DBTaskResult.objects.count() == 1
