"""The Spanish lexicon: present symptoms fire, denied, resolved and hypothetical ones do not."""

import pytest

from glabella.assistant.engine.triage import triage


@pytest.mark.parametrize(
    "message",
    [
        "no puedo tragar desde ayer",
        "me cuesta mucho respirar desde la inyección",
        "veo doble desde el martes",
        "¿es normal que no pueda tragar ni agua?",
        "mi mamá tiene la lengua hinchada y ronchas por todo el cuerpo",
        "se me traba la lengua al hablar y tengo los brazos sin fuerza",
    ],
)
def test_present_symptoms_fire(message: str) -> None:
    verdict = triage(message)
    assert verdict.urgent, message
    assert verdict.evidence


@pytest.mark.parametrize(
    "message",
    [
        "no tengo problemas para tragar, solo un moretón pequeño",
        "¿el bótox puede causar visión doble?",
        "hace años que tengo el párpado un poco caído",
        "tuve dolor de cabeza ayer pero ya se me pasó",
        "me quedé sin aliento cuando vi el precio",
    ],
)
def test_denied_past_hypothetical_and_idioms_do_not_fire(message: str) -> None:
    assert not triage(message).urgent, message


def test_spanish_and_english_lexicons_report_the_same_signals() -> None:
    assert triage("no puedo tragar").signals == triage("I can't swallow").signals
