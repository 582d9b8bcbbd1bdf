"""The whole answering path for one clinic: language, urgent triage, then retrieval.

1. The language is detected (the page's language settles a close call).
2. The message and its sentences are embedded once, by the encoder for that language:
   the English model for English, the multilingual one for everything else.
3. Urgent triage runs two nets and fires when either does: the lexicon (English and
   Spanish patterns with context rules) and the learned net over the embeddings.
4. Only then retrieval, in the clinic's approved entries of that language. A language
   without approved entries is never answered with a topic: it is handed to staff (so is a
   message asking the assistant to step outside its role, ``guard.py``).
5. A message with several questions gets an answer for each sentence that asks one, also
   and a question in it that cannot be answered is passed to staff beside the answers. A
   message that as a whole is not answered stays whole ("Do you do HydraFacials? How
   often?" must not get the toxin's "how often" answer).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from .language import detect
from .retrieval import Candidate, Decision, Encoder, Engine
from .text import BrandSpeller
from .triage import Triage, triage
from .urgent_net import UrgentNet, split_message

ENGLISH_ENCODER = "minilm"
MULTILINGUAL_ENCODER = "e5"
LEARNED_SIGNAL = "described_symptoms"
MAX_ALSO = 2
_INTERROGATIVE = (
    "how", "what", "when", "why", "can", "could", "should", "is", "are", "do", "does", "will",
    "would", "which", "who", "where", "any", "cuánto", "cuanto", "cuándo", "cuando", "qué",
    "que", "cómo", "como", "puedo", "se", "es", "hay", "debo", "tengo",
)  # fmt: skip


def encoder_for(language: str) -> str:
    return ENGLISH_ENCODER if language == "en" else MULTILINGUAL_ENCODER


@dataclass(frozen=True)
class Urgency:
    triage: Triage
    score: float


class Assistant:
    """Per-language retrieval engines, the encoders and the learned urgent nets."""

    def __init__(
        self,
        engines: Mapping[str, Engine],
        encoders: Mapping[str, Encoder],
        nets: Mapping[str, UrgentNet],
        speller: BrandSpeller,
    ) -> None:
        self.engines = dict(engines)
        self._speller = speller
        self._encoders = dict(encoders)
        self._nets = dict(nets)

    def decide(self, question: str, hint: str | None = None) -> Decision:
        started = time.perf_counter()
        language = detect(question, hint).code
        message = split_message(question)
        parts = list(message.scored)
        vectors = message.vectors(self._embed(language, list(message.embedded)))
        urgency = self.urgency(question, language, parts, vectors)
        triaged = time.perf_counter()
        if urgency.triage.urgent:
            decision = Decision(
                kind="urgent",
                candidate=None,
                confidence=1.0,
                reason="urgent symptoms: " + ", ".join(urgency.triage.signals),
                triage=urgency.triage,
            )
        else:
            decision = self._retrieve(question, language, urgency.triage, parts, vectors)
        return replace(
            decision,
            language=language,
            urgent_score=round(urgency.score, 4),
            timings_ms=_timings(started, triaged),
        )

    def urgency(
        self, question: str, language: str, parts: list[str], vectors: np.ndarray
    ) -> Urgency:
        """Both nets: the lexicon's verdict, or the learned net's, whichever fires."""
        by_lexicon = triage(question)
        net = self._nets.get(encoder_for(language))
        score = net.score(parts, vectors) if net is not None and len(vectors) else 0.0
        if by_lexicon.urgent or net is None or score < self.threshold(net, language):
            return Urgency(by_lexicon, score)
        learned = Triage(urgent=True, signals=(LEARNED_SIGNAL,), evidence=())
        return Urgency(learned, score)

    def threshold(self, net: UrgentNet, language: str) -> float:
        """Recall alone decides in a language that is handed to staff whatever happens."""
        return net.threshold if language in self.engines else net.handoff_threshold

    def _embed(self, language: str, parts: list[str]) -> np.ndarray:
        """Embedded as the index and the net saw their texts: brand spellings corrected."""
        encoder = self._encoders.get(encoder_for(language))
        if encoder is None:
            return np.zeros((0, 384), np.float32)
        return encoder.embed([self._speller.correct(part) for part in parts])

    def _retrieve(
        self, question: str, language: str, urgency: Triage, parts: list[str], vectors: np.ndarray
    ) -> Decision:
        engine = self.engines.get(language)
        if engine is None:
            reason = f"no approved answers in this language ({language})"
            return Decision(
                kind="abstain", candidate=None, confidence=0.0, reason=reason, triage=urgency
            )
        decision = engine.answer(question, urgency, vectors[0] if len(vectors) else None)
        if len(parts) < 2 or decision.kind != "answer":
            return decision
        answered, unanswered = self._by_sentence(engine, parts, vectors, decision)
        return replace(decision, also=tuple(answered[:MAX_ALSO]), unanswered=unanswered)

    def _by_sentence(
        self, engine: Engine, parts: list[str], vectors: np.ndarray, whole: Decision
    ) -> tuple[list[Candidate], tuple[str, ...]]:
        """Each sentence that asks something, judged on its own: the answers to topics the
        whole message was not already answered with, and the questions it could not answer
        (passed to staff, so that no question in a message is silently dropped)."""
        seen = {whole.candidate.item.topic} if whole.candidate else set()
        found: list[Candidate] = []
        elsewhere: list[str] = []
        for sentence, vector in zip(parts[1:], vectors[1:], strict=True):
            if not _asks(sentence):
                continue
            own = engine.answer(sentence, whole.triage, vector)
            if own.kind == "answer" and own.candidate and own.candidate.item.topic not in seen:
                seen.add(own.candidate.item.topic)
                found.append(own.candidate)
            elif own.kind == "abstain":
                elsewhere.append(sentence)
        return found, tuple(elsewhere)


def _asks(sentence: str) -> bool:
    words = sentence.strip().lower().lstrip("¿¡").split()
    return sentence.rstrip().endswith("?") or bool(words and words[0] in _INTERROGATIVE)


def _timings(started: float, triaged: float) -> dict[str, float]:
    now = time.perf_counter()
    return {
        "triage": round((triaged - started) * 1000, 3),
        "retrieval": round((now - triaged) * 1000, 3),
        "total": round((now - started) * 1000, 3),
    }
