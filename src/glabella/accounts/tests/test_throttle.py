"""Sign-in throttling: growing waits per (username, address), per address and per username,
kept in the cache; refused attempts audited; staff on a known device never held up."""

import socket
import uuid

import pytest
import time_machine
from django.core.cache import cache, caches
from django.test import Client

from glabella.accounts import devices
from glabella.accounts.throttle import delay_after
from glabella.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "pw-long-enough"
HOME = "203.0.113.10"  # the clinic's address
ELSEWHERE = "198.51.100.66"  # an attacker's


@pytest.fixture(autouse=True)
def limits(settings):  # type: ignore[no-untyped-def]
    settings.SIGN_IN_FAILURE_LIMIT = 3
    settings.SIGN_IN_ADDRESS_LIMIT = 6
    settings.SIGN_IN_USERNAME_LIMIT = 9
    settings.SIGN_IN_FIRST_DELAY_SECONDS = 30
    settings.SIGN_IN_MAX_DELAY_SECONDS = 900
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def nurse(django_user_model):  # type: ignore[no-untyped-def]
    return django_user_model.objects.create_user("nurse", password=PASSWORD, is_staff=True)


def attempt(client: Client, username: str, password: str, address: str):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def known_device_client(address: str) -> Client:
    """A browser where the nurse has signed in before (it keeps the device cookie)."""
    client = Client()
    assert attempt(client, "nurse", PASSWORD, address).status_code == 302
    client.post("/accounts/logout/")
    assert devices.COOKIE in client.cookies
    return client


def test_the_waits_double_up_to_the_longest(settings) -> None:
    assert [delay_after(n) for n in range(1, 8)] == [30, 60, 120, 240, 480, 900, 900]


def test_after_the_free_failures_each_wait_doubles_and_then_ends(nurse) -> None:
    client = Client()
    with time_machine.travel("2026-06-01 09:00:00+00:00", tick=False) as clock:
        for _ in range(3):  # free
            assert attempt(client, "nurse", "wrong", ELSEWHERE).status_code == 200
        attempt(client, "nurse", "wrong", ELSEWHERE)  # the 4th: 30 s
        refused = attempt(client, "nurse", PASSWORD, ELSEWHERE)
        assert refused.status_code == 429
        assert refused["Retry-After"] == "30"
        assert "Please wait 30 seconds and try again." in refused.content.decode()
        assert not signed_in(client)
        clock.shift(31)
        attempt(client, "nurse", "wrong", ELSEWHERE)  # the 5th: 60 s
        assert attempt(client, "nurse", PASSWORD, ELSEWHERE)["Retry-After"] == "60"
        clock.shift(61)
        assert attempt(client, "nurse", PASSWORD, ELSEWHERE).status_code == 302
        assert signed_in(client)


def test_a_refused_attempt_is_audited_and_its_password_never_checked(nurse) -> None:
    client = Client()
    for _ in range(4):
        attempt(client, "nurse", "wrong", ELSEWHERE)
    attempt(client, "nurse", PASSWORD, ELSEWHERE)
    assert not AuditEvent.objects.filter(action=Action.SIGN_IN).exists()
    refused = AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED).latest("id")
    assert refused.ip == ELSEWHERE
    assert refused.actor is None
    assert refused.detail == {
        "username": "nurse",
        "step": "password",
        "throttled": "username+address",
        "retry_after": 30,
    }
    assert AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED).count() == 5


def test_failures_elsewhere_do_not_stop_the_owner_at_the_clinic(nurse) -> None:
    attacker = Client()
    for _ in range(6):
        attempt(attacker, "nurse", "wrong", ELSEWHERE)
    assert attempt(attacker, "nurse", PASSWORD, ELSEWHERE).status_code == 429
    owner = Client()
    assert attempt(owner, "nurse", PASSWORD, HOME).status_code == 302


def test_an_address_that_tries_many_usernames_is_slowed(nurse) -> None:
    attacker = Client()
    for number in range(7):
        attempt(attacker, f"guess{number}", "wrong", ELSEWHERE)
    response = attempt(attacker, "nurse", PASSWORD, ELSEWHERE)
    assert response.status_code == 429
    event = AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED).latest("id")
    assert event.detail["throttled"] == "address"


def test_the_owner_on_a_known_device_gets_in_from_the_slowed_shared_address(nurse) -> None:
    owner = known_device_client(HOME)
    someone = Client()  # another browser behind the clinic's one address
    for number in range(8):
        attempt(someone, "nurse" if number % 2 else f"guess{number}", "wrong", HOME)
    assert attempt(someone, "nurse", PASSWORD, HOME).status_code == 429
    assert attempt(owner, "nurse", PASSWORD, HOME).status_code == 302
    assert signed_in(owner)


def test_a_username_guessed_from_many_addresses_is_slowed_but_not_on_its_known_device(
    nurse,
) -> None:
    owner = known_device_client(HOME)
    for number in range(10):
        attempt(Client(), "nurse", "wrong", f"192.0.2.{number + 1}")
    newcomer = attempt(Client(), "nurse", PASSWORD, "192.0.2.200")
    assert newcomer.status_code == 429
    event = AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED).latest("id")
    assert event.detail["throttled"] == "username"
    assert attempt(owner, "nurse", PASSWORD, HOME).status_code == 302


def test_wrong_passwords_on_a_known_device_slow_that_device_only(nurse) -> None:
    owner = known_device_client(HOME)
    for _ in range(4):
        attempt(owner, "nurse", "wrong", HOME)
    assert attempt(owner, "nurse", PASSWORD, HOME).status_code == 429
    event = AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED).latest("id")
    assert event.detail["throttled"] == "device"
    assert attempt(Client(), "nurse", PASSWORD, HOME).status_code == 302


def test_a_tampered_device_cookie_is_not_a_known_device(nurse) -> None:
    forger = Client()
    forger.cookies[devices.COOKIE] = (
        '{"id": "x", "accounts": ["' + devices.username_key("nurse") + '"]}:forged:signature'
    )
    for _ in range(4):
        attempt(Client(), "nurse", "wrong", ELSEWHERE)
    assert attempt(forger, "nurse", PASSWORD, ELSEWHERE).status_code == 429


def test_the_device_cookie_is_signed_http_only_and_names_no_username(nurse) -> None:
    client = Client()
    attempt(client, "nurse", PASSWORD, HOME)
    cookie = client.cookies[devices.COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert "nurse" not in cookie.value


def test_success_forgets_the_owners_own_failures(nurse) -> None:
    client = Client()
    for _ in range(3):
        attempt(client, "nurse", "wrong", HOME)
    assert attempt(client, "nurse", PASSWORD, HOME).status_code == 302
    client.post("/accounts/logout/")
    client.cookies.pop(devices.COOKIE)
    for _ in range(3):
        attempt(client, "nurse", "wrong", HOME)
    assert attempt(client, "nurse", PASSWORD, HOME).status_code == 302


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), 1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_on_redis_the_counts_outlive_the_process_cache(nurse, settings) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/14",
            "KEY_PREFIX": f"throttle-test-{uuid.uuid4().hex}",
        }
    }
    try:
        for _ in range(4):
            attempt(Client(), "nurse", "wrong", ELSEWHERE)
        caches.close_all()  # as if another worker process answered next
        assert attempt(Client(), "nurse", PASSWORD, ELSEWHERE).status_code == 429
        assert attempt(Client(), "nurse", PASSWORD, HOME).status_code == 302
    finally:
        cache.clear()
