"""Urgent-symptom triage for the patient assistant.

A message that describes a symptom of distant toxin spread or a severe allergic reaction
happening now is flagged urgent, so the patient is told to call emergency services before
anything else. A missed red flag is the worst error this product can make, so the rules
lean towards firing: a symptom phrase fires unless its context clearly says otherwise.

1. The text is lower-cased without changing its length, so every match is also a span of
   the patient's own words (the evidence).
2. Symptom phrases come from the lexicon in ``data/red_flags.toml``; idioms that share
   words with a symptom ("swallow my pride") are dropped.
3. The message is split into sentences and clauses, and each phrase is judged in context:
   - denied ("no trouble swallowing", "double vision? no."): never fires;
   - resolved, long past or habitual ("it went away", "years ago", "when I run") with no
     "now", "still" or "since ..." in the sentence: held back;
   - someone else's, with an ordinary illness to explain it ("my son has a cold and is
     wheezing") in a message that never says that person was treated: held back;
   - conditional ("if I got ...") or a question about risk ("could botox cause ...") with
     no sign in its clause that it is happening ("since Monday", "forever"): held back;
   - anything else fires. A held-back phrase still fires when a later sentence points back
     to it as present ("Can botox cause double vision? I've had it since Monday.").
4. Groups that are urgent only in company (a drooping eyelid, a rash) fire only when one
   of their companion groups fired in the same message.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from enum import Enum, auto
from functools import cache
from pathlib import Path
from typing import Any

LEXICON_PATH = Path(__file__).parents[1] / "data" / "red_flags.toml"
# Every lexicon runs on every message (patients mix languages); one firing is enough.
LEXICON_PATHS = (LEXICON_PATH, LEXICON_PATH.with_name("red_flags_es.toml"))

# Stands in for a symptom phrase when looking for context cues, so that words inside the
# phrase ("can't" in "can't swallow", "stopped" in "stopped being able to") are not read
# as context, while the phrase still counts as one word between a cue and a later phrase.
_MASK = "#"
_APOSTROPHES = str.maketrans(dict.fromkeys("\u2019\u2018`\u00b4\u02bc\uff07", "'"))
# A full stop ends a sentence unless it sits inside "e.g.", "i.e." or a number ("2.5").
_SENTENCE_END = re.compile(r"(?:[!?;\n\u2026]|(?<!\be\.g)(?<!\bi\.e)\.(?!\w))+")
_HARD_CLAUSE_BREAK = (
    r"[,:()\[\]]|\s[-\u2013\u2014]+\s|[\u2013\u2014]"
    r"|(?<!\w)(?:but|however|although|though|whereas|because|'cause|coz|cos"
    r"|and now|and then|also|plus|except)(?!\w)"
)
# "and" starting a new statement ("I had botox in March and I can't swallow") ends a clause,
# but not the reach of an "if" before it ("if the toxin spread and I got weak arms").
_SOFT_CLAUSE_BREAK = (
    r"(?<!\w)and(?=\s+(?:i|i'm|im|i've|ive|my|she|she's|he|he's|her|his|it|it's|its"
    r"|food|water|drinks?|everything|things|swallowing|breathing|talking|vision|speech|voice)\b)"
)
_CLAUSE_BREAK = re.compile(f"{_HARD_CLAUSE_BREAK}|{_SOFT_CLAUSE_BREAK}")
_HARD_BREAK = re.compile(_HARD_CLAUSE_BREAK)
_MACRO = re.compile(r"<(\w+)>")
_WORD = re.compile(r"\S+")
_WORD_CHARACTER = re.compile(r"\w")
# How far around a symptom phrase the anchored cues (a possessive before it, a denial after
# it) are looked for; bounding it keeps a message stuffed with symptom words linear.
_NEAR = 80


@dataclass(frozen=True)
class Triage:
    urgent: bool
    signals: tuple[str, ...]  # symptom group ids that fired, e.g. ("swallowing", "breathing")
    evidence: tuple[str, ...]  # the text spans that triggered them


@dataclass(frozen=True)
class SymptomGroup:
    id: str
    name: str
    reported_as: str
    urgent_with_any: frozenset[str]
    pattern: re.Pattern[str]
    exclude: re.Pattern[str] | None


@dataclass(frozen=True)
class Cues:
    negation: re.Pattern[str]
    negation_after: re.Pattern[str]
    negation_barriers: re.Pattern[str]
    denial_undone: re.Pattern[str]
    conditional: re.Pattern[str]
    question: re.Pattern[str]
    risk_topic: re.Pattern[str]
    interrogative: re.Pattern[str]
    list_filler: re.Pattern[str]
    list_intro: re.Pattern[str]
    pointing_at_present: re.Pattern[str]
    frame_barriers: re.Pattern[str]
    personal_present: re.Pattern[str]
    possessive: re.Pattern[str]
    current: re.Pattern[str]
    recent: re.Pattern[str]
    resolved: re.Pattern[str]
    remote_past: re.Pattern[str]
    habitual: re.Pattern[str]
    past_marker: re.Pattern[str]
    anaphoric_current: re.Pattern[str]
    other_person: re.Pattern[str]
    other_cause: re.Pattern[str]
    others_treatment: re.Pattern[str]


# Cues that undo a frame; looked for in text where frame words are blanked out, so that
# "fine now" or "can you still get ..." do not count as "now" or "still".
_PRESENT_CUES = frozenset({"current", "recent", "anaphoric_current"})
_FRAME_CUES = ("resolved", "question", "conditional")
# Cues that keep their meaning inside a symptom phrase: "was" in "my voice was hoarse" is past
# tense, "keeps" in "food keeps getting stuck" says it is happening now.
_CUES_READ_INSIDE_SYMPTOMS = frozenset({"past_marker", "current", "recent"})


@dataclass(frozen=True)
class Lexicon:
    groups: tuple[SymptomGroup, ...]
    cues: Cues


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def holds(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True)
class Hit:
    group: str
    span: Span


class Verdict(Enum):
    FIRES = auto()
    DENIED = auto()
    HELD_BACK = auto()  # past, hypothetical or informational, unless a later sentence revives it


class Message:
    """A normalised message cut into sentences and clauses, and the context cues in it.

    ``masked`` has each symptom phrase replaced by ``#``, so a phrase counts as one word
    between a cue and a later phrase. Most cues found wholly inside a symptom phrase are
    ignored: "no longer" in "no longer able to swallow" is part of the symptom, not a
    resolution. Cues are looked for one sentence at a time, and only when a rule first asks
    for them, which keeps a long message with one denied symptom cheap.
    """

    def __init__(self, normalised: str, hits: list[Hit], cues: Cues) -> None:
        self.normalised = normalised
        self.masked = _mask(normalised, (hit.span for hit in hits))
        self.sentences = tuple(_split(normalised, _SENTENCE_END, Span(0, len(normalised))))
        self.clauses = tuple(
            c for s in self.sentences for c in _split(normalised, _CLAUSE_BREAK, s)
        )
        self._sentence_ends = [sentence.end for sentence in self.sentences]
        self._clause_ends = [clause.end for clause in self.clauses]
        self._hits = [hit.span for hit in hits]
        self._cues = cues
        self._found: dict[tuple[str, int], tuple[Span, ...]] = {}
        self._present_text: dict[int, str] = {}
        self._questions: dict[int, bool] = {}

    def is_question(self, index: int) -> bool:
        if index not in self._questions:
            sentence = self.sentences[index]
            ending = _SENTENCE_END.match(self.normalised, sentence.end)
            asks = ending is not None and "?" in ending.group()
            opening = self.normalised[sentence.start : sentence.end]
            self._questions[index] = asks or bool(self._cues.interrogative.search(opening))
        return self._questions[index]

    def sentence_index(self, position: int) -> int:
        return _index_of(self._sentence_ends, position)

    def clause_of(self, position: int) -> Span:
        return self.clauses[_index_of(self._clause_ends, position)]

    def cues(self, name: str, within: Span) -> list[Span]:
        return [cue for cue in self._found_around(name, within) if within.holds(cue)]

    def has(self, name: str, within: Span) -> bool:
        return any(within.holds(cue) for cue in self._found_around(name, within))

    def starts_in(self, name: str, within: Span) -> bool:
        found = self._found_around(name, within)
        return any(within.start <= cue.start < within.end for cue in found)

    def cue_free_text(self, name: str, within: Span) -> str:
        """The masked text of ``within`` with every cue of this kind blanked out."""
        cues = [Span(c.start - within.start, c.end - within.start) for c in self.cues(name, within)]
        return _mask(self.masked[within.start : within.end], cues)

    def _found_around(self, name: str, within: Span) -> Iterator[Span]:
        first = self.sentence_index(within.start)
        last = self.sentence_index(max(within.start, within.end - 1))
        for index in range(first, last + 1):
            yield from self._found_in_sentence(name, index)

    def _found_in_sentence(self, name: str, index: int) -> tuple[Span, ...]:
        key = (name, index)
        if key not in self._found:
            self._found[key] = self._search(name, index)
        return self._found[key]

    def _search(self, name: str, index: int) -> tuple[Span, ...]:
        pattern: re.Pattern[str] = getattr(self._cues, name)
        sentence = self.sentences[index]
        text = self._present(index) if name in _PRESENT_CUES else self.normalised
        matches = pattern.finditer(text, sentence.start, sentence.end)
        spans = tuple(Span(*match.span()) for match in matches)
        if name in _CUES_READ_INSIDE_SYMPTOMS:
            return spans
        return tuple(s for s in spans if not any(hit.holds(s) for hit in self._hits))

    def _present(self, index: int) -> str:
        """The text with frame words blanked out in this sentence."""
        if index not in self._present_text:
            frames = (s for name in _FRAME_CUES for s in self._found_in_sentence(name, index))
            self._present_text[index] = _mask(self.normalised, frames)
        return self._present_text[index]


def triage(text: str) -> Triage:
    """The message judged by each lexicon; urgent when any of them fires."""
    verdicts = [judge_with(load_lexicon(path), text) for path in LEXICON_PATHS if path.exists()]
    fired = [verdict for verdict in verdicts if verdict.urgent]
    if not fired:
        return Triage(urgent=False, signals=(), evidence=())
    return Triage(
        urgent=True,
        signals=tuple(dict.fromkeys(s for verdict in fired for s in verdict.signals)),
        evidence=tuple(dict.fromkeys(e for verdict in fired for e in verdict.evidence)),
    )


def judge_with(lexicon: Lexicon, text: str) -> Triage:
    normalised = _normalise(text)
    hits = _worth_judging(list(_find_hits(lexicon.groups, normalised)), lexicon.groups)
    if not hits:
        return Triage(urgent=False, signals=(), evidence=())
    message = Message(normalised, hits, lexicon.cues)
    firing = [hit for hit in hits if _fires(hit, message, lexicon.cues)]
    urgent_hits = _urgent_hits(firing, lexicon.groups)
    return Triage(
        urgent=bool(urgent_hits),
        signals=_signals(urgent_hits, lexicon.groups),
        evidence=_evidence(urgent_hits, text),
    )


@cache
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    macros: Mapping[str, str] = data["macros"]
    groups = tuple(_compile_group(entry, macros) for entry in data["groups"])
    cues = Cues(**{f.name: _compile(data["cues"][f.name], macros) for f in fields(Cues)})
    return Lexicon(groups=groups, cues=cues)


def _compile_group(entry: Mapping[str, Any], macros: Mapping[str, str]) -> SymptomGroup:
    return SymptomGroup(
        id=entry["id"],
        name=entry["name"],
        reported_as=entry.get("reported_as", entry["id"]),
        urgent_with_any=frozenset(entry["urgent_with_any"]),
        pattern=_compile(entry["patterns"], macros),
        exclude=_compile(entry["exclude"], macros) if entry["exclude"] else None,
    )


def _compile(patterns: Iterable[str], macros: Mapping[str, str]) -> re.Pattern[str]:
    alternatives = "|".join(_expand(pattern, macros) for pattern in patterns)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def _expand(pattern: str, macros: Mapping[str, str]) -> str:
    """Fill in macros, then let a written space stand for any run of whitespace or hyphens."""
    expanded = _MACRO.sub(lambda match: macros[match.group(1)], pattern)
    return expanded.replace(" ?", r"[\s-]*").replace(" ", r"[\s-]+")


def _normalise(text: str) -> str:
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters (e.g. "İ") grow when lower-cased
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lowered.translate(_APOSTROPHES)


def _find_hits(groups: Iterable[SymptomGroup], text: str) -> Iterator[Hit]:
    for group in groups:
        spans = [Span(*match.span()) for match in group.pattern.finditer(text)]
        if spans and group.exclude:
            idioms = [Span(*match.span()) for match in group.exclude.finditer(text)]
            spans = [s for s in spans if not any(_overlaps(s, idiom) for idiom in idioms)]
        yield from (Hit(group.id, span) for span in spans)


def _worth_judging(hits: list[Hit], groups: Iterable[SymptomGroup]) -> list[Hit]:
    """Drop phrases that cannot be urgent: a drooping eyelid with no other symptom named."""
    named = {hit.group for hit in hits}
    judged = {g.id for g in groups if not g.urgent_with_any or g.urgent_with_any & named}
    return [hit for hit in hits if hit.group in judged]


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _mask(text: str, spans: Iterable[Span]) -> str:
    """``text`` with every span (overlapping or not) written over with ``_MASK``."""
    pieces: list[str] = []
    done = 0
    for span in sorted(spans, key=lambda span: span.start):
        start, end = max(span.start, done), min(span.end, len(text))
        if end <= start:
            continue
        pieces += [text[done:start], _MASK * (end - start)]
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def _split(text: str, separator: re.Pattern[str], within: Span) -> Iterator[Span]:
    start = within.start
    for match in separator.finditer(text, within.start, within.end):
        yield Span(start, match.start())
        start = match.end()
    yield Span(start, within.end)


def _index_of(ends: list[int], position: int) -> int:
    return min(bisect_right(ends, position), len(ends) - 1)


def _fires(hit: Hit, message: Message, cues: Cues) -> bool:
    verdict = _judge(hit.span, message, cues)
    if verdict is Verdict.HELD_BACK:
        return _revived_later(hit.span, message)
    return verdict is Verdict.FIRES


def _judge(hit: Span, message: Message, cues: Cues) -> Verdict:
    clause = message.clause_of(hit.start)
    if _is_denied(hit, clause, message, cues):
        return Verdict.DENIED
    if _is_past(hit, clause, message) or _is_someone_elses_illness(hit, message):
        return Verdict.HELD_BACK
    if _is_framed(hit, clause, message, cues) and not _said_to_be_present(clause, message):
        return Verdict.HELD_BACK
    return Verdict.FIRES


def _said_to_be_present(clause: Span, message: Message) -> bool:
    """ "Will I have double vision forever?" """
    return message.has("current", clause) or message.has("recent", clause)


def _is_denied(hit: Span, clause: Span, message: Message, cues: Cues) -> bool:
    sentence = message.sentences[message.sentence_index(hit.start)]
    if message.has("denial_undone", Span(hit.end, sentence.end)):
        return False
    after = message.masked[hit.end : min(clause.end, hit.end + _NEAR)]
    if cues.negation_after.match(after) or _answered_no(hit, message, cues):
        return True
    return _denied_before(hit, clause, message)


def _denied_before(hit: Span, clause: Span, message: Message) -> bool:
    """A denial reaches a few words forward, and no further than a word like "but"."""
    for negation in message.cues("negation", Span(clause.start, hit.end)):
        if negation.start >= hit.start:
            continue
        gap = Span(min(negation.end, hit.start), hit.start)
        few_words = len(_WORD.findall(message.masked[gap.start : gap.end])) <= 3
        if few_words and not message.starts_in("negation_barriers", gap):
            return True
    return False


def _answered_no(hit: Span, message: Message, cues: Cues) -> bool:
    """ "Double vision? No." """
    index = message.sentence_index(hit.start)
    if not message.is_question(index) or index + 1 == len(message.sentences):
        return False
    reply = message.sentences[index + 1]
    reply_text = message.masked[reply.start : min(reply.end, reply.start + _NEAR)]
    return cues.negation_after.match(reply_text) is not None


def _is_past(hit: Span, clause: Span, message: Message) -> bool:
    """Resolved ("it went away"), long ago ("years ago") or a habit, and nothing says "now"."""
    sentence = message.sentences[message.sentence_index(hit.start)]
    in_clause = any(message.has(cue, clause) for cue in ("resolved", "remote_past", "habitual"))
    later = Span(clause.end, sentence.end)
    over_later = message.has("resolved", later) or message.has("remote_past", later)
    told_as_past = message.has("past_marker", clause) or message.has("recent", clause)
    in_past = in_clause or (over_later and told_as_past)
    return in_past and not message.has("current", sentence)


def _is_someone_elses_illness(hit: Span, message: Message) -> bool:
    """Another person's (or a pet's) symptom with an ordinary illness to explain it, in a
    message that never says that person was treated."""
    sentence = message.sentences[message.sentence_index(hit.start)]
    about_someone = message.has("other_person", Span(sentence.start, hit.start))
    if not (about_someone and message.has("other_cause", sentence)):
        return False
    whole = Span(0, len(message.normalised))
    return not message.has("others_treatment", whole)


def _is_framed(hit: Span, clause: Span, message: Message, cues: Cues) -> bool:
    """Hypothetical ("if I got ...") or a question about risk ("could botox cause ...")."""
    if _is_conditional(hit, clause, message):
        return True
    before = max(clause.start, hit.start - _NEAR)
    if cues.possessive.search(message.normalised, before, hit.start):
        return False
    index = message.sentence_index(hit.start)
    frames = ["question", "risk_topic"] if message.is_question(index) else ["question"]
    sentence = message.sentences[index]
    return any(
        _frame_reaches(frame, hit, clause, sentence, message) for frame in frames
    ) or _is_fragment_of_question(index, message)


def _is_conditional(hit: Span, clause: Span, message: Message) -> bool:
    if message.has("conditional", clause):
        return True
    sentence = message.sentences[message.sentence_index(hit.start)]
    for cue in message.cues("conditional", Span(sentence.start, clause.start)):
        if not _HARD_BREAK.search(message.masked, cue.end, clause.start):
            return True
    return False


def _frame_reaches(frame: str, hit: Span, clause: Span, sentence: Span, message: Message) -> bool:
    """A question reaches a symptom in its own clause, or in a bare list after it."""
    for cue in message.cues(frame, Span(sentence.start, hit.end)):
        if cue.start >= hit.start:
            continue
        if cue.end <= clause.start and not _is_list(clause, message):
            continue
        gap = Span(min(cue.end, hit.start), hit.start)
        barrier = message.starts_in("frame_barriers", gap)
        if not barrier and not message.starts_in("personal_present", gap):
            return True
    return message.has(frame, Span(hit.end, clause.end))


def _is_list(span: Span, message: Message) -> bool:
    """Only symptoms and words like "like", "or", "e.g." ("like trouble breathing?")."""
    leftover = message.cue_free_text("list_filler", span)
    return _WORD_CHARACTER.search(leftover) is None


def _is_fragment_of_question(index: int, message: Message) -> bool:
    """ "What are the signs of spread? Trouble swallowing?": the second sentence is a list."""
    if index == 0 or not message.is_question(index - 1):
        return False
    previous = message.sentences[index - 1]
    return (
        message.has("list_intro", previous)
        and not message.has("pointing_at_present", previous)
        and _is_list(message.sentences[index], message)
    )


def _revived_later(hit: Span, message: Message) -> bool:
    """ "Can botox cause double vision? I've had it since Monday." """
    clause = message.clause_of(hit.start)
    return message.has("anaphoric_current", Span(clause.end, len(message.normalised)))


def _urgent_hits(firing: list[Hit], groups: Iterable[SymptomGroup]) -> list[Hit]:
    fired_groups = {hit.group for hit in firing}
    urgent_groups = {
        group.id
        for group in groups
        if group.id in fired_groups
        and (not group.urgent_with_any or group.urgent_with_any & fired_groups)
    }
    urgent = (hit for hit in firing if hit.group in urgent_groups)
    return sorted(urgent, key=lambda hit: hit.span.start)


def _signals(hits: Iterable[Hit], groups: Iterable[SymptomGroup]) -> tuple[str, ...]:
    fired = {hit.group for hit in hits}
    reported = (group.reported_as for group in groups if group.id in fired)
    return tuple(dict.fromkeys(reported))


def _evidence(hits: Iterable[Hit], original: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(original[hit.span.start : hit.span.end] for hit in hits))
