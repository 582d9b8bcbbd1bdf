"""Answering in the patient's language, "Did you mean…", and a pick among the offered."""

import pytest

from glabella.assistant import engine_cache, services
from glabella.assistant.engine.retrieval import Thresholds
from glabella.assistant.models import AskLog, Handoff, Outcome
from glabella.assistant.services import EntryText
from glabella.testing import approved_entries

pytestmark = pytest.mark.django_db

SPANISH = [
    EntryText(
        topic="duration",
        title="¿Cuánto dura el efecto?",
        answer="El efecto suele durar de {duration_months_min} a {duration_months_max} meses.",
        phrasings=("cuánto dura el bótox", "cuántos meses dura", "cada cuánto hay que volver"),
        source="Clinic FAQ",
    ),
    EntryText(
        topic="pain",
        title="¿Duele?",
        answer="La mayoría siente solo un pinchazo rápido.",
        phrasings=("duele mucho", "me va a doler la aguja", "es doloroso el pinchazo"),
        source="Clinic FAQ",
    ),
    EntryText(
        topic="cost",
        title="¿Cuánto cuesta?",
        answer="El bótox cuesta {price_botox_unit} por unidad.",
        phrasings=("cuál es el precio", "cuánto cobran por unidad", "es caro"),
        source="Clinic price list",
    ),
]


@pytest.fixture
def spanish_kb(clinic, small_kb, approver):  # type: ignore[no-untyped-def]
    return approved_entries(clinic, SPANISH, by=approver, language="es")[0]


def test_a_spanish_question_gets_the_spanish_answer_with_spanish_values(clinic, spanish_kb) -> None:
    reply = services.ask(clinic, "¿Cuánto dura el bótox?")
    assert reply.language == "es"
    assert reply.kind == "answer"
    assert reply.entry_id == str(spanish_kb.public_id)
    assert reply.text == "El efecto suele durar de 3 a 4 meses."
    assert reply.citation == "información propia de Test Clinic"


def test_a_spanish_urgent_message_gets_the_spanish_urgent_text(clinic, spanish_kb) -> None:
    reply = services.ask(clinic, "no puedo tragar desde que me pusieron bótox")
    assert reply.kind == "urgent"
    assert reply.language == "es"
    assert "911" in reply.text
    assert "tragar" in reply.text
    assert Handoff.objects.get().kind == "urgent"


def test_a_message_in_a_language_without_answers_is_handed_over_in_that_language(
    clinic, small_kb
) -> None:
    reply = services.ask(clinic, "Bonjour, combien de temps dure l'effet du botox ?")
    assert reply.kind == "abstain"
    assert reply.language == "fr"
    assert reply.text.startswith("Nous avons transmis votre message à l'équipe de Test Clinic")
    assert "Hemos pasado su mensaje" in reply.text
    assert Handoff.objects.count() == 1


def test_an_urgent_message_in_another_language_leads_with_its_own_emergency_line(
    clinic, small_kb
) -> None:
    reply = services.ask(clinic, "não consigo engolir nada desde a aplicação de botox ontem")
    assert reply.kind == "urgent"
    assert reply.text.startswith("Estes sintomas precisam de atendimento urgente: ligue agora")


def test_close_topics_are_offered_and_the_pick_is_answered(clinic, small_kb, monkeypatch) -> None:
    assistant = engine_cache.engine_for(clinic)
    english = assistant.engines["en"]
    wide = Thresholds(**{**english.thresholds.__dict__, "clarify_margin": 9.0})
    monkeypatch.setitem(assistant.engines, "en", english.with_settings(wide))
    reply = services.ask(clinic, "how much does it cost per unit")
    assert reply.kind == "clarify"
    assert not reply.abstained
    assert reply.handoff_id is None
    assert {offer.topic for offer in reply.offered} >= {"cost"}
    assert AskLog.objects.get().outcome == Outcome.CLARIFIED
    chosen = next(offer for offer in reply.offered if offer.topic == "pain")
    picked = services.ask(clinic, "how much does it cost per unit", chosen_entry=chosen.entry_id)
    assert picked.kind == "answer"
    assert picked.topic == "pain"


def test_a_pick_that_was_not_offered_is_ignored(clinic, small_kb) -> None:
    reply = services.ask(clinic, "does it hurt?", chosen_entry="not-an-entry")
    assert reply.kind == "answer"
    assert reply.topic == "pain"


def test_a_pick_never_skips_urgent_care(clinic, small_kb) -> None:
    pain = small_kb[1]
    reply = services.ask(
        clinic, "my throat is closing up since the botox", chosen_entry=str(pain.public_id)
    )
    assert reply.kind == "urgent"


def test_two_questions_in_one_message_get_two_answers(clinic, small_kb) -> None:
    reply = services.ask(clinic, "Does it hurt much? How much does it cost per unit?")
    assert reply.kind == "answer"
    assert {reply.topic, *(part.topic for part in reply.also)} == {"pain", "cost"}
    assert all(part.text for part in reply.also)


def test_a_question_it_cannot_answer_is_passed_on_beside_the_answer(clinic, small_kb) -> None:
    reply = services.ask(clinic, "Does it hurt much when the needle goes in? Is there parking?")
    assert reply.kind == "answer"
    assert reply.topic == "pain"
    assert reply.passed_on == ("Is there parking?",)
    handoff = Handoff.objects.get()
    assert str(handoff.public_id) == reply.handoff_id
    assert handoff.kind == "question"
    assert AskLog.objects.get().outcome == Outcome.ANSWERED


def test_an_answered_message_with_nothing_else_in_it_opens_no_handoff(clinic, small_kb) -> None:
    reply = services.ask(clinic, "Does it hurt much? How much does it cost per unit?")
    assert reply.passed_on == ()
    assert reply.handoff_id is None
    assert not Handoff.objects.exists()


def test_the_chat_shows_the_part_passed_on_after_the_answer(client, clinic, small_kb) -> None:
    response = client.post(
        "/c/test/ask",
        {"question": "Does it hurt much when the needle goes in? Is there parking?"},
    )
    page = response.content.decode()
    assert 'data-kind="passed-on"' in page
    assert page.index("quick pinch") < page.index('data-kind="passed-on"')
    assert "“Is there parking?”" in page
