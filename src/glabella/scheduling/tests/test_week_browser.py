"""The front desk on a tablet (headless Debian Chromium driven by Playwright): tap a free time
in an injector's week, choose the patient, book from the prefilled form; then find a free
time with the booking form's slot finder (HTMX) and book it."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from glabella.scheduling.models import Appointment
from glabella.treatments.tests import test_chart_browser as chair_side

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
tablet = chair_side.tablet  # the tablet-sized page the chair-side flow uses
sign_in = chair_side.sign_in

SCREENSHOT = Path(tempfile.gettempdir()) / "week-view-tablet.png"


def test_tap_a_free_time_in_the_week_and_book_it(
    tablet: Page, live_server, front_desk, injector, dora, alice
) -> None:
    page = tablet
    today = timezone.localdate()
    tuesday = today + timedelta(days=7 - today.weekday() + 1)  # next week's Tuesday
    sign_in(page, live_server, front_desk.username)

    week = f"{reverse('scheduling:week')}?clinic=north&injector=nurse-ben&week={tuesday}"
    page.goto(f"{live_server.url}{week}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Week")
    page.screenshot(path=SCREENSHOT)  # to look at the grid as the desk sees it
    slot = page.locator(f"a.slot[href*='date={tuesday:%Y-%m-%d}&time=10:00']")
    box = slot.bounding_box()
    assert box is not None and box["height"] >= 44  # a finger-sized target
    slot.tap()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Book {tuesday:%Y-%m-%d} at 10:00")
    page.get_by_label("Patient's name").fill("dora")
    page.get_by_role("button", name="Find").tap()
    page.get_by_role("link", name="Dora Plain").tap()

    expect(page.get_by_label("Date")).to_have_value(f"{tuesday:%Y-%m-%d}")
    expect(page.get_by_label("Start time")).to_have_value("10:00")
    expect(page.get_by_label("Injector")).to_have_value("nurse-ben")
    page.get_by_role("button", name="Book the appointment").tap()
    expect(page.locator(".messages")).to_contain_text("Booked Dora Plain's treatment on")

    booked = Appointment.objects.get(patient=dora)
    assert timezone.localtime(booked.starts_at).date() == tuesday
    assert timezone.localtime(booked.starts_at).strftime("%H:%M") == "10:00"

    # The slot finder: 10:00 is taken now, so Alice's first free time that day is 10:30.
    page.goto(f"{live_server.url}{reverse('scheduling:book', args=[alice.public_id])}")
    page.get_by_label("Injector").select_option("nurse-ben")
    page.get_by_label("Date").fill(f"{tuesday:%Y-%m-%d}")
    page.get_by_role("button", name="Show free times").tap()
    free = page.locator("#free-times")
    expect(free).to_contain_text(f"{tuesday:%A %-d %B}")
    assert page.url.endswith(f"/patients/{alice.public_id}/appointments/new/")  # swapped in
    times = free.locator("ul.slot-list").first.locator("a")
    expect(times.nth(0)).to_contain_text("09:00")
    expect(free.locator(f"a[href*='date={tuesday:%Y-%m-%d}&time=10:00']")).to_have_count(0)
    free.locator(f"a[href*='date={tuesday:%Y-%m-%d}&time=10:30']").tap()
    expect(page.get_by_label("Start time")).to_have_value("10:30")
    page.get_by_role("button", name="Book the appointment").tap()
    expect(page.locator(".messages")).to_contain_text("Booked Alice Testpatient's treatment")
    assert Appointment.objects.filter(injector=injector).count() == 2
