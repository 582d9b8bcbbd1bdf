"""Answering a patient's question: urgent care first, an approved answer, or a handoff."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from glabella.accounts.models import Clinic

from .. import engine_cache
from ..citations import patient_citation
from ..engine.retrieval import Candidate, Decision, KnowledgeItem
from ..engine_cache import URGENT_TOPIC
from ..models import AskLog, Entry, Handoff, HandoffKind, Language, Outcome
from ..rendering import fill_variables, render_answer

MAX_QUESTION_LENGTH = 2000


@dataclass(frozen=True)
class Offer:
    """An approved answer offered in "Did you mean…" (its title is the button)."""

    entry_id: str
    topic: str
    title: str


@dataclass(frozen=True)
class AnswerPart:
    """The answer to a further question asked in the same message."""

    entry_id: str
    version: int
    topic: str
    title: str
    text: str
    html: str
    citation: str


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
    language: str = "en"
    offered: tuple[Offer, ...] = ()
    also: tuple[AnswerPart, ...] = ()
    passed_on: tuple[str, ...] = ()  # questions in the message handed to staff beside the answer


def ask(
    clinic: Clinic,
    question: str,
    *,
    channel: str = "web",
    language: str | None = None,
    chosen_entry: str | None = None,
) -> Reply:
    """Answer a patient's question: urgent care first, an approved answer, or a handoff.

    ``language`` is the page's language, a hint for short messages; ``chosen_entry`` is the
    approved answer the patient picked from "Did you mean…" (triage still runs first).
    The engine decides first, outside any transaction (it may embed text for a while);
    only the log and the handoff are written together.
    """
    question = question.strip()
    if not question:
        raise ValidationError({"question": "Please type a question."})
    if len(question) > MAX_QUESTION_LENGTH:
        raise ValidationError({"question": "Please keep questions under 2,000 characters."})
    decision = engine_cache.engine_for(clinic).decide(question, hint=language)
    if chosen_entry and decision.kind != "urgent":
        decision = _as_chosen(decision, chosen_entry)
    with transaction.atomic():
        log = _log(clinic, question, decision, channel)
        handoff = _handoff_if_needed(clinic, question, decision, log)
    return _reply(clinic, decision, log, handoff)


def _as_chosen(decision: Decision, chosen_entry: str) -> Decision:
    """The patient's pick among the offered answers (only those offered can be picked)."""
    for candidate in (*decision.offered, *decision.ranked):
        if candidate.item.entry_id == chosen_entry:
            return replace(
                decision, kind="answer", candidate=candidate, reason="chosen by the patient"
            )
    return decision


def _log(clinic: Clinic, question: str, decision: Decision, channel: str) -> AskLog:
    answered = decision.kind == "answer" and decision.candidate is not None
    item = decision.candidate.item if answered and decision.candidate else None
    return AskLog.objects.create(
        clinic=clinic,
        question=question,
        outcome={
            "answer": Outcome.ANSWERED,
            "clarify": Outcome.CLARIFIED,
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
    if decision.kind == "clarify" or (decision.kind == "answer" and not decision.unanswered):
        return None
    kind = HandoffKind.URGENT if decision.kind == "urgent" else HandoffKind.QUESTION
    return Handoff.objects.create(clinic=clinic, ask_log=log, question=question, kind=kind)


def _reply(clinic: Clinic, decision: Decision, log: AskLog, handoff: Handoff | None) -> Reply:
    language = decision.language
    answers_in = language if language in Language.values else Language.ENGLISH
    values = clinic.answer_variables(answers_in)
    common: dict[str, Any] = {
        "confidence": decision.confidence,
        "signals": decision.triage.signals,
        "timings_ms": decision.timings_ms,
        "handoff_id": str(handoff.public_id) if handoff else None,
        "log_id": str(log.public_id),
        "language": language,
    }
    if decision.kind == "urgent":
        return _fixed_reply(clinic, "urgent", URGENT_TOPIC, values, common)
    if decision.kind == "clarify":
        offered = tuple(
            Offer(c.item.entry_id, c.item.topic, c.item.title) for c in decision.offered
        )
        return replace(_fixed_reply(clinic, "clarify", None, values, common), offered=offered)
    if decision.kind == "abstain" or decision.candidate is None:
        return _fixed_reply(clinic, "abstain", None, values, common)
    item = decision.candidate.item
    also = tuple(_part(c.item, values, clinic.name, language) for c in decision.also)
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
        citation=patient_citation(item.source, clinic.name, language),
        also=also,
        passed_on=decision.unanswered,
        **common,
    )


def _offer(candidate: Candidate) -> Offer:
    return Offer(candidate.item.entry_id, candidate.item.topic, candidate.item.title)


def _part(
    item: KnowledgeItem, values: dict[str, str], clinic_name: str, language: str
) -> AnswerPart:
    return AnswerPart(
        entry_id=item.entry_id,
        version=item.version,
        topic=item.topic,
        title=item.title,
        text=fill_variables(item.answer, values),
        html=render_answer(item.answer, values),
        citation=patient_citation(item.source, clinic_name, language),
    )


def _fixed_reply(
    clinic: Clinic, kind: str, topic: str | None, values: dict[str, str], common: dict[str, Any]
) -> Reply:
    """The urgent-care, clarify or hand-over answer in the patient's language: the clinic's
    approved urgent-care entry, else the shipped text, led by the emergency line in the
    patient's own language when the assistant has no answers in it."""
    language = common["language"]
    entry = (
        Entry.objects.answering().filter(clinic=clinic, topic=topic, language=language).first()
        if topic
        else None
    )
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
            citation=patient_citation(version.source, clinic.name, language),
            **common,
        )
    text = engine_cache.fixed_answers(language)[kind]
    answer = _with_own_language_line(text["answer"], kind, language)
    return Reply(
        kind=kind,
        urgent=kind == "urgent",
        abstained=kind == "abstain",
        text=fill_variables(answer, values),
        html=render_answer(answer, values),
        entry_id=None,
        version=None,
        topic=topic,
        title=text["title"],
        source=text["source"],
        citation=patient_citation(text["source"], clinic.name, language),
        **common,
    )


def _with_own_language_line(answer: str, kind: str, language: str) -> str:
    """For a language without answers: its own emergency line first, then English and
    Spanish ones, so that someone can read the rest."""
    if language in Language.values or kind == "clarify":
        return answer
    lines = engine_cache.emergency_lines()
    line = "urgent" if kind == "urgent" else "handoff"
    spoken = [lines[code][line] for code in (language, "es") if code in lines]
    return "\n\n".join([*spoken, answer])
