"""The Content-Security-Policy in a real browser (headless Debian Chromium driven by
Playwright): the staff Today page, a patient's page, the face chart, the patient chat and
the API docs load without one violation, and htmx still swaps under the policy."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from glabella.treatments import services as treatments

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

expect.set_options(timeout=10_000)
PASSWORD = "pw-long-enough"  # the shared personas' password

# Runs before any page script, outside the page's policy: keeps every violation reported.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


class Watched:
    """A page whose console and securitypolicyviolation events are kept for the test."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.on("console", lambda message: self.console.append(message.text))

    def violations(self) -> list[str]:
        said = [text for text in self.console if "Content Security Policy" in text]
        return said + self.page.evaluate("window.__violations")

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.ok, url
        assert "'self'" in (response.header_value("content-security-policy") or "")
        self.page.wait_for_load_state("load")
        assert self.violations() == [], url


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1024, "height": 1366}, has_touch=True)
    context.set_default_timeout(15_000)
    context.add_init_script(RECORD_VIOLATIONS)
    yield Watched(context.new_page())
    context.close()


def sign_in(watched: Watched, base: str, username: str) -> None:
    page = watched.page
    watched.visit(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_staff_pages_and_the_face_chart_keep_to_the_policy(
    watched: Watched, live_server, injector, alice
) -> None:
    record = treatments.start_treatment(
        alice, {"product": "botox", "treated_on": timezone.localdate()}, by=injector
    )
    treatments.add_vial(record, "C1234", timezone.localdate() + timedelta(days=200), by=injector)
    sign_in(watched, live_server.url, injector.username)
    watched.visit(f"{live_server.url}/staff/")
    watched.visit(f"{live_server.url}/staff/patients/{alice.public_id}/")
    expect(watched.page.get_by_role("heading", name="Alice Testpatient")).to_be_visible()

    watched.visit(f"{live_server.url}/staff/treatments/{record.public_id}/")
    page = watched.page
    chart = page.locator("svg.face-chart")
    box = chart.bounding_box()
    assert box is not None
    # A tap on the chart posts through htmx, which swaps the workspace with the new site.
    page.locator("#tap-form [data-units-preset='4']").tap()
    chart.tap(position={"x": box["width"] * 0.5, "y": box["height"] * 0.33})
    expect(page.locator("svg.face-chart a.site")).to_have_count(1)
    expect(page.locator("#record-workspace")).to_contain_text("4 U")
    assert watched.violations() == []


def test_the_chat_keeps_to_the_policy_and_its_answer_is_swapped_in(
    watched: Watched, live_server, clinic
) -> None:
    watched.visit(f"{live_server.url}/c/{clinic.slug}/ask")
    page = watched.page
    page.get_by_label("Your question").fill("Do you open on Saturdays?")
    page.get_by_role("button", name="Ask").click()
    expect(page.locator("#conversation .exchange")).to_have_count(1)
    # The page's own script (no inline handler any more) emptied the form after the answer.
    expect(page.get_by_label("Your question")).to_have_value("")
    assert watched.violations() == []


def test_the_api_docs_keep_to_the_policy(watched: Watched, live_server) -> None:
    watched.visit(f"{live_server.url}/api/v1/docs")
    expect(watched.page.locator(".swagger-ui .info .title")).to_be_visible()
    assert watched.violations() == []
