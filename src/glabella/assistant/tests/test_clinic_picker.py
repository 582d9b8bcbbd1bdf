"""/ask with several clinics and no default offers the clinics; otherwise it is the chat."""

import pytest
from django.test import Client

from glabella.accounts.models import Clinic
from glabella.assistant.models import AskLog
from glabella.testing import make_clinic

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(clinic: Clinic) -> Clinic:
    return make_clinic("another", name="Another <Clinic>", phone="(555) 010-0200")


def test_several_clinics_without_a_default_get_a_list_of_clinics(
    client: Client, clinic, chain, settings
) -> None:
    settings.GLABELLA_DEFAULT_CLINIC = ""
    response = client.get("/ask")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Which clinic would you like to ask?" in page
    assert '<a href="/c/another/ask">Another &lt;Clinic&gt;</a>' in page
    assert '<a href="/c/test/ask">Test Clinic</a>' in page
    assert page.index("Another &lt;Clinic&gt;") < page.index("Test Clinic")  # by name
    assert 'name="question"' not in page
    assert "X-Frame-Options" not in response.headers  # it may be the embedded frame


def test_a_question_posted_to_ask_with_several_clinics_is_not_answered(
    client: Client, clinic, chain, settings, small_kb
) -> None:
    settings.GLABELLA_DEFAULT_CLINIC = ""
    response = client.post("/ask", {"question": "is it painful?"})
    assert response.status_code == 200
    assert "Which clinic would you like to ask?" in response.content.decode()
    assert not AskLog.objects.exists()


def test_each_listed_clinic_opens_its_own_chat(client: Client, clinic, chain, settings) -> None:
    settings.GLABELLA_DEFAULT_CLINIC = ""
    page = client.get("/c/another/ask").content.decode()
    assert 'name="question"' in page
    assert "Another &lt;Clinic&gt;" in page


def test_a_default_clinic_gets_its_chat_at_ask(client: Client, clinic, chain, settings) -> None:
    settings.GLABELLA_DEFAULT_CLINIC = "another"
    response = client.get("/ask")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="question"' in page
    assert "Which clinic" not in page


def test_one_clinic_gets_its_chat_at_ask(client: Client, clinic, settings) -> None:
    settings.GLABELLA_DEFAULT_CLINIC = ""
    page = client.get("/ask").content.decode()
    assert 'name="question"' in page
    assert "Which clinic" not in page


def test_no_clinic_yet_is_still_not_found(client: Client, db, settings) -> None:
    settings.GLABELLA_DEFAULT_CLINIC = ""
    assert client.get("/ask").status_code == 404
