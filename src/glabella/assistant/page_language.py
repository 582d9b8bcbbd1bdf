"""Which language the patient chat page speaks: English or Spanish.

The patient's own choice (the language switch, carried in the forms) comes first, then the
browser's Accept-Language; after a reply, the language the patient wrote in (see the chat
view). Staff pages stay in the site's language: there is no LocaleMiddleware, the chat views
switch the language for their own response only.
"""

from __future__ import annotations

CHAT_LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"
NAMES = {"en": "English", "es": "Español"}


def chat_language(chosen: str | None, accept_language: str = "") -> str:
    if chosen in CHAT_LANGUAGES:
        return chosen
    return preferred_language(accept_language)


def preferred_language(accept_language: str) -> str:
    """The browser's most preferred language the chat speaks ("es-MX;q=0.9" → "es")."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept_language.split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().split("-")[0].lower()))
    for negative_quality, _, language in sorted(ranked):
        if negative_quality < 0 and language in CHAT_LANGUAGES:
            return language
    return DEFAULT_LANGUAGE
