"""The injector's chair-side flow in a real browser (headless Debian Chromium driven by
Playwright): chart a glabellar Botox treatment by tapping the face chart, record the vial,
sign, see the review proposed; then, with the clock moved on, find the patient on the
recall list."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from glabella.scheduling.models import Appointment
from glabella.testing import GLABELLAR_SITES
from glabella.treatments.models import TreatmentRecord

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

TABLET = {"width": 1024, "height": 1366}
SCREENSHOT = Path(tempfile.gettempdir()) / "treatment-chart-tablet.png"
SIGNED_SCREENSHOT = Path(tempfile.gettempdir()) / "treatment-signed-tablet.png"
PASSWORD = "pw-long-enough"  # the shared personas' password
expect.set_options(timeout=10_000)


@pytest.fixture
def tablet(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=TABLET, has_touch=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def sign_in(page: Page, live_server, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}{reverse('login')}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def tap_chart(page: Page, x: float, y: float) -> None:
    """Tap the face chart at (x, y) percent of its width and height."""
    chart = page.locator("svg.face-chart")
    box = chart.bounding_box()
    assert box is not None
    chart.tap(position={"x": box["width"] * x / 100, "y": box["height"] * y / 100})


def test_chart_sign_and_find_the_patient_on_the_recall_list(
    tablet: Page, live_server, injector, carol
) -> None:
    page = tablet
    sign_in(page, live_server, injector.username)
    page.goto(f"{live_server.url}{reverse('patients:detail', args=[carol.public_id])}")
    expect(page.get_by_role("heading", name="Carol Plain")).to_be_visible()

    # Start a Botox treatment at the label's reconstitution.
    page.get_by_role("link", name="New treatment").click()
    page.get_by_label("Product").select_option(label="Botox Cosmetic")
    page.get_by_role("button", name="Start the treatment record").click()
    expect(
        page.get_by_role("heading", name="Botox Cosmetic treatment · Carol Plain")
    ).to_be_visible()
    expect(page.locator(".lead")).to_contain_text("4 U per 0.1 mL")

    # The label's glabellar pattern: five sites of 4 U, each placed by a tap.
    four = page.locator("#tap-form [data-units-preset='4']")
    four.tap()
    expect(four).to_have_attribute("aria-pressed", "true")
    for placed, (x, y) in enumerate(GLABELLAR_SITES, start=1):
        tap_chart(page, x, y)
        expect(page.locator("svg.face-chart a.site")).to_have_count(placed)
    expect(page.locator("[data-total-units]")).to_have_text("20 U")
    expect(page.locator(".totals tbody")).to_contain_text("Glabellar lines")

    # Tapping a site selects it, to change its units or remove it.
    page.locator("svg.face-chart a.site").first.tap()
    expect(page.locator(".site-panel")).to_contain_text("Selected: Glabellar lines, Midline, 4 U")
    page.get_by_role("link", name="Done").tap()
    expect(page.locator(".site-panel")).to_have_count(0)

    # The vial, with its lot and expiry.
    expiry = timezone.localdate() + timedelta(days=180)
    page.get_by_label("Lot number").fill("C1234")
    page.get_by_label("Expiry date").fill(expiry.isoformat())
    page.get_by_role("button", name="Add vial").tap()
    expect(page.locator(".vial-list")).to_contain_text("Lot C1234")
    expect(page.get_by_label("Lot number")).to_have_value("")

    # Aftercare: saved as soon as it is ticked; the signing panel follows.
    page.get_by_label("Aftercare advice given").check()
    expect(page.locator("#record-check")).to_contain_text("ready to sign")
    page.screenshot(path=SCREENSHOT, full_page=True)  # for a person to look at

    page.get_by_role("button", name="Sign the record").tap()
    expect(page.locator(".messages")).to_contain_text("Two-week review proposed for")
    record = TreatmentRecord.objects.get(patient=carol)
    review = Appointment.objects.get(follows=record)
    assert record.is_signed and record.total_units == 20
    shown = f"{timezone.localtime(review.starts_at):%a %-d %b %Y, %H:%M}"
    expect(page.locator(".follow-up")).to_contain_text(shown)
    expect(page.locator(".follow-up")).to_contain_text("Proposed")
    page.screenshot(path=SIGNED_SCREENSHOT, full_page=True)

    # Twelve-plus weeks on, the front desk's recall list shows her.
    with time_machine.travel(timezone.now() + timedelta(weeks=13), tick=True):
        sign_in(page, live_server, injector.username)  # the old session has expired
        page.goto(f"{live_server.url}{reverse('treatments:recall')}")
        row = page.locator("table.recall-table tbody tr").filter(has_text="Plain, Carol")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("Botox Cosmetic")
        expect(row).to_contain_text("20 U")
