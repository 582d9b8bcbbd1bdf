"""The Twilio provider against a local fake of its Messages endpoint (http.server in a
thread): the request it makes, a refusal, an outage, and the webhook signature."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from glabella.testing import queue_reminder

from .. import sending
from ..models import MessagingSettings, OutboxStatus
from ..providers import ProviderError, TwilioSms, sms_provider_for, twilio_signature

SID, TOKEN = "AC" + "1" * 32, "secret-token"


class FakeTwilio(BaseHTTPRequestHandler):
    received: list[dict[str, object]] = []
    answers: list[tuple[int, dict[str, object]]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        length = int(self.headers["Content-Length"])
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        self.received.append(
            {"path": self.path, "auth": self.headers["Authorization"], "form": form}
        )
        status, payload = self.answers.pop(0) if self.answers else (201, {"sid": "SM123"})
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fake_twilio() -> Iterator[str]:
    FakeTwilio.received, FakeTwilio.answers = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTwilio)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_message_is_posted_to_the_messages_endpoint_with_basic_auth(fake_twilio):
    provider = TwilioSms(SID, TOKEN, "+14155550100", fake_twilio)
    assert provider.send(to="+15550101234", body="Hello") == "SM123"
    (request,) = FakeTwilio.received
    assert request["path"] == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert request["auth"] == "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
    assert request["form"] == {"To": "+15550101234", "From": "+14155550100", "Body": "Hello"}


def test_a_refused_number_is_a_permanent_failure(fake_twilio):
    FakeTwilio.answers = [(400, {"code": 21211, "message": "The 'To' number is not valid."})]
    with pytest.raises(ProviderError) as error:
        TwilioSms(SID, TOKEN, "+14155550100", fake_twilio).send(to="+1555", body="x")
    assert error.value.permanent
    assert "not valid" in str(error.value)


@pytest.mark.parametrize("status", [429, 500, 503])
def test_throttling_and_outages_are_retried(fake_twilio, status):
    FakeTwilio.answers = [(status, {"message": "busy"})]
    with pytest.raises(ProviderError) as error:
        TwilioSms(SID, TOKEN, "+14155550100", fake_twilio).send(to="+15550101234", body="x")
    assert not error.value.permanent


def test_an_unreachable_provider_is_retried():
    with pytest.raises(ProviderError) as error:
        TwilioSms(SID, TOKEN, "+14155550100", "http://127.0.0.1:9").send(to="+1", body="x")
    assert not error.value.permanent


@pytest.mark.django_db
def test_a_clinic_connected_to_twilio_sends_through_it_and_recovers(
    alice, no_quiet_hours, fake_twilio, settings
):
    settings.TWILIO_API_BASE = fake_twilio
    MessagingSettings.objects.filter(clinic=alice.clinic).update(
        twilio_account_sid=SID, twilio_auth_token=TOKEN, twilio_from_number="+14155550100"
    )
    assert isinstance(sms_provider_for(alice.clinic), TwilioSms)
    FakeTwilio.answers = [(503, {"message": "down"})]
    row = queue_reminder(alice)
    assert sending.deliver(row.pk).startswith("failed")
    row.refresh_from_db()
    assert row.status == OutboxStatus.PENDING and "503" in row.last_error
    assert sending.deliver(row.pk, now=row.send_after) == "sent"
    row.refresh_from_db()
    assert (row.status, row.provider_id, row.attempts) == (OutboxStatus.SENT, "SM123", 2)
    assert FakeTwilio.received[-1]["form"]["To"] == "+15550101234"  # type: ignore[index]
    assert "Reply STOP" in FakeTwilio.received[-1]["form"]["Body"]  # type: ignore[index]
    callback = FakeTwilio.received[-1]["form"]["StatusCallback"]  # type: ignore[index]
    assert callback == f"http://testserver/messages/sms/{alice.clinic.slug}/status/"


def test_the_webhook_signature_follows_twilio_s_rule():
    # Twilio's documented example (its security guide): URL, parameters and token.
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    assert twilio_signature(url, params, "12345") == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
