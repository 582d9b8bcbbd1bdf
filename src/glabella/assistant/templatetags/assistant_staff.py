"""Template filters of the staff pages: answers as patients see them, and who did what."""

from collections.abc import Mapping

from django import template
from django.utils.safestring import SafeString, mark_safe

from glabella.assistant.rendering import render_answer

register = template.Library()


@register.filter
def answer_html(markdown: str, values: Mapping[str, str]) -> SafeString:
    """An answer rendered by render_answer, which shows raw HTML as text: safe to insert."""
    return mark_safe(render_answer(markdown, values))  # noqa: S308


@register.filter
def staff_name(user: object) -> str:
    """A person's name, else their username; starter content and imports have no author."""
    if user is None:
        return "Glabella (shipped or imported)"
    return user.get_full_name() or user.get_username()  # type: ignore[attr-defined]
