"""The patient chat page in a real browser: headless Debian Chromium driven by Playwright."""

import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from glabella.accounts.embedding import set_framing_origins
from glabella.accounts.models import Clinic, SiteEmbedding
from glabella.assistant import engine_cache, services
from glabella.assistant.models import CachedEmbedding, Entry, Handoff, HandoffKind
from glabella.assistant.services import EntryText, load_starter_kb
from glabella.testing import make_clinic

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

expect.set_options(timeout=10_000)
PHONE = {"width": 390, "height": 844}
SCREENSHOT = Path(tempfile.gettempdir()) / "chat-phone.png"
CLINIC_SITE = "https://www.example-clinic.com"
EMERGENCY = "112"  # not the model's default, so the page must show the clinic's own number


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def clinic(db: None) -> Clinic:
    return make_clinic(
        "browser",
        name="Browser Clinic",
        phone="(555) 010-0123",
        emergency_number=EMERGENCY,
        booking_url="https://clinic.example/book",
    )


# Each transactional test empties the database, embedding cache included; carrying the
# vectors over (keyed by model and text, as the app stores them) embeds the starter texts once.
_vectors: dict[str, bytes] = {}


@pytest.fixture
def starter_clinic(clinic: Clinic, approver) -> Clinic:  # type: ignore[no-untyped-def]
    """The shipped English starter content, approved, its engine built here so no request
    waits for it."""
    load_starter_kb(clinic)
    for entry in Entry.objects.filter(clinic=clinic, language="en"):
        services.approve_entry(entry, by=approver, note="browser tests")
    CachedEmbedding.objects.bulk_create(
        [CachedEmbedding(key=key, vector=vector) for key, vector in _vectors.items()],
        ignore_conflicts=True,
    )
    engine_cache.engine_for(clinic)
    _vectors.update(CachedEmbedding.objects.values_list("key", "vector"))
    return clinic


def chat_url(live_server, clinic: Clinic) -> str:  # type: ignore[no-untyped-def]
    return f"{live_server.url}/c/{clinic.slug}/ask"


def ask(page: Page, question: str) -> None:
    page.get_by_label("Your question").fill(question)
    page.get_by_role("button", name="Ask").click()


def last_answer(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("#conversation .bubble-clinic").last


def test_a_patient_asks_and_reads_the_approved_answer_in_the_live_region(
    page: Page, live_server, starter_clinic: Clinic
) -> None:
    page.goto(chat_url(live_server, starter_clinic))
    conversation = page.locator("#conversation")
    expect(conversation).to_have_attribute("aria-live", "polite")

    ask(page, "how long does botox last?")

    answer = last_answer(page)
    expect(answer).to_contain_text("3 to 4 months")
    expect(answer).to_have_attribute("data-kind", "answer")
    expect(answer.locator(".answer-source")).to_contain_text("approved answer")
    expect(conversation).to_contain_text("how long does botox last?")
    question = page.get_by_label("Your question")
    expect(question).to_have_value("")
    expect(question).to_be_focused()
    assert page.url == chat_url(live_server, starter_clinic)  # answered in place, no reload


def test_urgent_symptoms_beside_another_question_get_an_alert_with_a_call_link(
    page: Page, live_server, starter_clinic: Clinic
) -> None:
    page.goto(chat_url(live_server, starter_clinic))

    ask(
        page,
        "can I work out tomorrow? also my mum can't swallow properly since her botox yesterday",
    )

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Urgent")
    expect(alert.locator(f'a[href="tel:{EMERGENCY}"]')).to_have_text(EMERGENCY)
    expect(last_answer(page)).to_have_attribute("data-kind", "urgent")
    handoff = Handoff.objects.get(clinic=starter_clinic)
    assert handoff.kind == HandoffKind.URGENT


def test_an_off_topic_question_is_handed_to_the_clinic_team(
    page: Page, live_server, starter_clinic: Clinic
) -> None:
    page.goto(chat_url(live_server, starter_clinic))

    ask(page, "can you recommend a good pizza place")

    answer = last_answer(page)
    expect(answer).to_contain_text("passed your question")
    expect(answer).to_have_attribute("data-kind", "abstain")
    handoff = Handoff.objects.get(clinic=starter_clinic)
    assert handoff.question == "can you recommend a good pizza place"
    assert handoff.kind == HandoffKind.QUESTION


def test_the_page_answers_without_javascript_by_posting_the_form(
    browser: Browser, live_server, starter_clinic: Clinic
) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(chat_url(live_server, starter_clinic))

        with page.expect_navigation():
            ask(page, "how long does botox last?")

        answer = last_answer(page)
        expect(answer).to_contain_text("3 to 4 months")
        expect(answer.locator(".answer-source")).to_contain_text("approved answer")
        expect(page.get_by_role("heading", name="Ask Browser Clinic")).to_be_visible()
        expect(page.get_by_role("button", name="Ask")).to_be_visible()
    finally:
        context.close()


def test_on_a_phone_the_answered_chat_fits_the_width_with_a_large_ask_button(
    browser: Browser, live_server, starter_clinic: Clinic
) -> None:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(chat_url(live_server, starter_clinic))
        ask(page, "how long does botox last?")
        expect(last_answer(page)).to_contain_text("3 to 4 months")

        scroll_width, inner_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert scroll_width <= inner_width
        box = page.get_by_role("button", name="Ask").bounding_box()
        assert box is not None
        assert box["height"] >= 44
        page.screenshot(path=SCREENSHOT)  # what the phone shows, for a person to look at
    finally:
        context.close()


def test_on_a_phone_a_follow_up_answer_is_scrolled_into_sight_above_the_form(
    browser: Browser, live_server, starter_clinic: Clinic
) -> None:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(chat_url(live_server, starter_clinic))
        ask(page, "how long does botox last?")
        expect(page.locator("#conversation .bubble-clinic")).to_have_count(1)
        ask(page, "does it hurt?")
        expect(page.locator("#conversation .bubble-clinic")).to_have_count(2)

        question = page.locator("#conversation .bubble-patient").last.bounding_box()
        answer = last_answer(page).bounding_box()
        form = page.locator(".ask-form").bounding_box()
        assert question is not None and answer is not None and form is not None
        assert question["y"] >= -1  # boxes are relative to the viewport; allow sub-pixel scroll
        assert answer["y"] + 40 <= form["y"]  # the answer's first line shows above the form
    finally:
        context.close()


def test_markup_in_an_approved_answer_shows_as_text_and_never_runs(
    page: Page, live_server, clinic: Clinic, approver
) -> None:
    answer = "Parking is behind the building. <script>window.pwned=1</script>"
    entry = services.create_entry(
        clinic,
        EntryText(
            topic="parking",
            title="Where can I park?",
            answer=answer,
            phrasings=("where can I park my car", "is there parking at the clinic"),
        ),
        by=approver,
    )
    services.approve_entry(entry, by=approver)
    engine_cache.engine_for(clinic)
    page.goto(chat_url(live_server, clinic))

    ask(page, "where can I park my car")

    bubble = last_answer(page)
    expect(bubble).to_have_attribute("data-kind", "answer")
    expect(bubble).to_contain_text("<script>window.pwned=1</script>", use_inner_text=True)
    assert bubble.locator("script").count() == 0
    assert page.evaluate("typeof window.pwned") == "undefined"


class ClinicSite:
    """A clinic's own site on another origin (a loopback server, so that Chromium's local
    network checks let it load this server's script and frame), showing ``html``."""

    def __init__(self, html: str) -> None:
        body = html.encode()

        class Page(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the handler's name)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def listed(clinic: Clinic, origin: str) -> None:
    # Straight into the row: the form accepts https origins only, which a loopback test
    # server is not; the header the browser obeys is built the same way.
    set_framing_origins(clinic, [CLINIC_SITE], by=None)
    SiteEmbedding.objects.filter(clinic=clinic).update(framing_origins=[CLINIC_SITE, origin])


def test_the_one_line_embed_snippet_adds_an_iframe_of_the_clinic_chat(
    page: Page, live_server, clinic: Clinic
) -> None:
    response = page.request.get(f"{live_server.url}/ask/embed.js")
    assert response.ok
    assert response.headers["content-type"].startswith("text/javascript")
    site = ClinicSite(
        "<!doctype html><title>Clinic site</title><h1>Our clinic</h1>"
        f'<script src="{live_server.url}/ask/embed.js" data-clinic="{clinic.slug}"></script>'
    )
    listed(clinic, site.origin)
    try:
        page.goto(site.origin)
        frame = page.locator("iframe")
        expect(frame).to_have_count(1)
        src = frame.get_attribute("src")
        assert src is not None
        assert src.endswith(f"/c/{clinic.slug}/ask")
        expect(page.frame_locator("iframe").get_by_label("Your question")).to_be_visible()
    finally:
        site.close()


def test_a_site_the_clinic_did_not_list_cannot_frame_the_chat(
    page: Page, live_server, clinic: Clinic
) -> None:
    site = ClinicSite(f'<h1>Elsewhere</h1><iframe src="{live_server.url}/c/{clinic.slug}/ask">')
    set_framing_origins(clinic, [CLINIC_SITE], by=None)
    said: list[str] = []
    page.on("console", lambda message: said.append(message.text))
    try:
        page.goto(site.origin)
        expect(page.locator("iframe")).to_have_count(1)
        page.wait_for_timeout(1_000)
        assert page.frame_locator("iframe").get_by_label("Your question").count() == 0
        assert any("frame-ancestors" in text for text in said)
    finally:
        site.close()
