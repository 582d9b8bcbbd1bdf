"""Which language a message is read in."""

import pytest

from glabella.assistant.engine.language import detect


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("how long does botox last", "en"),
        ("¿Cuánto dura el bótox?", "es"),
        ("me pusieron botox ayer y veo doble", "es"),
        ("não consigo engolir desde ontem", "pt"),
        ("je vois double depuis l'injection", "fr"),
        ("nie mogę przełykać od wczoraj", "pl"),
        ("tôi không nuốt được từ hôm qua", "vi"),
        ("打完针以后我吞咽困难", "zh"),
    ],
)
def test_a_clear_message_is_read_in_its_own_language(message: str, language: str) -> None:
    found = detect(message)
    assert found.code == language
    assert not found.guessed


def test_a_message_too_short_to_tell_follows_the_page() -> None:
    assert detect("tox?", hint="es").code == "es"
    assert detect("tox?", hint="es").guessed


def test_without_a_hint_a_short_message_is_read_as_english() -> None:
    assert detect("tox?").code == "en"


def test_an_unknown_hint_is_ignored() -> None:
    assert detect("tox?", hint="xx").code == "en"
