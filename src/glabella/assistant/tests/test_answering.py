"""Answering through the service, the API and the command: urgent first, approved text only."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from glabella.assistant import services
from glabella.assistant.models import AskLog, Handoff, HandoffKind, Outcome
from glabella.assistant.services import EntryText

pytestmark = pytest.mark.django_db


def test_a_plain_question_gets_the_approved_answer_with_clinic_values(clinic, small_kb) -> None:
    reply = services.ask(clinic, "how much does it cost per unit")
    assert reply.kind == "answer"
    assert reply.topic == "cost"
    assert "$13.00 per unit at Test Clinic" in reply.text
    assert reply.version == 1
    assert reply.source == "Clinic price list"


def test_every_question_is_logged_with_its_outcome(clinic, small_kb) -> None:
    services.ask(clinic, "does it hurt?")
    log = AskLog.objects.get()
    assert log.outcome == Outcome.ANSWERED
    assert log.topic == "pain"
    assert log.entry == small_kb[1]
    assert "total" in log.timings_ms


def test_urgent_symptoms_come_before_the_question_asked(clinic, small_kb) -> None:
    reply = services.ask(clinic, "how much is it? also my mum cant swallow since her botox")
    assert reply.kind == "urgent"
    assert reply.urgent
    assert "911" in reply.text
    handoff = Handoff.objects.get()
    assert handoff.kind == HandoffKind.URGENT
    assert AskLog.objects.get().outcome == Outcome.URGENT


def test_an_unrelated_question_is_handed_to_staff(clinic, small_kb) -> None:
    reply = services.ask(clinic, "can you recommend a good italian restaurant nearby")
    assert reply.kind == "abstain"
    assert reply.abstained
    assert reply.topic is None
    assert Handoff.objects.get().kind == HandoffKind.QUESTION


def test_draft_and_retired_entries_never_answer(clinic, small_kb, approver) -> None:
    services.retire_entry(small_kb[2], by=approver)
    services.create_entry(clinic, EntryText("cost", "Prices", "Draft price text"), by=approver)
    reply = services.ask(clinic, "how much does it cost per unit")
    assert reply.topic != "cost"
    assert "Draft price text" not in reply.text


def test_an_edit_keeps_answering_with_the_approved_version(clinic, small_kb, approver) -> None:
    services.edit_entry(
        small_kb[1],
        EntryText("pain", "Does it hurt?", "NEW WORDING", ("is it painful",)),
        by=approver,
    )
    assert "NEW WORDING" not in services.ask(clinic, "is it painful").text
    services.approve_entry(small_kb[1], by=approver)
    assert "NEW WORDING" in services.ask(clinic, "is it painful").text


def test_script_in_an_answer_is_shown_as_text(clinic, approver) -> None:
    entry = services.create_entry(
        clinic,
        EntryText(
            "pain",
            "Does it hurt?",
            "<script>alert(1)</script> a pinch",
            ("does it hurt", "is it painful"),
        ),
        by=approver,
    )
    services.approve_entry(entry, by=approver)
    reply = services.ask(clinic, "does it hurt")
    assert "<script>" not in reply.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in reply.html


def test_an_empty_question_is_refused_and_nothing_is_logged(clinic, small_kb) -> None:
    with pytest.raises(ValidationError):
        services.ask(clinic, "   ")
    assert not AskLog.objects.exists()


def test_the_engine_decides_outside_the_transaction_that_writes_the_log(
    clinic, small_kb, monkeypatch
) -> None:
    from django.db import connection

    from glabella.assistant import engine_cache

    engine = engine_cache.engine_for(clinic)
    decide = engine.decide
    outer = len(connection.atomic_blocks)  # the test's own transaction
    depths: list[int] = []

    def watched(question: str, hint: str | None = None):
        depths.append(len(connection.atomic_blocks))
        return decide(question, hint)

    monkeypatch.setattr(engine, "decide", watched)
    reply = services.ask(clinic, "can you recommend a good italian restaurant nearby")
    assert depths == [outer]
    assert Handoff.objects.get().ask_log == AskLog.objects.get()
    assert reply.handoff_id is not None


def test_reading_the_starter_file_does_not_import_the_services() -> None:
    import subprocess
    import sys

    code = (
        "import django, os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
        "'glabella.config.settings_test'); django.setup(); "
        "import glabella.assistant.engine_cache; "
        "assert 'glabella.assistant.services' not in sys.modules, 'services imported'"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_api_answers_with_the_documented_fields(client: Client, clinic, small_kb) -> None:
    response = client.post(
        "/api/v1/assistant/ask", {"question": "is it painful"}, content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "kind",
        "urgent",
        "abstained",
        "text",
        "html",
        "entry_id",
        "version",
        "topic",
        "title",
        "citation",
        "confidence",
        "signals",
        "timings_ms",
        "handoff_id",
        "reference",
        "contact_token",
        "language",
        "offered",
        "also",
        "passed_on",
    }
    assert body["topic"] == "pain"
    assert body["language"] == "en"
    assert (body["reference"], body["contact_token"]) == (None, None)  # answered: no handoff
    assert body["entry_id"] == str(small_kb[1].public_id)


@pytest.mark.parametrize(
    ("payload", "status"),
    [({"question": ""}, 422), ({}, 422), ({"question": "hi", "clinic": "nope"}, 404)],
)
def test_api_rejects_bad_input_clearly(client: Client, clinic, small_kb, payload, status) -> None:
    response = client.post("/api/v1/assistant/ask", payload, content_type="application/json")
    assert response.status_code == status
    assert not AskLog.objects.exists()


def test_ask_command_prints_the_answer_and_metadata(clinic, small_kb, capsys) -> None:
    call_command("ask", "how long does it last", "--json")
    reply = json.loads(capsys.readouterr().out)
    assert reply["topic"] == "duration"
    assert reply["kind"] == "answer"
