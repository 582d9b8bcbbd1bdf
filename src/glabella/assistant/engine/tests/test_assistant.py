"""The whole answering path over the shipped starter content: language, both triage nets,
retrieval in the patient's language, further questions, and languages without answers."""

import numpy as np
import pytest

from glabella.assistant import engine_cache
from glabella.assistant.engine.assistant import LEARNED_SIGNAL, Assistant
from glabella.assistant.engine.triage import triage
from glabella.assistant.engine.urgent_net import UrgentNet


@pytest.fixture
def assistant(starter_assistant: Assistant) -> Assistant:
    return starter_assistant


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("¿Cuánto dura el bótox?", "duration"),
        ("cuanto cuesta la unidad de botox", "cost"),
        ("¿puedo ir al gimnasio después de la aplicación?", "exercise"),
        ("estoy embarazada, ¿me puedo poner bótox?", "pregnancy"),
    ],
)
def test_spanish_questions_get_the_spanish_answer(
    assistant: Assistant, question: str, topic: str
) -> None:
    decision = assistant.decide(question)
    assert decision.language == "es"
    assert decision.kind in ("answer", "clarify"), decision.reason
    assert decision.topic == topic
    assert decision.candidate is not None
    assert decision.candidate.item.entry_id.startswith("starter-es-")


@pytest.mark.parametrize(
    "message",
    [
        "no puedo tragar desde ayer, me pusieron bótox el lunes",
        "mi mamá se puso botox y ahora veo que no puede hablar bien y se le cae la saliva",
        "desde la inyección veo doble y me cuesta respirar",
    ],
)
def test_spanish_urgent_messages_go_to_urgent_care(assistant: Assistant, message: str) -> None:
    decision = assistant.decide(message)
    assert decision.kind == "urgent"
    assert decision.language == "es"


@pytest.mark.parametrize(
    "message",
    [
        "não consigo engolir nada desde a aplicação de botox ontem",
        "depuis mon injection je vois double et j'ai du mal à respirer",
        "od wczoraj nie mogę przełykać i widzę podwójnie po botoksie",
    ],
)
def test_urgent_messages_in_other_languages_go_to_urgent_care(
    assistant: Assistant, message: str
) -> None:
    assert assistant.decide(message).kind == "urgent"


def test_a_calm_message_in_a_language_without_answers_is_handed_to_staff(
    assistant: Assistant,
) -> None:
    decision = assistant.decide("Bonjour, combien de temps dure l'effet du botox ?")
    assert decision.language == "fr"
    assert decision.kind == "abstain"
    assert "no approved answers" in decision.reason


def test_the_learned_net_catches_what_the_lexicon_has_no_words_for(
    assistant: Assistant,
) -> None:
    message = "since my jab on tuesday there are two of everything on the telly"
    assert not triage(message).urgent
    decision = assistant.decide(message)
    assert decision.kind == "urgent"
    assert decision.triage.signals == (LEARNED_SIGNAL,)


def test_the_lexicon_alone_is_enough(assistant: Assistant) -> None:
    quiet = {
        name: UrgentNet(np.zeros_like(net.weights), threshold=1.0)
        for name, net in engine_cache.urgent_nets().items()
    }
    lexicon_only = Assistant(assistant.engines, {}, quiet, engine_cache.brand_speller())
    decision = lexicon_only.decide("I can't swallow properly since my botox")
    assert decision.kind == "urgent"
    assert "swallowing" in decision.triage.signals


def test_a_question_form_or_a_second_topic_does_not_hide_a_symptom(
    assistant: Assistant,
) -> None:
    message = "how much is a lip flip? also is it normal that my drinks keep coming out my nose"
    assert assistant.decide(message).kind == "urgent"


def test_a_message_with_two_questions_gets_both_answers(assistant: Assistant) -> None:
    decision = assistant.decide(
        "Can I go to the gym straight after my appointment? And is a glass of wine ok tonight?"
    )
    assert decision.kind == "answer"
    topics = {decision.topic, *(c.item.topic for c in decision.also)}
    assert topics == {"exercise", "alcohol"}


def test_a_single_question_has_no_further_answers(assistant: Assistant) -> None:
    assert assistant.decide("how long does botox last").also == ()


def test_ordinary_questions_do_not_set_off_the_alarm(assistant: Assistant) -> None:
    for question in (
        "how long does it take to kick in",
        "can I wear makeup the day after",
        "what's the difference between botox and dysport",
        "do you do lip flips",
    ):
        assert assistant.decide(question).kind != "urgent", question


def test_a_follow_up_about_another_service_keeps_its_context(assistant: Assistant) -> None:
    decision = assistant.decide("Do you do laser hair removal? How often do I need sessions?")
    assert decision.kind == "abstain"
