"""Import a clinic's FAQ document (plain text, Markdown or CSV) as knowledge-base entries.

The parser is pure: it takes the document's text and returns its entries in document order, or
raises DocumentError with a message, naming the line (text, Markdown) or row (CSV) at fault, that
can be shown to the person importing as it is.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Literal

from glabella.core.text import strip_accents

DocumentFormat = Literal["text", "markdown", "csv"]

ABOUT_PREFIX = "About: "
CSV_COLUMNS = ("question", "answer", "topic")
CSV_REQUIRED_COLUMNS = ("question", "answer")

_FORMAT_BY_SUFFIX: dict[str, DocumentFormat] = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".csv": "csv",
}
_BYTE_ORDER_MARK = "\ufeff"
_TOPIC_SLUG = re.compile(r"[a-z][a-z0-9_]*")
_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc]")
_NON_WORD_RUN = re.compile(r"[\W_]+")
_ATX_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*")
_CLOSING_HASHES = re.compile(r"(?:^|[ \t]+)#+$")
_FENCE_OPENING = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")


class DocumentError(ValueError):
    """The document cannot be imported; the message names the line or row at fault."""


@dataclass(frozen=True, slots=True)
class ImportedEntry:
    """One question with its Markdown answer; `key` identifies it across re-imports."""

    key: str
    question: str
    answer: str
    topic: str | None
    position: int


@dataclass(frozen=True, slots=True)
class _Draft:
    question: str
    answer: str
    where: str
    topic: str | None = None


@dataclass(frozen=True, slots=True)
class _Heading:
    index: int
    level: int
    text: str


def detect_format(filename: str) -> DocumentFormat:
    suffix = PurePath(filename).suffix.lower()
    try:
        return _FORMAT_BY_SUFFIX[suffix]
    except KeyError:
        raise DocumentError(
            f"Cannot import {filename!r}: expected a .txt, .md, .markdown or .csv file."
        ) from None


def parse_document(text: str, fmt: DocumentFormat) -> list[ImportedEntry]:
    parser = _PARSERS.get(fmt)
    if parser is None:
        raise DocumentError(f"Unknown document format {fmt!r}: expected text, markdown or csv.")
    text = text.removeprefix(_BYTE_ORDER_MARK)
    if not text.strip():
        raise DocumentError("The document is empty.")
    return _number_entries(parser(text))


def question_key(question: str) -> str:
    """The entry's stable identity: a slug of the question, e.g. "what-can-i-expect"."""
    without_accents = strip_accents(question)
    # Dropped, not turned into a hyphen, so that "don't" and "don’t" both become "dont".
    without_apostrophes = _APOSTROPHES.sub("", without_accents.casefold())
    return _NON_WORD_RUN.sub("-", without_apostrophes).strip("-")


def _number_entries(drafts: Sequence[_Draft]) -> list[ImportedEntry]:
    entries: list[ImportedEntry] = []
    first_seen: dict[str, tuple[int, _Draft]] = {}
    for position, draft in enumerate(drafts, start=1):
        key = question_key(draft.question)
        if not key:
            raise DocumentError(
                f"{draft.where}: the question {draft.question!r} has no letters or digits."
            )
        if key in first_seen:
            earlier_position, earlier = first_seen[key]
            raise DocumentError(
                f"Entries {earlier_position} ({earlier.where}) and {position} ({draft.where})"
                f" ask the same question ({key!r}); merge or reword one of them."
            )
        first_seen[key] = (position, draft)
        entries.append(ImportedEntry(key, draft.question, draft.answer, draft.topic, position))
    return entries


# Shared text handling


def _split_lines(text: str) -> list[str]:
    # Not str.splitlines: it also breaks at form feeds and U+2028, which would shift line numbers.
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _is_blank(line: str) -> bool:
    return not line.strip()


def _fold_whitespace(text: str) -> str:
    return " ".join(text.split())


def _join_paragraphs(lines: Sequence[str]) -> str:
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if _is_blank(line):
            if paragraphs[-1]:
                paragraphs.append([])
        else:
            paragraphs[-1].append(line.rstrip())
    return "\n\n".join("\n".join(paragraph) for paragraph in paragraphs if paragraph)


def _about_draft(title: str, content: Sequence[str], title_index: int) -> list[_Draft]:
    answer = _join_paragraphs(content)
    if not answer:
        return []
    return [_Draft(ABOUT_PREFIX + title, answer, f"line {title_index + 1}")]


# Plain text: a title line, an opening section, then question lines each followed by its answer


def _parse_text(text: str) -> list[_Draft]:
    lines = _split_lines(text)
    title_index = next(index for index, line in enumerate(lines) if not _is_blank(line))
    has_title = not _is_question_line(lines[title_index])
    body_start = title_index + 1 if has_title else title_index
    question_indexes = [
        index for index in range(body_start, len(lines)) if _is_question_line(lines[index])
    ]
    if not question_indexes:
        raise DocumentError("No questions found: a question is a line that ends with '?'.")
    drafts: list[_Draft] = []
    if has_title:
        opening = lines[body_start : question_indexes[0]]
        drafts += _about_draft(_fold_whitespace(lines[title_index]), opening, title_index)
    answer_ends = [*question_indexes[1:], len(lines)]
    for index, end in zip(question_indexes, answer_ends, strict=True):
        drafts.append(_text_draft(lines, index, end))
    return drafts


def _is_question_line(line: str) -> bool:
    return line.rstrip().endswith("?")


def _text_draft(lines: Sequence[str], question_index: int, answer_end: int) -> _Draft:
    question = _fold_whitespace(lines[question_index])
    answer = _join_paragraphs(lines[question_index + 1 : answer_end])
    where = f"line {question_index + 1}"
    if not answer:
        raise DocumentError(f"{where}: the question {question!r} has no answer.")
    return _Draft(question, answer, where)


# Markdown: headings are questions, each section below a heading its answer


def _parse_markdown(text: str) -> list[_Draft]:
    lines = _split_lines(text)
    headings = _find_headings(lines)
    if not headings:
        raise DocumentError("No headings found: in Markdown each question is a heading (## ...).")
    _reject_text_before_first_heading(lines, headings[0])
    drafts: list[_Draft] = []
    questions = headings
    if _starts_with_title(headings):
        title, questions = headings[0], headings[1:]
        drafts += _about_draft(title.text, lines[title.index + 1 : headings[1].index], title.index)
    for heading in questions:
        drafts.append(_markdown_draft(lines, headings, heading))
    return drafts


def _find_headings(lines: Sequence[str]) -> list[_Heading]:
    headings: list[_Heading] = []
    open_fence: str | None = None
    for index, line in enumerate(lines):
        # A "#" line inside a fenced code block is code, not a heading.
        if open_fence is not None:
            if _closes_fence(line, open_fence):
                open_fence = None
            continue
        open_fence = _fence_opened_by(line)
        heading = None if open_fence is not None else _heading_at(lines, index)
        if heading is not None:
            headings.append(heading)
    return headings


def _fence_opened_by(line: str) -> str | None:
    match = _FENCE_OPENING.fullmatch(line)
    if match is None:
        return None
    fence, info = match.groups()
    return None if fence.startswith("`") and "`" in info else fence


def _closes_fence(line: str, fence: str) -> bool:
    closing = rf" {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*"
    return re.fullmatch(closing, line) is not None


def _heading_at(lines: Sequence[str], index: int) -> _Heading | None:
    match = _ATX_HEADING.fullmatch(lines[index])
    if match is None:
        return None
    hashes, raw_text = match.groups()
    text = _fold_whitespace(_CLOSING_HASHES.sub("", raw_text or ""))
    if not text:
        raise DocumentError(f"line {index + 1}: the heading has no text.")
    return _Heading(index, len(hashes), text)


def _reject_text_before_first_heading(lines: Sequence[str], first: _Heading) -> None:
    for index in range(first.index):
        if not _is_blank(lines[index]):
            raise DocumentError(
                f"line {index + 1}: text before the first heading; start the document with a"
                " heading (# Title or ## Question)."
            )


def _starts_with_title(headings: Sequence[_Heading]) -> bool:
    return len(headings) > 1 and headings[0].level == 1 and headings[1].level > 1


def _markdown_draft(
    lines: Sequence[str], headings: Sequence[_Heading], heading: _Heading
) -> _Draft:
    answer = _join_paragraphs(lines[heading.index + 1 : _section_end(lines, headings, heading)])
    where = f"line {heading.index + 1}"
    if not answer:
        raise DocumentError(f"{where}: the heading {heading.text!r} has no content.")
    return _Draft(heading.text, answer, where)


def _section_end(lines: Sequence[str], headings: Sequence[_Heading], heading: _Heading) -> int:
    # Deeper headings do not end the section: a question's answer keeps its subsections.
    ends = (
        later.index
        for later in headings
        if later.index > heading.index and later.level <= heading.level
    )
    return next(ends, len(lines))


# CSV: a header row naming question, answer and optionally topic, then one entry a row


def _parse_csv(text: str) -> list[_Draft]:
    records = _read_csv_records(text)
    columns = _read_csv_header(records[0])
    drafts = [
        _csv_draft(record, columns, row_number)
        for row_number, record in enumerate(records[1:], start=2)
        if not all(_is_blank(cell) for cell in record)
    ]
    if not drafts:
        raise DocumentError("row 2: the CSV has a header row but no entries below it.")
    return drafts


def _read_csv_records(text: str) -> list[list[str]]:
    # strict: an unclosed quote is an error instead of silently swallowing the rows after it.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    try:
        records.extend(reader)
    except csv.Error as error:
        raise DocumentError(f"row {len(records) + 1}: malformed CSV ({error}).") from error
    return records


def _read_csv_header(record: Sequence[str]) -> dict[str, int]:
    names = [cell.strip().casefold() for cell in record]
    unknown = [
        f"{number} ({cell.strip()!r})"
        for number, (cell, name) in enumerate(zip(record, names, strict=True), start=1)
        if name not in CSV_COLUMNS
    ]
    if unknown:
        raise DocumentError(
            f"row 1: unexpected column {', '.join(unknown)}; the header row names the columns"
            f" {', '.join(CSV_COLUMNS)} (topic is optional) and nothing else."
        )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise DocumentError(f"row 1: column {', '.join(map(repr, repeated))} appears twice.")
    missing = [name for name in CSV_REQUIRED_COLUMNS if name not in names]
    if missing:
        raise DocumentError(f"row 1: the header row lacks column {', '.join(map(repr, missing))}.")
    return {name: number for number, name in enumerate(names)}


def _csv_draft(record: Sequence[str], columns: dict[str, int], row_number: int) -> _Draft:
    where = f"row {row_number}"
    if any(not _is_blank(cell) for cell in record[len(columns) :]):
        raise DocumentError(
            f"{where}: {len(record)} cells, but the header row names {len(columns)} columns."
        )
    question = _fold_whitespace(_cell(record, columns, "question"))
    answer = _join_paragraphs(_split_lines(_cell(record, columns, "answer")))
    if not question:
        raise DocumentError(f"{where}: the question is empty.")
    if not answer:
        raise DocumentError(f"{where}: the answer to {question!r} is empty.")
    return _Draft(question, answer, where, _read_topic(_cell(record, columns, "topic"), where))


def _cell(record: Sequence[str], columns: dict[str, int], name: str) -> str:
    number = columns.get(name)
    return record[number] if number is not None and number < len(record) else ""


def _read_topic(cell: str, where: str) -> str | None:
    topic = cell.strip()
    if not topic:
        return None
    if _TOPIC_SLUG.fullmatch(topic) is None:
        raise DocumentError(
            f"{where}: topic {topic!r} is not a slug: lower-case letters, digits and underscores,"
            " starting with a letter (e.g. after_care)."
        )
    return topic


_PARSERS: dict[str, Callable[[str], list[_Draft]]] = {
    "text": _parse_text,
    "markdown": _parse_markdown,
    "csv": _parse_csv,
}
