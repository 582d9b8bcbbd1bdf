"""The staff Messages pages: who may see, retry, write and approve; what is audited."""

from __future__ import annotations

from datetime import time

import pytest
from django.test import Client

from glabella.audit.models import AuditEvent
from glabella.testing import queue_reminder, soon

from .. import sending
from ..models import MessageTemplate, MessagingSettings, Outbox, OutboxStatus

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def failed(alice, no_quiet_hours, provider) -> Outbox:  # type: ignore[no-untyped-def]
    provider.failures, provider.permanent = 1, True
    row = queue_reminder(alice)
    sending.deliver(row.pk)
    row.refresh_from_db()
    return row


def test_the_outbox_lists_failed_messages_with_a_retry_button(front_desk, failed):
    page = client_for(front_desk).get("/staff/messages/?status=failed")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Alice Testpatient" in html and "provider down" in html
    assert f'value="{failed.public_id}"' in html and "Send again" in html
    assert AuditEvent.objects.filter(
        object_type="messaging.outbox", actor=front_desk, detail={"status": "failed"}
    ).exists()


def test_the_sent_filter_hides_failed_ones(front_desk, failed):
    html = client_for(front_desk).get("/staff/messages/?status=sent").content.decode()
    assert "Alice Testpatient" not in html


def test_retry_from_the_page_sends_again_and_is_audited(front_desk, failed, provider):
    response = client_for(front_desk).post("/staff/messages/retry/", {"outbox": failed.public_id})
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == OutboxStatus.PENDING
    assert AuditEvent.objects.filter(object_id=str(failed.public_id), actor=front_desk).exists()


def test_another_clinic_cannot_retry_or_see_the_message(other_director, failed):
    client = client_for(other_director)
    assert client.post("/staff/messages/retry/", {"outbox": failed.public_id}).status_code == 404
    assert client.post("/staff/messages/retry/", {"outbox": "not-a-uuid"}).status_code == 404
    assert "Alice" not in client.get("/staff/messages/").content.decode()
    failed.refresh_from_db()
    assert failed.status == OutboxStatus.FAILED


def test_the_templates_page_previews_each_kind_with_sample_data(front_desk, clinic):
    html = client_for(front_desk).get("/staff/messages/templates/").content.decode()
    assert "Hello Sam" in html and clinic.name in html
    assert "Shipped wording" in html
    assert "/staff/messages/templates/edit/" not in html  # front desk does not write them


def test_an_injector_drafts_and_only_the_director_approves(injector, director, clinic):
    edit = "/staff/messages/templates/edit/?kind=reminder"
    body = {"subject": "See you {visit_date}", "body": "Hi {first_name}, see you at {visit_time}."}
    preview = client_for(injector).post(edit, {**body, "preview": "1"}).content.decode()
    assert "Hi Sam, see you at 10:30." in preview
    assert not MessageTemplate.objects.exists()  # a preview saves nothing
    assert client_for(injector).post(edit, {**body, "save": "1"}).status_code == 302
    template = MessageTemplate.objects.get(kind="reminder")
    assert template.approved_version is None and template.latest_version.number == 1
    approve = "/staff/messages/templates/approve/"
    assert client_for(injector).post(approve, {"kind": "reminder"}).status_code == 403
    assert client_for(director).post(approve, {"kind": "reminder"}).status_code == 302
    template.refresh_from_db()
    assert template.approved_version.number == 1
    assert AuditEvent.objects.filter(action="approve", actor=director).exists()


def test_an_unknown_placeholder_is_refused_with_its_name(injector):
    response = client_for(injector).post(
        "/staff/messages/templates/edit/?kind=reminder",
        {"subject": "Hi", "body": "Hi {first_nmae}", "save": "1"},
    )
    assert response.status_code == 200
    assert "Unknown placeholders: {first_nmae}" in response.content.decode()
    assert not MessageTemplate.objects.exists()


def test_an_unknown_kind_is_a_404(injector):
    response = client_for(injector).get("/staff/messages/templates/edit/?kind=spam")
    assert response.status_code == 404


def test_the_approved_wording_is_what_patients_get(
    director, injector, alice, no_quiet_hours, provider
):
    from ..template_services import approve_latest, save_draft

    save_draft(
        alice.clinic, "reminder", "Soon", "Hi {first_name}, from {clinic_name}.", by=injector
    )
    version = approve_latest(alice.clinic, "reminder", by=director)
    row = queue_reminder(alice)
    sending.deliver(row.pk)
    row.refresh_from_db()
    assert row.template_version == version
    assert provider.sent[0][1].startswith(f"Hi Alice, from {alice.clinic.name}.")


def test_the_outbox_page_s_queries_do_not_grow_with_its_rows(
    front_desk, alice, dora, no_quiet_hours, django_assert_max_num_queries
):
    for patient in (alice, dora):
        for hours in range(15):
            queue_reminder(patient, due_at=soon(60 * hours))
    client = client_for(front_desk)
    with django_assert_max_num_queries(12):
        page = client.get("/staff/messages/")
    assert page.content.decode().count("Reminder before the visit") == 30


def test_the_director_sets_quiet_hours_and_reminder_times(director, injector, clinic):
    page = client_for(director).get("/staff/messages/settings/")
    assert page.status_code == 200 and 'value="48, 2"' in page.content.decode()
    form = {
        "quiet_start": "21:00",
        "quiet_end": "07:30",
        "reminder_hours": "2, 24",
        "send_hour": "9",
        "review_invite_days_before": "3",
        "recall_closing_days_before": "14",
        "no_show_delay_hours": "2",
        "max_recall_messages": "2",
    }
    assert client_for(injector).post("/staff/messages/settings/", form).status_code == 403
    assert client_for(director).post("/staff/messages/settings/", form).status_code == 302
    row = MessagingSettings.objects.get(clinic=clinic)
    assert (row.quiet_start, row.quiet_end) == (time(21), time(7, 30))
    assert (row.reminder_hours, row.send_hour, row.max_recall_messages) == ([24, 2], 9, 2)
    event = AuditEvent.objects.get(object_type="messaging.messagingsettings")
    assert event.actor == director and event.detail["reminder_hours"] == "[24, 2]"


@pytest.mark.parametrize("hours", ["", "soon", "0", "1, 2, 3, 4, 5", "400"])
def test_bad_reminder_times_are_refused_with_a_reason(director, clinic, hours):
    response = client_for(director).post(
        "/staff/messages/settings/",
        {"quiet_start": "20:00", "quiet_end": "08:00", "reminder_hours": hours, "send_hour": "10",
         "review_invite_days_before": "3", "recall_closing_days_before": "14",
         "no_show_delay_hours": "2", "max_recall_messages": "3"},
    )  # fmt: skip
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not AuditEvent.objects.filter(object_type="messaging.messagingsettings").exists()
