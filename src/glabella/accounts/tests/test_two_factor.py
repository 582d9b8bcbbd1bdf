"""Two-factor sign-in for the staff area (an authenticator app's codes, django-otp)."""

from base64 import b32encode

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from glabella.accounts.models import Role
from glabella.audit.models import Action, AuditEvent
from glabella.testing import make_clinic, make_staff

pytestmark = pytest.mark.django_db

PASSWORD = "pw-long-enough"
STAFF_PAGE = "/staff/assistant/"
SETUP = "/accounts/two-factor/setup/"
VERIFY = "/accounts/two-factor/verify/"
NEXT = "?next=%2Fstaff%2Fassistant%2F"


@pytest.fixture(autouse=True)
def two_factor_on(settings) -> None:  # type: ignore[no-untyped-def]
    settings.GLABELLA_REQUIRE_TWO_FACTOR = True
    cache.clear()


@pytest.fixture
def director(db):  # type: ignore[no-untyped-def]
    clinic = make_clinic("test", name="Test Clinic", phone="(555) 010-0199")
    return make_staff("director", clinic, Role.MEDICAL_DIRECTOR, password=PASSWORD, is_staff=True)


@pytest.fixture
def device(director) -> TOTPDevice:  # type: ignore[no-untyped-def]
    return TOTPDevice.objects.create(user=director, name="phone", confirmed=True)


def sign_in(client: Client) -> None:
    response = client.post("/accounts/login/", {"username": "director", "password": PASSWORD})
    assert response.status_code == 302


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key):06d}"


def wrong_code(device: TOTPDevice) -> str:
    accepted = {totp(device.bin_key, drift=steps) for steps in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(10) if n not in accepted)


# --- setting up an authenticator app ----------------------------------------------------


def test_staff_without_a_device_are_sent_from_the_staff_pages_to_setup(
    client: Client, director
) -> None:
    sign_in(client)
    response = client.get(STAFF_PAGE)
    assert response.status_code == 302
    assert response["Location"] == SETUP + NEXT


def test_signing_in_leads_through_setup(client: Client, director) -> None:
    response = client.post(
        "/accounts/login/", {"username": "director", "password": PASSWORD}, follow=True
    )
    # Signing in lands on the Today page (LOGIN_REDIRECT_URL), which needs two factors.
    assert response.redirect_chain == [("/staff/", 302), (SETUP + "?next=%2Fstaff%2F", 302)]
    assert response.status_code == 200


def test_setup_shows_a_qr_code_and_the_secret(client: Client, director) -> None:
    sign_in(client)
    page = client.get(SETUP + NEXT).content.decode()
    device = TOTPDevice.objects.get(user=director)
    secret = b32encode(device.bin_key).decode()
    assert device.confirmed is False
    assert '<svg width="' in page
    assert 'class="qr-code"><title>QR code for your authenticator app</title>' in page
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
    assert 'autocomplete="one-time-code"' in page
    assert '<input type="hidden" name="next" value="/staff/assistant/">' in page


def test_reopening_setup_reuses_the_unconfirmed_device(client: Client, director) -> None:
    sign_in(client)
    client.get(SETUP)
    first = TOTPDevice.objects.get(user=director)
    client.get(SETUP)
    assert list(TOTPDevice.objects.filter(user=director)) == [first]


def test_a_wrong_code_at_setup_is_refused(client: Client, director) -> None:
    sign_in(client)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=director)
    response = client.post(SETUP, {"code": wrong_code(device), "next": STAFF_PAGE})
    assert response.status_code == 200
    assert "That code did not match." in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    assert client.get(STAFF_PAGE)["Location"] == SETUP + NEXT


def test_a_code_that_is_not_six_digits_is_refused(client: Client, director) -> None:
    sign_in(client)
    response = client.post(SETUP, {"code": "12345x"})
    assert "Enter the 6 digits your authenticator app shows." in response.content.decode()


def test_a_correct_code_turns_two_factor_on_and_opens_the_staff_pages(
    client: Client, director
) -> None:
    sign_in(client)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=director)
    response = client.post(SETUP, {"code": code(device), "next": STAFF_PAGE})
    assert response.status_code == 302
    assert response["Location"] == STAFF_PAGE
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get(STAFF_PAGE).status_code == 200
    event = AuditEvent.objects.get(action=Action.OTHER)
    assert (event.actor, event.clinic, event.detail) == (director, None, {"two_factor": "enabled"})


def test_the_code_may_be_typed_with_a_space(client: Client, director) -> None:
    sign_in(client)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=director)
    typed = code(device)
    response = client.post(SETUP, {"code": f"{typed[:3]} {typed[3:]}"})
    assert response.status_code == 302
    assert response["Location"] == "/staff/"


# --- entering a code in a new session ---------------------------------------------------


def test_a_new_session_with_a_device_is_sent_to_verify(client: Client, device) -> None:
    sign_in(client)
    assert client.get(STAFF_PAGE)["Location"] == VERIFY + NEXT
    # A password alone cannot add a second device.
    assert client.get(SETUP + NEXT)["Location"] == VERIFY + NEXT


def test_setup_then_a_new_session_asks_for_a_code(client: Client, director) -> None:
    sign_in(client)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=director)
    client.post(SETUP, {"code": code(device)})
    client.logout()
    sign_in(client)
    assert client.get(STAFF_PAGE)["Location"] == VERIFY + NEXT


def test_the_right_code_opens_the_staff_pages(client: Client, device) -> None:
    sign_in(client)
    page = client.get(VERIFY + NEXT).content.decode()
    assert "Enter your code" in page
    response = client.post(VERIFY, {"code": code(device), "next": STAFF_PAGE})
    assert response.status_code == 302
    assert response["Location"] == STAFF_PAGE
    assert client.get(STAFF_PAGE).status_code == 200
    assert client.get("/staff/audit/").status_code == 200


def test_a_wrong_code_is_refused_and_audited(client: Client, device, director) -> None:
    sign_in(client)
    response = client.post(VERIFY, {"code": wrong_code(device), "next": STAFF_PAGE})
    assert response.status_code == 200
    assert "That code did not match." in response.content.decode()
    assert client.get(STAFF_PAGE)["Location"] == VERIFY + NEXT
    event = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED)
    assert (event.actor, event.detail) == (director, {"step": "two_factor"})


def test_repeated_wrong_codes_end_in_the_sign_in_throttle(client: Client, device, settings) -> None:
    settings.SIGN_IN_FAILURE_LIMIT = 3
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # only Glabella's throttle, not the device's delay
    settings.SIGN_IN_FIRST_DELAY_SECONDS = 30
    sign_in(client)
    for _ in range(4):  # three free, then a wait
        client.post(VERIFY, {"code": wrong_code(device)})
    response = client.post(VERIFY, {"code": code(device)})
    assert "Too many failed sign-ins. Please wait 30 seconds" in response.content.decode()
    assert client.get(STAFF_PAGE)["Location"] == VERIFY + NEXT
    failed = AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED).order_by("id")
    assert [event.detail.get("throttled") for event in failed] == [None] * 4 + ["device"]
    assert failed.last().detail["step"] == "two_factor"


def test_the_device_makes_you_wait_after_a_wrong_code(client: Client, device) -> None:
    sign_in(client)
    client.post(VERIFY, {"code": wrong_code(device)})
    response = client.post(VERIFY, {"code": code(device)})
    assert "Too many wrong codes in a row." in response.content.decode()


def test_a_next_address_on_another_site_is_ignored(client: Client, device) -> None:
    sign_in(client)
    response = client.post(VERIFY, {"code": code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/staff/"  # LOGIN_REDIRECT_URL, the Today page


def test_htmx_requests_are_told_to_load_the_verify_page(client: Client, device) -> None:
    sign_in(client)
    response = client.get(STAFF_PAGE, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == VERIFY + NEXT


# --- what is not affected ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/ask", "/api/v1/catalogue/products"])
def test_public_pages_never_redirect(client: Client, device, path: str) -> None:
    sign_in(client)
    assert client.get(path).status_code == 200


def test_signed_out_visitors_meet_the_sign_in_page(client: Client, director) -> None:
    assert client.get(STAFF_PAGE)["Location"] == "/accounts/login/?next=/staff/assistant/"


def test_with_the_setting_off_nothing_redirects(client: Client, device, settings) -> None:
    settings.GLABELLA_REQUIRE_TWO_FACTOR = False
    sign_in(client)
    assert client.get(STAFF_PAGE).status_code == 200
    assert client.get("/staff/audit/").status_code == 200
