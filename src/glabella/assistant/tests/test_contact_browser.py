"""Back to the patient, in headless Chromium on a phone (390×844): an urgent message shows the
emergency instructions first, then the contact form, then the reference; the page in Spanish
through the language switch or the browser's language."""

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from glabella.accounts.models import Clinic
from glabella.assistant import engine_cache
from glabella.assistant.models import Handoff, HandoffKind
from glabella.testing import make_clinic

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

expect.set_options(timeout=15_000)
PHONE = {"width": 390, "height": 844}
EMERGENCY = "112"
URGENT = "I can't swallow properly since my botox yesterday"
SCREENSHOTS = Path(tempfile.gettempdir())  # what the phone shows, for a person to look at


@pytest.fixture
def clinic(db: None) -> Clinic:
    clinic = make_clinic(
        "phone", name="Phone Clinic", phone="(555) 010-0123", emergency_number=EMERGENCY
    )
    engine_cache.engine_for(clinic)  # built here, so no request waits for it
    return clinic


def _phone(browser: Browser, **options: object) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, **options)
    context.set_default_timeout(20_000)
    yield context
    context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    for context in _phone(browser):
        yield context.new_page()


def _url(live_server, clinic: Clinic) -> str:  # type: ignore[no-untyped-def]
    return f"{live_server.url}/c/{clinic.slug}/ask"


def _fits_the_width(page: Page) -> None:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner


def test_urgent_instructions_come_first_then_the_contact_form_then_the_reference(
    phone: Page, live_server, clinic: Clinic
) -> None:
    phone.goto(_url(live_server, clinic))
    phone.get_by_label("Your question").fill(URGENT)
    phone.get_by_role("button", name="Ask").click()

    banner = phone.locator(".urgent-banner")
    expect(banner).to_contain_text("Urgent: get medical help now")
    expect(banner.locator(f'a[href="tel:{EMERGENCY}"]')).to_be_visible()
    form = phone.locator(".contact-form")
    expect(form).to_be_visible()
    handoff = Handoff.objects.get(clinic=clinic)
    assert handoff.kind == HandoffKind.URGENT
    expect(phone.locator(".reference-code")).to_have_text(handoff.reference_display)
    banner_box, answer_box, form_box = (
        banner.bounding_box(),
        phone.locator(".bubble-urgent").bounding_box(),
        form.bounding_box(),
    )
    assert banner_box and answer_box and form_box
    assert banner_box["y"] < answer_box["y"] < form_box["y"]
    expect(form).to_contain_text(
        "By sending these you agree that Phone Clinic may contact you about this message"
    )

    form.get_by_label("Your name").fill("Pat Doe")
    form.get_by_label("Phone number").fill("555 010 4444")
    for field in ("Your name", "Phone number", "Email address"):
        box = form.get_by_label(field).bounding_box()
        assert box and box["height"] >= 44
    phone.screenshot(path=SCREENSHOTS / "contact-phone-form.png", full_page=True)
    form.get_by_role("button", name="Send my details").click()

    step = phone.locator(".contact-step")
    expect(step).to_contain_text("Thank you")
    expect(step).to_contain_text("Phone Clinic has your details")
    phone.screenshot(path=SCREENSHOTS / "contact-phone-sent.png", full_page=True)
    expect(step.locator(".reference-code")).to_have_text(handoff.reference_display)
    expect(phone.locator(".contact-form")).to_have_count(0)
    _fits_the_width(phone)
    handoff.refresh_from_db()
    assert (handoff.contact_name, handoff.contact_phone) == ("Pat Doe", "555 010 4444")
    assert handoff.contact_consent_at is not None


def test_the_switch_to_spanish_and_a_spanish_contact_step(
    phone: Page, live_server, clinic: Clinic
) -> None:
    phone.goto(_url(live_server, clinic))
    expect(phone.locator("html")).to_have_attribute("lang", "en")

    phone.get_by_role("link", name="Español").click()

    expect(phone.locator("html")).to_have_attribute("lang", "es")
    expect(phone.get_by_role("heading", name="Pregunte a Phone Clinic")).to_be_visible()
    expect(phone.get_by_role("button", name="Preguntar")).to_be_visible()
    expect(phone.locator(".chat-note")).to_contain_text("No comparta aquí datos médicos privados")
    phone.get_by_label("Su pregunta").fill("No puedo tragar bien desde el bótox de ayer")
    phone.get_by_role("button", name="Preguntar").click()

    form = phone.locator(".contact-form")
    expect(form).to_contain_text("Al enviar estos datos, acepta que Phone Clinic se ponga")
    form.get_by_label("Su nombre").fill("Ana Pérez")
    form.get_by_role("button", name="Enviar mis datos").click()
    expect(phone.get_by_role("alert").last).to_contain_text(
        "Indique un teléfono o un correo electrónico"
    )
    expect(form.get_by_label("Su nombre")).to_have_value("Ana Pérez")  # nothing lost

    phone.locator(".contact-form").get_by_label("Correo electrónico").fill("ana@example.test")
    phone.locator(".contact-form").get_by_role("button", name="Enviar mis datos").click()

    step = phone.locator(".contact-step")
    expect(step).to_contain_text("Gracias")
    phone.screenshot(path=SCREENSHOTS / "contact-phone-es.png", full_page=True)
    handoff = Handoff.objects.get(clinic=clinic)
    expect(step.locator(".reference-code")).to_have_text(handoff.reference_display)
    _fits_the_width(phone)
    handoff.refresh_from_db()
    assert (handoff.contact_name, handoff.contact_email) == ("Ana Pérez", "ana@example.test")


def test_a_spanish_browser_opens_the_chat_in_spanish(
    browser: Browser, live_server, clinic: Clinic
) -> None:
    for context in _phone(browser, locale="es-ES"):
        page = context.new_page()
        page.goto(_url(live_server, clinic))
        expect(page.locator("html")).to_have_attribute("lang", "es")
        expect(page.get_by_label("Su pregunta")).to_be_visible()
        expect(page.get_by_role("link", name="English")).to_be_visible()

        page.get_by_role("link", name="English").click()
        expect(page.get_by_label("Your question")).to_be_visible()


def test_the_contact_step_works_without_javascript(
    browser: Browser, live_server, clinic: Clinic
) -> None:
    for context in _phone(browser, java_script_enabled=False):
        page = context.new_page()
        page.goto(_url(live_server, clinic))
        page.get_by_label("Your question").fill(URGENT)
        with page.expect_navigation():
            page.get_by_role("button", name="Ask").click()

        page.get_by_label("Email address").fill("pat@example.test")
        with page.expect_navigation():
            page.get_by_role("button", name="Send my details").click()

        expect(page.locator(".urgent-banner")).to_be_visible()  # still first
        expect(page.locator(".contact-step")).to_contain_text("Thank you")
        handoff = Handoff.objects.get(clinic=clinic)
        expect(page.locator(".reference-code")).to_have_text(handoff.reference_display)
        assert handoff.contact_email == "pat@example.test"
