"""The staff inbox of handed-over questions, the question log and its retention."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from glabella.accounts.models import Clinic
from glabella.audit.models import Action
from glabella.audit.services import record, record_for_patient

from ..entry_text import EntryText
from ..models import AskLog, AskLogQuerySet, Entry, Handoff, HandoffQuerySet, HandoffStatus, Outcome
from .knowledge import User, actor, create_entry


@transaction.atomic
def reply_to_handoff(handoff: Handoff, *, reply: str, by: User) -> Handoff:
    if not reply.strip():
        raise ValidationError({"reply": "Write a reply first."})
    handoff = Handoff.objects.select_for_update().get(pk=handoff.pk)
    if handoff.status == HandoffStatus.CLOSED:
        raise ValidationError("This question is closed; reopen it before replying.")
    handoff.reply = reply.strip()
    handoff.status = HandoffStatus.ANSWERED
    handoff.replied_by = actor(by)
    handoff.replied_at = timezone.now()
    handoff.save(update_fields=["reply", "status", "replied_by", "replied_at", "updated_at"])
    record(action=Action.REPLY, clinic=handoff.clinic, actor=actor(by), obj=handoff)
    return handoff


@transaction.atomic
def save_handoff_as_entry(handoff: Handoff, text: EntryText, *, by: User) -> Entry:
    """A staff answer becomes a draft entry, with the patient's words as its first phrasing."""
    handoff = Handoff.objects.select_for_update().get(pk=handoff.pk)
    if handoff.saved_as_id is not None:
        raise ValidationError("This question has already been saved as an entry.")
    text = EntryText(
        topic=text.topic,
        title=text.title,
        answer=text.answer,
        phrasings=(handoff.question, *text.phrasings),
        source=text.source or "Staff reply",
    )
    entry = create_entry(handoff.clinic, text, by=by)
    Handoff.objects.filter(pk=handoff.pk).update(saved_as=entry, updated_at=timezone.now())
    return entry


@transaction.atomic
def close_handoff(handoff: Handoff, *, by: User) -> Handoff:
    handoff.status = HandoffStatus.CLOSED
    handoff.save(update_fields=["status", "updated_at"])
    record(
        action=Action.CHANGE,
        clinic=handoff.clinic,
        actor=actor(by),
        obj=handoff,
        detail={"status": "closed"},
    )
    return handoff


@transaction.atomic
def read_handoff(handoff: Handoff, *, by: User) -> Handoff:
    """A patient's handed-over question and contact details, shown to staff (the read is
    recorded, with the patient record the details matched)."""
    if handoff.patient is not None:
        record_for_patient(Action.VIEW, handoff, handoff.patient, by=actor(by))
    else:
        record(action=Action.VIEW, clinic=handoff.clinic, actor=actor(by), obj=handoff)
    return handoff


@transaction.atomic
def read_inbox(clinic: Clinic, *, by: User) -> HandoffQuerySet:
    record(action=Action.VIEW, clinic=clinic, actor=actor(by), object_type="assistant.inbox")
    return Handoff.objects.filter(clinic=clinic)


@transaction.atomic
def read_question_log(clinic: Clinic, *, by: User, outcome: str = "") -> AskLogQuerySet:
    record(
        action=Action.VIEW,
        clinic=clinic,
        actor=actor(by),
        object_type="assistant.question_log",
        detail={"outcome": outcome},
    )
    logs = AskLog.objects.filter(clinic=clinic).select_related("entry")
    return logs.filter(outcome=outcome) if outcome in Outcome.values else logs


def purge_question_logs(now: datetime | None = None) -> int:
    """Delete questions older than each clinic's retention setting; returns how many."""
    now = now or timezone.now()
    deleted = 0
    for clinic in Clinic.objects.all():
        cutoff = now - timedelta(days=clinic.question_log_retention_days)
        count, _ = AskLog.objects.filter(clinic=clinic).older_than(cutoff).delete()
        deleted += count
    return deleted
