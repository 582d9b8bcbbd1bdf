"""Online booking in a real browser on a phone-sized screen (headless Debian Chromium driven
by Playwright): book a consultation, receive the confirmation in the test outbox, then move
the visit by the link it carries."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from glabella.booking.models import OnlineBooking, Reschedule
from glabella.scheduling.models import AppointmentStatus

from .conftest import at, booking_day

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

expect.set_options(timeout=10_000)
PHONE = {"width": 390, "height": 844}
SCREENSHOT = Path(tempfile.gettempdir()) / "booking-phone.png"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_a_patient_books_on_a_phone_then_moves_the_visit_by_the_emailed_link(
    page: Page, live_server, clinic, injector, no_quiet_hours
) -> None:
    day = booking_day()
    page.goto(f"{live_server.url}/c/{clinic.slug}/book")
    page.get_by_label("Consultation (first visit)").check()
    page.get_by_label("With whom?").select_option(label="Anyone available")
    page.get_by_role("button", name="See free times").click()

    page.goto(page.url + f"&from={day.isoformat()}")  # the week of the day chosen
    first_day = page.locator("section.booking-day").first
    expect(first_day.get_by_role("heading")).to_contain_text(f"{day:%A}")
    page.screenshot(path=str(SCREENSHOT.with_name("booking-times.png")))
    first_day.get_by_role("link", name="10:00").click()

    expect(page.get_by_role("heading", name="Your details")).to_be_visible()
    page.get_by_label("First name").fill("Paula")
    page.get_by_label("Last name").fill("Phoneuser")
    page.get_by_label("Date of birth").fill("1992-05-17")
    page.get_by_label("Mobile phone").fill("(555) 010-3030")
    page.get_by_role("textbox", name="Email").fill("paula@example.test")
    page.get_by_label("Send me messages").check()
    page.get_by_role("radio", name="Email").check()
    page.screenshot(path=str(SCREENSHOT.with_name("booking-details.png")), full_page=True)
    book = page.get_by_role("button", name="Book")
    book.scroll_into_view_if_needed()
    box = book.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"] and box["height"] >= 44
    book.click()

    expect(page.get_by_role("heading", name="You are booked")).to_be_visible()
    expect(page.get_by_text(f"{day:%A} {day.day} {day:%B %Y} at 10:00")).to_be_visible()
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    # The page's width fits the phone: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    [email] = mail.outbox
    assert email.to == ["paula@example.test"]
    assert [name for name, _, _ in email.attachments] == ["appointment.ics"]
    link = re.search(r"https?://\S+/book/visit/\S+", email.body)
    assert link is not None
    path = "/" + link.group(0).split("/", 3)[3]

    page.goto(live_server.url + path)
    expect(page.get_by_role("heading", name="Your visit")).to_be_visible()
    page.get_by_role("link", name="Change the time").click()
    expect(page.get_by_role("heading", name="Choose a new time")).to_be_visible()
    chosen_day = page.locator("fieldset.booking-day", has_text=f"{day:%A} {day.day} {day:%B}")
    chosen_day.get_by_label("14:30").check()
    page.get_by_role("button", name="Move my visit").click()

    expect(page.get_by_role("heading", name="Your visit has moved")).to_be_visible()
    expect(page.get_by_text(f"{day:%A} {day.day} {day:%B %Y} at 14:30")).to_be_visible()
    booking = OnlineBooking.objects.get()
    booking.appointment.refresh_from_db()
    assert booking.appointment.status == AppointmentStatus.CANCELLED
    assert Reschedule.objects.get(old=booking.appointment).new.starts_at == at(day, 14, 30)
