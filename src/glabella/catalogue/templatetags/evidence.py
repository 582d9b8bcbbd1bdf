"""Template helpers that show a fact's evidence: source links and status badges."""

from collections.abc import Sequence

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def cite(sources: Sequence[str]) -> str:
    if not sources:
        return ""
    links = format_html_join(", ", '<a href="#{}">{}</a>', ((f"src-{s}", s) for s in sources))
    return format_html('<span class="cite">[{}]</span>', links)


@register.simple_tag
def status_badge(fact: object) -> str:
    status = getattr(fact, "status", "confirmed")
    if status == "confirmed":
        return ""
    note = getattr(fact, "note", "")
    return format_html('<span class="badge badge-{}" title="{}">{}</span>', status, note, status)


@register.filter
def get_item(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key)
