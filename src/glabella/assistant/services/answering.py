"""Answering a patient's question: urgent care first, an approved answer, or a handoff."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from glabella.accounts.models import Clinic

from .. import engine_cache
from ..citations import patient_citation
from ..engine.retrieval import Decision
from ..engine_cache import URGENT_TOPIC
from ..models import AskLog, Entry, Handoff, HandoffKind, Outcome
from ..rendering import fill_variables, render_answer

MAX_QUESTION_LENGTH = 2000


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


def ask(clinic: Clinic, question: str, *, channel: str = "web") -> Reply:
    """Answer a patient's question: urgent care first, an approved answer, or a handoff.

    The engine decides first, outside any transaction (it may embed text for a while);
    only the log and the handoff are written together.
    """
    question = question.strip()
    if not question:
        raise ValidationError({"question": "Please type a question."})
    if len(question) > MAX_QUESTION_LENGTH:
        raise ValidationError({"question": "Please keep questions under 2,000 characters."})
    decision = engine_cache.engine_for(clinic).decide(question)
    with transaction.atomic():
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
