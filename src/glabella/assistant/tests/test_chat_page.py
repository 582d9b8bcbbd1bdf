"""The chat page through Django's test client (the browser tests cover clicking)."""

import pytest
from django.core.cache import cache
from django.test import Client

from glabella.assistant import throttle
from glabella.assistant.models import Handoff

pytestmark = pytest.mark.django_db


def test_the_chat_page_renders_with_a_labelled_question_box(client: Client, clinic) -> None:
    response = client.get("/ask")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<label for="question">Your question</label>' in page
    assert 'aria-live="polite"' in page
    assert "X-Frame-Options" not in response.headers


def test_posting_a_question_without_javascript_shows_the_answer(
    client: Client, clinic, small_kb
) -> None:
    response = client.post("/ask", {"question": "is it painful?"})
    page = response.content.decode()
    assert "Most people feel a quick pinch." in page
    assert "approved answer" in page


def test_htmx_posts_get_only_the_exchange(client: Client, clinic, small_kb) -> None:
    response = client.post("/ask", {"question": "is it painful?"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert page.lstrip().startswith('<div class="exchange" lang="en">')
    assert "<html" not in page


def test_urgent_messages_show_the_urgent_banner(client: Client, clinic, small_kb) -> None:
    response = client.post("/ask", {"question": "my wife has double vision since her botox"})
    page = response.content.decode()
    assert 'role="alert"' in page
    assert 'href="tel:911"' in page
    assert Handoff.objects.get().kind == "urgent"


def test_an_empty_question_shows_an_error_and_asks_nothing(client: Client, clinic) -> None:
    response = client.post("/ask", {"question": "  "})
    assert "Please type a question." in response.content.decode()
    assert not Handoff.objects.exists()


def test_an_unknown_clinic_is_404(client: Client, clinic) -> None:
    assert client.get("/c/nope/ask").status_code == 404


def test_the_embed_script_points_at_this_site(client: Client, clinic) -> None:
    response = client.get("/ask/embed.js")
    assert response["Content-Type"].startswith("text/javascript")
    assert "http://testserver" in response.content.decode()


def test_too_many_questions_from_one_address_are_refused(
    client: Client, clinic, small_kb, settings, monkeypatch
) -> None:
    settings.ASSISTANT_QUESTIONS_PER_MINUTE = 2
    monkeypatch.setattr(throttle, "_now", lambda: 1_800_000_000.0)  # all in one minute
    cache.clear()
    for _ in range(2):
        client.post("/ask", {"question": "is it painful?"})
    response = client.post("/ask", {"question": "is it painful?"})
    assert "Too many questions" in response.content.decode()
    api = client.post(
        "/api/v1/assistant/ask", {"question": "is it painful?"}, content_type="application/json"
    )
    assert api.status_code == 429
    assert api.json()["status"] == 429
