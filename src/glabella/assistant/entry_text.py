"""The words of one knowledge-base entry, checked and tidied before they are stored."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError


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
