"""Staff sign in and out through the pages."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_renders_a_labelled_form(client: Client) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert '<label for="id_username">Username</label>' in page
    assert "csrfmiddlewaretoken" in page


def test_staff_sign_in_lands_on_the_assistant_pages(client: Client, django_user_model) -> None:
    django_user_model.objects.create_user("nurse", password="pw-long-enough", is_staff=True)
    response = client.post("/accounts/login/", {"username": "nurse", "password": "pw-long-enough"})
    assert response.status_code == 302
    assert response["Location"] == "/staff/assistant/"


def test_a_wrong_password_says_so_and_signs_nobody_in(client: Client, django_user_model) -> None:
    django_user_model.objects.create_user("nurse", password="pw-long-enough", is_staff=True)
    response = client.post("/accounts/login/", {"username": "nurse", "password": "nope"})
    assert "did not match" in response.content.decode()
    assert "_auth_user_id" not in client.session
