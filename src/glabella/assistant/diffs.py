"""Word-level differences between two versions of an entry, for the approver to read.

Inserted words are wrapped in <ins>, removed words in <del>; every word is escaped, so
the result is safe to put in a page as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import EntryVersion

# Each word with the whitespace after it: words are compared, the text is shown as written.
TOKENS = re.compile(r"^\s+|\S+\s*")


@dataclass(frozen=True)
class VersionChanges:
    """What approving ``after`` would change for patients, compared with ``before``."""

    before: int
    after: int
    title: SafeString
    answer: SafeString
    phrasings: SafeString
    title_changed: bool
    answer_changed: bool
    phrasings_changed: bool


def version_changes(
    approved: EntryVersion | None, candidate: EntryVersion
) -> VersionChanges | None:
    """None when there is nothing approved to compare with, or the candidate is approved."""
    if approved is None or approved.pk == candidate.pk:
        return None
    old_phrasings = "\n".join(approved.phrasings)
    new_phrasings = "\n".join(candidate.phrasings)
    return VersionChanges(
        before=approved.number,
        after=candidate.number,
        title=word_diff(approved.title, candidate.title),
        answer=word_diff(approved.answer, candidate.answer),
        phrasings=word_diff(old_phrasings, new_phrasings),
        title_changed=approved.title != candidate.title,
        answer_changed=approved.answer != candidate.answer,
        phrasings_changed=old_phrasings != new_phrasings,
    )


def word_diff(old: str, new: str) -> SafeString:
    before, after = TOKENS.findall(old), TOKENS.findall(new)
    parts: list[str] = []
    words = ([token.strip() for token in before], [token.strip() for token in after])
    matcher = SequenceMatcher(None, *words, autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(before[i1:i2]), "".join(after[j1:j2])
        if operation == "equal":
            parts.append(escape(added))  # the new text's spacing
            continue
        if removed:
            parts.append(f"<del>{escape(removed)}</del>")
        if added:
            parts.append(f"<ins>{escape(added)}</ins>")
    return mark_safe("".join(parts))  # noqa: S308  every piece of text above is escaped
