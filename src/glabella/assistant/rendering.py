"""Approved answers to safe HTML: clinic values filled in, Markdown rendered, raw HTML as text."""

from __future__ import annotations

import re
from collections.abc import Mapping

from markdown_it import MarkdownIt

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def fill_variables(text: str, values: Mapping[str, str]) -> str:
    """Replace known ``{name}`` placeholders; leave anything else exactly as written."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def render_answer(markdown: str, values: Mapping[str, str]) -> str:
    return _markdown.render(fill_variables(markdown, values))


def placeholders_in(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))
