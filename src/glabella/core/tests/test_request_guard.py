"""Null characters and oversized bodies are refused before any view: 400 and 413, never 500.

Under /api/v1/ the refusal is RFC 9457 problem details; on the chat page it is a message the
patient can read (a fragment for htmx). Nothing is logged or saved.
"""

import json

import pytest
from django.test import Client

from glabella.assistant.models import AskLog, Handoff
from glabella.patients.models import Patient
from glabella.testing import client_as

pytestmark = pytest.mark.django_db

ASK = "/api/v1/assistant/ask"
PATIENT = {"first_name": "Eve", "last_name": "Nul", "date_of_birth": "1990-01-01"}


def post_json(client: Client, url: str, data: object, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def assert_problem(response, status: int, title: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["title"] == title
    assert body["type"] == "about:blank"
    assert body["detail"]


def assert_nothing_asked() -> None:
    assert not AskLog.objects.exists()
    assert not Handoff.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"question": "does it\u0000 hurt?"},
        {"question": "does it hurt?", "clinic": "north\u0000"},
        {"question": "does it hurt?", "extra\u0000": "x"},
    ],
)
def test_a_null_character_anywhere_in_a_question_is_a_400_problem(
    client: Client, clinic, payload
) -> None:
    assert_problem(post_json(client, ASK, payload), 400, "Null character")
    assert_nothing_asked()


def test_a_raw_null_byte_in_the_body_is_a_400_problem(client: Client, clinic) -> None:
    body = b'{"question": "does it\x00 hurt?"}'
    response = client.post(ASK, body, content_type="application/json")
    assert_problem(response, 400, "Null character")
    assert_nothing_asked()


def test_an_escaped_backslash_is_not_a_null_character(client: Client, clinic) -> None:
    # The text "\u0000" typed out (a backslash, then u0000) is only odd, not a NUL.
    response = post_json(client, ASK, {"question": "x", "clinic": "\\u0000"})
    assert response.status_code == 404
    assert response.json()["title"] == "Not found"


def test_another_apps_endpoint_refuses_a_null_character(request, clinic, director) -> None:
    client = client_as(request, "director")
    response = post_json(client, "/api/v1/patients", PATIENT | {"last_name": "N\u0000l"})
    assert_problem(response, 400, "Null character")
    assert not Patient.objects.exists()


def test_a_null_character_in_the_query_string_is_a_400_problem(request, clinic, director) -> None:
    client = client_as(request, "director")
    response = client.get("/api/v1/patients", {"q": "al\x00ice"})
    assert_problem(response, 400, "Null character")


def test_a_body_over_the_upload_limit_is_a_413_problem(client: Client, clinic, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    response = post_json(client, ASK, {"question": "does it hurt? " * 400})
    assert_problem(response, 413, "Request too large")
    assert "4 KB" in response.json()["detail"]
    assert_nothing_asked()


def test_another_apps_endpoint_answers_413_for_a_huge_body(
    request, clinic, director, settings
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    client = client_as(request, "director")
    response = post_json(client, "/api/v1/patients", PATIENT | {"phone": "1" * 5000})
    assert_problem(response, 413, "Request too large")
    assert not Patient.objects.exists()


def test_the_chat_page_shows_a_message_for_a_null_character(client: Client, clinic) -> None:
    response = client.post("/ask", {"question": "does it\x00 hurt?"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "contains a null character" in page
    assert 'role="alert"' in page
    assert_nothing_asked()


def test_the_chat_fragment_carries_the_message_for_htmx(client: Client, clinic) -> None:
    response = client.post("/ask", {"question": "does it\x00 hurt?"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 400
    assert page.startswith('<div class="exchange"><p class="bubble bubble-error" role="alert">')
    assert "<html" not in page
    assert_nothing_asked()


def test_the_chat_page_shows_a_message_for_an_oversized_question(
    client: Client, clinic, settings
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    response = client.post("/ask", {"question": "does it hurt? " * 400})
    assert response.status_code == 413
    assert "larger than 4 KB" in response.content.decode()
    assert_nothing_asked()


def test_the_chat_page_lets_htmx_show_400_and_413_replies(client: Client, clinic) -> None:
    page = client.get("/ask").content.decode()
    assert '"code": "400|413", "swap": true' in page


def test_ordinary_requests_pass(client: Client, clinic) -> None:
    assert client.get("/ask", {"q": "plain"}).status_code == 200
    assert client.get("/api/v1/catalogue/products").status_code == 200
