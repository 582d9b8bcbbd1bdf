"""Replies: STOP first, then the assistant with its urgent triage first, so "I can't swallow"
becomes an urgent handoff on Today linked to the patient and their last treatment."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from glabella.assistant.models import Handoff, HandoffKind
from glabella.audit.models import AuditEvent
from glabella.testing import queue_reminder, signed_botox

from .. import sending, services
from ..models import InboundMessage, MessagingSettings, OutboxStatus
from ..providers import twilio_signature

pytestmark = pytest.mark.django_db
TOKEN = "clinic-auth-token"
ALICE = "+15550101234"


@pytest.fixture
def twilio_clinic(clinic):  # type: ignore[no-untyped-def]
    MessagingSettings.objects.update_or_create(
        clinic=clinic,
        defaults={
            "twilio_account_sid": "AC" + "2" * 32,
            "twilio_auth_token": TOKEN,
            "twilio_from_number": "+14155550100",
            "quiet_start": "00:00",
            "quiet_end": "00:00",
        },
    )
    return clinic


def from_twilio(path: str, form: dict[str, str], token: str):  # type: ignore[no-untyped-def]
    """POST ``form`` to ``path`` as Twilio does, signed with ``token``."""
    signature = twilio_signature(f"http://testserver{path}", form, token)
    return Client().post(
        path,
        urlencode(form),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=signature,
    )


def text_in(clinic, body: str, *, sender: str = ALICE, sid: str = "SM1", token: str = TOKEN):  # type: ignore[no-untyped-def]
    form = {"From": sender, "To": "+14155550100", "Body": body, "MessageSid": sid}
    return from_twilio(f"/messages/sms/{clinic.slug}/inbound/", form, token)


def test_a_forged_webhook_is_refused_and_changes_nothing(twilio_clinic, alice):
    response = text_in(twilio_clinic, "STOP", token="not-the-clinic-s-token")
    assert response.status_code == 403
    assert not InboundMessage.objects.exists()
    assert not hasattr(alice, "messaging_preference") or alice.messaging_preference is None


def test_a_webhook_without_a_body_is_a_clear_400(twilio_clinic):
    assert text_in(twilio_clinic, "").status_code == 400


def test_stop_ends_the_patient_s_messages(twilio_clinic, alice, provider):
    row = queue_reminder(alice)
    response = text_in(twilio_clinic, "Stop")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml"
    alice.refresh_from_db()
    assert alice.messaging_preference.opted_out_at is not None
    assert alice.messaging_preference.opted_out_source == "sms_reply"
    assert InboundMessage.objects.get().outcome == "opted_out"
    assert sending.deliver(row.pk).startswith("skipped")
    row.refresh_from_db()
    assert row.status == OutboxStatus.SKIPPED and provider.sent == []
    assert AuditEvent.objects.filter(
        patient_id=alice.public_id, detail__source="sms_reply"
    ).exists()


@pytest.mark.parametrize("word", ["STOP", "unsubscribe", "Baja", "stop."])
def test_stop_words_are_recognised(twilio_clinic, alice, word):
    text_in(twilio_clinic, word)
    alice.refresh_from_db()
    assert alice.messaging_preference.opted_out_at is not None


def test_start_after_stop_resumes_messages(twilio_clinic, alice):
    text_in(twilio_clinic, "STOP", sid="SM1")
    text_in(twilio_clinic, "START", sid="SM2")
    alice.refresh_from_db()
    assert alice.messaging_preference.opted_out_at is None


def test_a_sentence_with_stop_in_it_is_not_an_opt_out(twilio_clinic, alice):
    text_in(twilio_clinic, "please stop the reminders about parking, where do I park?")
    alice.refresh_from_db()
    assert not hasattr(alice, "messaging_preference")


def test_can_t_swallow_in_a_reply_is_an_urgent_handoff_linked_to_patient_and_treatment(
    twilio_clinic, alice, injector, director
):
    treatment = signed_botox(alice, by=injector)
    response = text_in(twilio_clinic, "I can't swallow properly since my botox yesterday")
    assert response.status_code == 200
    handoff = Handoff.objects.get()
    assert handoff.kind == HandoffKind.URGENT
    assert handoff.patient == alice and handoff.contact_phone == ALICE
    assert handoff.ask_log.channel == "sms"
    inbound = InboundMessage.objects.get()
    assert (inbound.outcome, inbound.patient, inbound.treatment, inbound.handoff) == (
        "urgent",
        alice,
        treatment,
        handoff,
    )
    assert "<Message>" in response.content.decode()  # the urgent-care answer goes back
    client = Client()
    client.force_login(director)
    today = client.get("/staff/").content.decode()
    assert "I can&#x27;t swallow properly" in today and "Urgent" in today


def test_the_provider_retrying_its_webhook_is_handled_once(twilio_clinic, alice):
    text_in(twilio_clinic, "where do you park?", sid="SM77")
    text_in(twilio_clinic, "where do you park?", sid="SM77")
    assert InboundMessage.objects.count() == 1


def test_an_unknown_number_reaches_the_assistant_without_a_patient(twilio_clinic, alice):
    text_in(twilio_clinic, "I can't swallow since my botox", sender="+15550109999")
    inbound = InboundMessage.objects.get()
    assert inbound.patient is None and inbound.outcome == "urgent"
    assert Handoff.objects.get().patient is None


def test_inbound_email_needs_the_shared_secret(clinic, alice):
    url = f"/messages/email/{clinic.slug}/inbound/"
    data = {"from": "alice@example.test", "subject": "Re: reminder", "text": "STOP"}
    assert Client().post(url, data).status_code == 403
    assert Client().post(url, data, HTTP_X_GLABELLA_SECRET="wrong").status_code == 403
    response = Client().post(url, data, HTTP_X_GLABELLA_SECRET="test-inbound-secret")
    assert response.status_code == 200 and response.json()["outcome"] == "opted_out"
    alice.refresh_from_db()
    assert alice.messaging_preference.opted_out_source == "email_reply"


def test_an_urgent_email_reply_is_handed_to_staff(clinic, alice):
    response = Client().post(
        f"/messages/email/{clinic.slug}/inbound/",
        {
            "from": "Alice T <ALICE@example.test>",
            "subject": "Re: aftercare",
            "text": "My eyelid is drooping and I can't swallow",
        },
        HTTP_X_GLABELLA_SECRET="test-inbound-secret",
    )
    assert response.json()["outcome"] == "urgent"
    assert Handoff.objects.get().patient == alice


def test_the_unsubscribe_link_asks_then_opts_out(alice):
    from ..variables import unsubscribe_token

    url = f"/messages/unsubscribe/{unsubscribe_token(alice)}/"
    page = Client().get(url)
    assert page.status_code == 200 and "Stop my messages" in page.content.decode()
    assert not hasattr(alice, "messaging_preference")  # a GET (a link preview) changes nothing
    assert Client().post(url).status_code == 200
    alice.refresh_from_db()
    assert alice.messaging_preference.opted_out_source == "unsubscribe_link"
    assert Client().get("/messages/unsubscribe/forged/").status_code == 404


def test_stop_shows_on_the_record_and_consent_at_the_desk_resumes_messages(
    twilio_clinic, alice, front_desk, provider
):
    from glabella.patients.services import update_demographics

    text_in(twilio_clinic, "STOP")
    alice.refresh_from_db()
    assert alice.consent_to_contact is False  # what staff see on the record
    assert sending.deliver(queue_reminder(alice).pk).startswith("skipped")
    update_demographics(alice, {"consent_to_contact": True}, by=front_desk)
    alice.refresh_from_db()
    assert sending.deliver(queue_reminder(alice).pk) == "sent"


def test_consent_given_online_is_written_on_the_record_with_its_source(dora):
    dora.email = "dora@example.test"
    dora.save()
    preference = services.record_consent(
        dora, consent=True, channel="email", source="online_booking"
    )
    dora.refresh_from_db()
    assert (dora.consent_to_contact, dora.preferred_channel) == (True, "email")
    assert preference.consent_source == "online_booking" and preference.consent_at is not None
    with pytest.raises(ValidationError):
        services.record_consent(dora, consent=True, channel="pigeon", source="online_booking")


def delivery_report(clinic, sid: str, status: str, *, token: str = TOKEN):  # type: ignore[no-untyped-def]
    form = {"MessageSid": sid, "MessageStatus": status, "ErrorCode": "30003"}
    return from_twilio(f"/messages/sms/{clinic.slug}/status/", form, token)


def test_an_undelivered_text_shows_as_failed_for_staff(twilio_clinic, alice, provider):
    row = queue_reminder(alice)
    sending.deliver(row.pk)
    row.refresh_from_db()
    assert delivery_report(twilio_clinic, row.provider_id, "delivered").status_code == 204
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    assert (
        delivery_report(twilio_clinic, row.provider_id, "undelivered", token="x").status_code == 403
    )
    assert delivery_report(twilio_clinic, row.provider_id, "undelivered").status_code == 204
    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED
    assert row.last_error == "the provider could not deliver it (undelivered, error 30003)"
