"""Sign-ins and failed sign-ins are recorded (through django.contrib.auth's signals)."""

import pytest
from django.test import Client

from glabella.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db


def test_a_sign_in_is_recorded(client: Client, director) -> None:
    response = client.post(
        "/accounts/login/",
        {"username": "dr-ada", "password": "pw-long-enough"},
        REMOTE_ADDR="198.51.100.7",
        HTTP_USER_AGENT="Chair-side tablet",
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get()
    assert event.action == Action.SIGN_IN
    assert event.actor == director
    assert event.actor_label == "dr-ada"
    assert event.clinic is None
    assert event.ip == "198.51.100.7"
    assert event.user_agent == "Chair-side tablet"


def test_client_login_is_recorded_too(client: Client, director) -> None:
    assert client.login(username="dr-ada", password="pw-long-enough")

    event = AuditEvent.objects.get()
    assert (event.action, event.actor) == (Action.SIGN_IN, director)


def test_a_failed_sign_in_keeps_the_username_but_never_the_password(
    client: Client, director
) -> None:
    response = client.post(
        "/accounts/login/",
        {"username": "dr-ada", "password": "wrong-secret"},
        REMOTE_ADDR="198.51.100.8",
    )

    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert event.action == Action.SIGN_IN_FAILED
    assert event.actor is None
    assert event.actor_label == "anonymous"
    assert event.clinic is None
    assert event.ip == "198.51.100.8"
    assert event.detail == {"username": "dr-ada"}
    assert "wrong-secret" not in str(event.detail)
