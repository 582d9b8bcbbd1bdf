"""The chat page in English or Spanish: the browser's language, the switch, the language the
patient wrote in; "Did you mean…" choices and the extra parts of a two-question message; the
Spanish catalogue is complete and compiled."""

from __future__ import annotations

import gettext
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from glabella.accounts.models import Clinic
from glabella.assistant import services
from glabella.assistant.models import Handoff, HandoffKind
from glabella.assistant.page_language import chat_language, preferred_language

pytestmark = pytest.mark.django_db

CHAT = "/c/test/ask"
LOCALE = Path(__file__).resolve().parents[1] / "locale" / "es" / "LC_MESSAGES"
SPANISH = "es-ES,es;q=0.9,en;q=0.5"


def _reply(**fields: Any) -> SimpleNamespace:
    """A reply as the assistant gives it, with the fields the page reads."""
    values: dict[str, Any] = {
        "kind": "answer",
        "urgent": False,
        "abstained": False,
        "text": "Results last 3 to 4 months.",
        "html": "<p>Results last 3 to 4 months.</p>",
        "entry_id": "e-duration",
        "version": 2,
        "topic": "duration",
        "title": "How long does it last?",
        "citation": "Test Clinic's own information",
        "handoff_id": None,
        "language": "en",
        "offered": (),
        "also": (),
    }
    return SimpleNamespace(**(values | fields))


class Asked(list[dict[str, Any]]):
    """What the assistant was asked; ``replies`` are given in turn, then a plain answer."""

    replies: list[SimpleNamespace]


@pytest.fixture
def asked(monkeypatch) -> Asked:  # type: ignore[no-untyped-def]
    """Replace the assistant with one that records what it was asked and replies as told."""
    calls = Asked()
    calls.replies = replies = []

    def ask(
        clinic: Clinic,
        question: str,
        *,
        channel: str = "web",
        language: str | None = None,
        chosen_entry: str | None = None,
    ) -> SimpleNamespace:
        calls.append({"question": question, "language": language, "chosen_entry": chosen_entry})
        return replies.pop(0) if replies else _reply()

    monkeypatch.setattr(services, "ask", ask)
    return calls


# --- which language ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("es-ES,es;q=0.9,en;q=0.8", "es"),
        ("es-MX", "es"),
        ("fr-FR,fr;q=0.9,es;q=0.8,en;q=0.7", "es"),
        ("fr-FR,fr;q=0.9,en;q=0.8,es;q=0.7", "en"),
        ("en-GB", "en"),
        ("de", "en"),
        ("es;q=0", "en"),
        ("", "en"),
        ("es;q=nonsense, en", "en"),
    ],
)
def test_the_browsers_most_preferred_chat_language(header: str, language: str) -> None:
    assert preferred_language(header) == language


def test_the_patients_choice_wins_over_the_browser() -> None:
    assert chat_language("en", SPANISH) == "en"
    assert chat_language("es", "en") == "es"
    assert chat_language("xx", SPANISH) == "es"


def test_a_spanish_browser_gets_the_page_in_spanish(client: Client, clinic) -> None:
    page = client.get(CHAT, headers={"Accept-Language": SPANISH}).content.decode()

    assert '<html lang="es">' in page
    assert "<title>Pregunte a Test Clinic</title>" in page
    assert '<label for="question">Su pregunta</label>' in page
    assert ">Preguntar</button>" in page
    assert "Si tiene dificultad para tragar, respirar o hablar, llame ya al 911." in page
    assert '<input type="hidden" name="lang" value="es">' in page
    assert 'aria-current="true">Español</a>' in page
    assert "Your question" not in page


def test_the_switch_links_work_without_javascript(client: Client, clinic) -> None:
    spanish = client.get(CHAT, headers={"Accept-Language": SPANISH}).content.decode()
    assert f'<a href="{CHAT}?lang=en" lang="en" hreflang="en">English</a>' in spanish

    english = client.get(f"{CHAT}?lang=en", headers={"Accept-Language": SPANISH})
    page = english.content.decode()
    assert '<html lang="en">' in page and "Your question" in page
    assert f'<a href="{CHAT}?lang=es" lang="es" hreflang="es">Español</a>' in page

    assert "Su pregunta" in client.get(f"{CHAT}?lang=es").content.decode()


def test_the_page_language_reaches_the_assistant(client: Client, clinic, asked) -> None:
    client.post(CHAT, {"question": "¿cuánto dura?", "lang": "es"})
    client.post(CHAT, {"question": "how long?"}, headers={"Accept-Language": SPANISH})
    client.post(CHAT, {"question": "how long?"})

    assert [call["language"] for call in asked] == ["es", "es", "en"]


def test_a_spanish_reply_turns_the_page_spanish(client: Client, clinic, asked) -> None:
    asked.replies.append(_reply(language="es", html="<p>Dura de 3 a 4 meses.</p>"))

    page = client.post(CHAT, {"question": "cuanto dura el botox", "lang": "en"}).content.decode()

    assert '<html lang="es">' in page
    assert "Su pregunta" in page
    assert '<p class="bubble bubble-patient" lang="es">' in page
    assert "De la respuesta aprobada por la clínica «How long does it last?» (versión 2)" in page


def test_htmx_swaps_the_page_strings_when_the_reply_changes_language(
    client: Client, clinic, asked
) -> None:
    asked.replies.append(_reply(language="es"))

    fragment = client.post(
        CHAT, {"question": "cuanto dura", "lang": "en"}, headers={"HX-Request": "true"}
    ).content.decode()

    assert fragment.startswith('<div class="exchange" lang="es">')
    assert '<header id="chat-header" class="chat-header" lang="es" hx-swap-oob="true">' in fragment
    assert '<div id="ask-fields" class="ask-fields" lang="es" hx-swap-oob="true">' in fragment
    assert '<input type="hidden" name="lang" value="es">' in fragment


def test_htmx_leaves_the_page_strings_alone_when_the_language_stays(
    client: Client, clinic, asked
) -> None:
    fragment = client.post(
        CHAT, {"question": "how long", "lang": "en"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "hx-swap-oob" not in fragment


def test_a_reply_in_a_language_the_page_does_not_speak_keeps_the_page_language(
    client: Client, clinic, asked
) -> None:
    asked.replies.append(_reply(kind="abstain", abstained=True, language="pt"))

    page = client.post(CHAT, {"question": "quanto tempo dura?", "lang": "es"}).content.decode()

    assert '<html lang="es">' in page
    assert '<p class="bubble bubble-patient" lang="pt">' in page
    assert 'data-kind="abstain" lang="pt">' in page  # the hand-over text speaks Portuguese
    assert "Su pregunta se ha enviado al equipo de la clínica." in page


def test_an_empty_question_is_refused_in_spanish(client: Client, clinic) -> None:
    page = client.post(CHAT, {"question": " ", "lang": "es"}).content.decode()
    assert "Escriba una pregunta." in page
    assert not Handoff.objects.exists()


def test_the_spanish_urgent_reply_keeps_the_instructions_first(
    client: Client, clinic, asked
) -> None:
    handoff = Handoff.objects.create(clinic=clinic, question="no puedo tragar", kind="urgent")
    asked.replies.append(
        _reply(
            kind="urgent",
            urgent=True,
            language="es",
            html="<p>Busque ayuda médica ahora.</p>",
            handoff_id=str(handoff.public_id),
        )
    )

    page = client.post(CHAT, {"question": "no puedo tragar", "lang": "es"}).content.decode()

    order = [
        page.index("Urgente: busque ayuda médica ahora"),
        page.index('Llame ya al <a class="urgent-call" href="tel:911">911</a>'),
        page.index("Busque ayuda médica ahora."),
        page.index(f'Su referencia: <strong class="reference-code">{handoff.reference_display}'),
        page.index("Para que la clínica pueda saber cómo está"),
        page.index(f'<label for="contact-{handoff.public_id}-phone">Teléfono</label>'),
        page.index("Al enviar estos datos, acepta que Test Clinic se ponga en contacto"),
        page.index(">Enviar mis datos</button>"),
    ]
    assert order == sorted(order)
    assert handoff.kind == HandoffKind.URGENT


# --- "Did you mean…" and two questions in one message -----------------------------------------


def test_clarify_offers_each_entry_as_a_button_posting_the_question_back(
    client: Client, clinic, asked
) -> None:
    offered = (
        SimpleNamespace(entry_id="e-aftercare", topic="aftercare", title="Can I exercise after?"),
        SimpleNamespace(entry_id="e-bruising", topic="bruising", title="Will I bruise?"),
    )
    asked.replies.append(_reply(kind="clarify", html="", offered=offered, title=None))

    page = client.post(CHAT, {"question": "after botox gym bruise?"}).content.decode()

    assert "Did you mean…" in page
    forms = re.findall(r'<li><form method="post" action="/c/test/ask".*?</form></li>', page, re.S)
    assert len(forms) == 2
    for form, option in zip(forms, offered, strict=True):
        assert '<input type="hidden" name="question" value="after botox gym bruise?">' in form
        assert f'<input type="hidden" name="chosen_entry" value="{option.entry_id}">' in form
        assert '<input type="hidden" name="lang" value="en">' in form
        assert f">{option.title}</button>" in form
    assert "From the clinic's approved answer" not in page


def test_a_chosen_entry_goes_to_the_assistant(client: Client, clinic, asked) -> None:
    client.post(CHAT, {"question": "after botox gym bruise?", "chosen_entry": "e-bruising"})
    assert asked[-1] == {
        "question": "after botox gym bruise?",
        "language": "en",
        "chosen_entry": "e-bruising",
    }


def test_clarify_in_spanish(client: Client, clinic, asked) -> None:
    offered = (SimpleNamespace(entry_id="e1", topic="pain", title="¿Duele?"),)
    asked.replies.append(_reply(kind="clarify", html="", offered=offered, language="es"))
    page = client.post(CHAT, {"question": "duele o dura?", "lang": "es"}).content.decode()
    assert "¿Quería decir…?" in page and ">¿Duele?</button>" in page


def test_the_second_answer_of_a_two_question_message_follows_the_first(
    client: Client, clinic, asked
) -> None:
    also = (
        SimpleNamespace(
            entry_id="e-pain",
            topic="pain",
            title="Does it hurt?",
            text="A quick pinch.",
            html="<p>A quick pinch.</p>",
            citation="Test Clinic's own information",
        ),
    )
    asked.replies.append(_reply(also=also))

    page = client.post(CHAT, {"question": "how long does it last and does it hurt"}).content
    page = page.decode()

    assert page.index("Results last 3 to 4 months.") < page.index("A quick pinch.")
    assert (
        '<div class="bubble bubble-clinic" data-kind="answer" data-part="also" lang="en">' in page
    )
    assert "From the clinic's approved answer “Does it hurt?”" in page


# --- the clinic picker and the catalogue -----------------------------------------------------


def test_the_clinic_picker_speaks_spanish_too(client: Client, clinic, other_clinic) -> None:
    page = client.get("/ask", headers={"Accept-Language": SPANISH}).content.decode()
    assert '<html lang="es">' in page
    assert "¿A qué clínica quiere preguntar?" in page


def _po_entries(path: Path) -> dict[str, str]:
    """msgid → msgstr of a .po file (the header entry left out)."""
    entries: dict[str, str] = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        match = re.search(r"^msgid ((?:\".*\"\n)+)msgstr ((?:\".*\"\n?)+)", block, re.M)
        if match:
            msgid, msgstr = (_unquote(part) for part in match.groups())
            if msgid:
                entries[msgid] = msgstr
    return entries


def _unquote(lines: str) -> str:
    text = "".join(re.findall(r'"(.*)"', lines))
    escapes = {'\\"': '"', "\\n": "\n", "\\\\": "\\"}
    return re.sub(r'\\["n\\]', lambda m: escapes[m.group()], text)


def test_every_spanish_string_is_translated_and_compiled() -> None:
    entries = _po_entries(LOCALE / "django.po")
    with (LOCALE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)

    assert len(entries) > 40
    assert [msgid for msgid, msgstr in entries.items() if not msgstr] == []
    stale = [m for m, s in entries.items() if catalogue.gettext(m) != s]
    assert stale == [], "run `make messages` and commit django.mo"
