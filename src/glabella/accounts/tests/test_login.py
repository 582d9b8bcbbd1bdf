"""Staff sign in and out through the pages."""

import pytest
from django.core.cache import cache
from django.test import Client

from glabella.accounts.models import Clinic, Membership

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_renders_a_labelled_form(client: Client) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert '<label for="id_username">Username</label>' in page
    assert "csrfmiddlewaretoken" in page


def test_staff_sign_in_lands_on_the_today_page(client: Client, django_user_model) -> None:
    django_user_model.objects.create_user("nurse", password="pw-long-enough", is_staff=True)
    response = client.post("/accounts/login/", {"username": "nurse", "password": "pw-long-enough"})
    assert response.status_code == 302
    assert response["Location"] == "/staff/"


def test_a_wrong_password_says_so_and_signs_nobody_in(client: Client, django_user_model) -> None:
    django_user_model.objects.create_user("nurse", password="pw-long-enough", is_staff=True)
    response = client.post("/accounts/login/", {"username": "nurse", "password": "nope"})
    assert "did not match" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_block_sign_in_for_a_while(
    client: Client, django_user_model, settings
) -> None:
    settings.SIGN_IN_FAILURE_LIMIT = 3
    cache.clear()
    django_user_model.objects.create_user("nurse", password="pw-long-enough", is_staff=True)
    for _ in range(4):  # three free, then a wait (test_throttle.py has the schedule)
        client.post("/accounts/login/", {"username": "nurse", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "nurse", "password": "pw-long-enough"})
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_passwords_are_hashed_with_argon2(django_user_model, settings) -> None:
    from glabella.config import settings as production_settings

    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS
    user = django_user_model.objects.create_user("nurse", password="pw-long-enough")
    assert user.password.startswith("argon2")


@pytest.mark.parametrize(
    ("role", "links"),
    [
        ("medical_director", {"Patients", "Assistant", "Audit"}),
        ("injector", {"Patients", "Assistant"}),
        ("front_desk", {"Patients", "Assistant"}),
    ],
)
def test_the_navigation_shows_what_the_role_may_open(
    client: Client, django_user_model, role, links
) -> None:
    clinic = Clinic.objects.create(name="Nav", slug="nav", phone="1")
    user = django_user_model.objects.create_user("someone")
    Membership.objects.create(user=user, clinic=clinic, role=role)
    client.force_login(user)
    page = client.get("/").content.decode()
    for name in {"Patients", "Assistant", "Audit"}:
        assert (f">{name}</a>" in page) is (name in links)


def test_anonymous_visitors_see_no_staff_links(client: Client) -> None:
    page = client.get("/").content.decode()
    assert ">Audit</a>" not in page
    assert ">Patients</a>" not in page
