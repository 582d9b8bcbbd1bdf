"""Operations on the knowledge base, the handoff inbox and patients' questions."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from glabella.accounts import roles
from glabella.accounts.models import Clinic
from glabella.audit.models import Action
from glabella.audit.services import record

from . import engine_cache
from .citations import patient_citation
from .engine.importer import ImportedEntry
from .engine.retrieval import Decision
from .engine_cache import URGENT_TOPIC
from .models import (
    AskLog,
    AskLogQuerySet,
    Entry,
    EntryStatus,
    EntryVersion,
    Handoff,
    HandoffKind,
    HandoffQuerySet,
    HandoffStatus,
    Outcome,
)
from .rendering import fill_variables, render_answer

User = AbstractBaseUser | AnonymousUser
KEY_LENGTH = 200


@dataclass(frozen=True)
class EntryText:
    topic: str
    title: str
    answer: str
    phrasings: tuple[str, ...] = ()
    source: str = ""

    def clean(self) -> EntryText:
        errors = {}
        if not self.title.strip():
            errors["title"] = "A question title is needed."
        if not self.answer.strip():
            errors["answer"] = "An answer is needed."
        if not self.topic.strip():
            errors["topic"] = "A topic is needed."
        if errors:
            raise ValidationError(errors)
        phrasings = tuple(dict.fromkeys(p.strip() for p in self.phrasings if p.strip()))
        return EntryText(
            self.topic.strip(),
            self.title.strip(),
            self.answer.strip(),
            phrasings,
            self.source.strip(),
        )


# --- the knowledge base -------------------------------------------------------------


@transaction.atomic
def create_entry(
    clinic: Clinic, text: EntryText, *, by: User | None, import_key: str = ""
) -> Entry:
    text = text.clean()
    entry = Entry.objects.create(
        clinic=clinic, topic=text.topic, import_key=import_key, created_by=_user(by)
    )
    _add_version(entry, text, by=by, note="created")
    record(action=Action.CREATE, clinic=clinic, actor=_user(by), obj=entry)
    return entry


@transaction.atomic
def edit_entry(entry: Entry, text: EntryText, *, by: User | None, note: str = "") -> EntryVersion:
    """A new version; the approved one keeps answering until this one is approved."""
    text = text.clean()
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if _same_version_text(entry.latest_version, text) and entry.topic == text.topic:
        return entry.latest_version
    if entry.topic != text.topic:
        entry.topic = text.topic
        entry.save(update_fields=["topic", "updated_at"])
    version = _add_version(entry, text, by=by, note=note or "edited")
    record(
        action=Action.CHANGE,
        clinic=entry.clinic,
        actor=_user(by),
        obj=entry,
        detail={"version": version.number},
    )
    return version


@transaction.atomic
def approve_entry(
    entry: Entry, *, by: User, version: EntryVersion | None = None, note: str = ""
) -> Entry:
    _require_approver(by, entry.clinic)
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    chosen = version or entry.latest_version
    if chosen.entry_id != entry.pk:
        raise ValidationError("That version belongs to another entry.")
    entry.approved_version = chosen
    entry.status = EntryStatus.APPROVED
    entry.approved_by = _user(by)
    entry.approved_at = timezone.now()
    entry.approval_note = note
    entry.save(
        update_fields=[
            "approved_version",
            "status",
            "approved_by",
            "approved_at",
            "approval_note",
            "updated_at",
        ]
    )
    mark_content_changed(entry.clinic)
    record(
        action=Action.APPROVE,
        clinic=entry.clinic,
        actor=_user(by),
        obj=entry,
        detail={"version": chosen.number},
    )
    return entry


@transaction.atomic
def retire_entry(entry: Entry, *, by: User) -> Entry:
    _require_approver(by, entry.clinic)
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    entry.status = EntryStatus.RETIRED
    entry.save(update_fields=["status", "updated_at"])
    mark_content_changed(entry.clinic)
    record(action=Action.RETIRE, clinic=entry.clinic, actor=_user(by), obj=entry)
    return entry


def _add_version(entry: Entry, text: EntryText, *, by: User | None, note: str) -> EntryVersion:
    latest = entry.versions.order_by("-number").first()
    return EntryVersion.objects.create(
        entry=entry,
        number=(latest.number + 1) if latest else 1,
        title=text.title,
        phrasings=list(text.phrasings),
        answer=text.answer,
        source=text.source,
        change_note=note,
        created_by=_user(by),
    )


def _require_approver(user: User, clinic: Clinic) -> None:
    if not roles.can(user, clinic, "assistant.approve"):
        raise PermissionDenied("Only the medical director may approve or retire answers.")


def mark_content_changed(clinic: Clinic) -> None:
    Clinic.objects.filter(pk=clinic.pk).update(assistant_revision=F("assistant_revision") + 1)


def _user(user: User | None) -> Any:
    return user if user is not None and user.is_authenticated else None


# --- importing -----------------------------------------------------------------------


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


@transaction.atomic
def import_entries(
    clinic: Clinic, imported: list[ImportedEntry], *, by: User | None, default_topic: str
) -> ImportReport:
    """Drafts from a clinic document; re-importing is idempotent, changes become versions."""
    report = ImportReport()
    for item in imported:
        text = EntryText(
            topic=item.topic or default_topic,
            title=item.question,
            answer=item.answer,
            source="Imported clinic FAQ",
        )
        key = storable_key(item.key)
        existing = Entry.objects.filter(clinic=clinic, import_key=key).first()
        if existing is None:
            create_entry(clinic, text, by=by, import_key=key)
            report.created.append(item.question)
        elif _same_text(existing.latest_version, text):
            report.unchanged.append(item.question)
        else:
            edit_entry(existing, text, by=by, note="re-imported with a changed answer")
            report.updated.append(item.question)
    return report


def _same_version_text(version: EntryVersion, text: EntryText) -> bool:
    return (version.title, version.answer, tuple(version.phrasings), version.source) == (
        text.title,
        text.answer,
        text.phrasings,
        text.source,
    )


def storable_key(key: str) -> str:
    """Import keys fit the column; long ones keep a prefix and a digest of the whole."""
    if len(key) <= KEY_LENGTH:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"{key[: KEY_LENGTH - 17]}-{digest}"


def _same_text(version: EntryVersion, text: EntryText) -> bool:
    return version.title == text.title.strip() and version.answer == text.answer.strip()


# --- answering -----------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    kind: str
    urgent: bool
    abstained: bool
    text: str
    html: str
    entry_id: str | None
    version: int | None
    topic: str | None
    title: str | None
    source: str | None
    citation: str
    confidence: float
    signals: tuple[str, ...]
    timings_ms: dict[str, float]
    handoff_id: str | None = None
    log_id: str | None = None


@transaction.atomic
def ask(clinic: Clinic, question: str, *, channel: str = "web") -> Reply:
    """Answer a patient's question: urgent care first, an approved answer, or a handoff."""
    question = question.strip()
    if not question:
        raise ValidationError({"question": "Please type a question."})
    if len(question) > 2000:
        raise ValidationError({"question": "Please keep questions under 2,000 characters."})
    decision = engine_cache.engine_for(clinic).decide(question)
    log = _log(clinic, question, decision, channel)
    handoff = _handoff_if_needed(clinic, question, decision, log)
    return _reply(clinic, decision, log, handoff)


def _log(clinic: Clinic, question: str, decision: Decision, channel: str) -> AskLog:
    answered = decision.kind == "answer" and decision.candidate is not None
    item = decision.candidate.item if answered and decision.candidate else None
    return AskLog.objects.create(
        clinic=clinic,
        question=question,
        outcome={
            "answer": Outcome.ANSWERED,
            "abstain": Outcome.ABSTAINED,
            "urgent": Outcome.URGENT,
        }[decision.kind],
        entry=Entry.objects.filter(public_id=item.entry_id).first() if item else None,
        version_number=item.version if item else None,
        topic=item.topic if item else "",
        confidence=decision.confidence,
        reason=decision.reason[:300],
        signals=list(decision.triage.signals),
        timings_ms=decision.timings_ms,
        channel=channel,
    )


def _handoff_if_needed(
    clinic: Clinic, question: str, decision: Decision, log: AskLog
) -> Handoff | None:
    if decision.kind == "answer":
        return None
    kind = HandoffKind.URGENT if decision.kind == "urgent" else HandoffKind.QUESTION
    return Handoff.objects.create(clinic=clinic, ask_log=log, question=question, kind=kind)


def _reply(clinic: Clinic, decision: Decision, log: AskLog, handoff: Handoff | None) -> Reply:
    values = clinic.answer_variables()
    common = {
        "confidence": decision.confidence,
        "signals": decision.triage.signals,
        "timings_ms": decision.timings_ms,
        "handoff_id": str(handoff.public_id) if handoff else None,
        "log_id": str(log.public_id),
    }
    if decision.kind == "urgent":
        return _fixed_reply(clinic, "urgent", URGENT_TOPIC, values, common)
    if decision.kind == "abstain" or decision.candidate is None:
        return _fixed_reply(clinic, "abstain", None, values, common)
    item = decision.candidate.item
    return Reply(
        kind="answer",
        urgent=False,
        abstained=False,
        text=fill_variables(item.answer, values),
        html=render_answer(item.answer, values),
        entry_id=item.entry_id,
        version=item.version,
        topic=item.topic,
        title=item.title,
        source=item.source,
        citation=patient_citation(item.source, clinic.name),
        **common,
    )


def _fixed_reply(
    clinic: Clinic, kind: str, topic: str | None, values: dict[str, str], common: dict[str, Any]
) -> Reply:
    """The urgent-care or hand-over answer: the clinic's approved entry, else the shipped text."""
    entry = Entry.objects.answering().filter(clinic=clinic, topic=topic).first() if topic else None
    if entry is not None and entry.approved_version is not None:
        version = entry.approved_version
        return Reply(
            kind=kind,
            urgent=kind == "urgent",
            abstained=kind == "abstain",
            text=fill_variables(version.answer, values),
            html=render_answer(version.answer, values),
            entry_id=str(entry.public_id),
            version=version.number,
            topic=topic,
            title=version.title,
            source=version.source,
            citation=patient_citation(version.source, clinic.name),
            **common,
        )
    text = engine_cache.fixed_answers()[kind]
    return Reply(
        kind=kind,
        urgent=kind == "urgent",
        abstained=kind == "abstain",
        text=fill_variables(text["answer"], values),
        html=render_answer(text["answer"], values),
        entry_id=None,
        version=None,
        topic=topic,
        title=text["title"],
        source=text["source"],
        citation=patient_citation(text["source"], clinic.name),
        **common,
    )


# --- the staff inbox -------------------------------------------------------------------


@transaction.atomic
def reply_to_handoff(handoff: Handoff, *, reply: str, by: User) -> Handoff:
    if not reply.strip():
        raise ValidationError({"reply": "Write a reply first."})
    handoff = Handoff.objects.select_for_update().get(pk=handoff.pk)
    if handoff.status == HandoffStatus.CLOSED:
        raise ValidationError("This question is closed; reopen it before replying.")
    handoff.reply = reply.strip()
    handoff.status = HandoffStatus.ANSWERED
    handoff.replied_by = _user(by)
    handoff.replied_at = timezone.now()
    handoff.save(update_fields=["reply", "status", "replied_by", "replied_at", "updated_at"])
    record(action=Action.REPLY, clinic=handoff.clinic, actor=_user(by), obj=handoff)
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
        actor=_user(by),
        obj=handoff,
        detail={"status": "closed"},
    )
    return handoff


@transaction.atomic
def read_handoff(handoff: Handoff, *, by: User) -> Handoff:
    """A patient's handed-over question, shown to staff (the read is recorded)."""
    record(action=Action.VIEW, clinic=handoff.clinic, actor=_user(by), obj=handoff)
    return handoff


@transaction.atomic
def read_inbox(clinic: Clinic, *, by: User) -> HandoffQuerySet:
    record(action=Action.VIEW, clinic=clinic, actor=_user(by), object_type="assistant.inbox")
    return Handoff.objects.filter(clinic=clinic)


@transaction.atomic
def read_question_log(clinic: Clinic, *, by: User, outcome: str = "") -> AskLogQuerySet:
    record(
        action=Action.VIEW,
        clinic=clinic,
        actor=_user(by),
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
