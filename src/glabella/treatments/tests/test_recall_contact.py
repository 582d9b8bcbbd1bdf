""" "Contact all due this week" (issue 9): the recall message queued through messaging for the
filtered selection whose window opened this week, each recall counted as contacted, audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from glabella.audit.models import AuditEvent
from glabella.messaging.models import Outbox
from glabella.patients.models import Patient
from glabella.testing import client_as
from glabella.treatments.models import Recall, RecallStatus

from .test_recall_page import _bulk

pytestmark = pytest.mark.django_db

URL = "/staff/recall/contact/"


@pytest.fixture
def week(clinic, injector) -> dict[str, Recall]:  # type: ignore[no-untyped-def]
    """Opened today: two who agreed to messages, one who did not, one booked; and one whose
    window opened before Monday."""
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    agreed, also, refused, booked = _bulk(clinic, injector, 4, opened_days_ago=0)
    Recall.objects.filter(pk__in=[agreed.pk, also.pk, refused.pk, booked.pk]).update(
        opens_on=timezone.localdate()
    )
    Patient.objects.filter(pk=refused.patient_id).update(consent_to_contact=False)
    Recall.objects.filter(pk=booked.pk).update(status=RecallStatus.BOOKED)
    (earlier,) = _bulk(clinic, injector, 1, opened_days_ago=0)
    Recall.objects.filter(pk=earlier.pk).update(opens_on=monday - timedelta(days=1))
    return {"agreed": agreed, "also": also, "refused": refused, "booked": booked,
            "earlier": earlier}  # fmt: skip


def _statuses(week: dict[str, Recall]) -> dict[str, tuple[str, int]]:
    rows = {r.pk: r for r in Recall.objects.all()}
    return {name: (rows[r.pk].status, rows[r.pk].contact_count) for name, r in week.items()}


def test_contacting_the_week_queues_one_message_each_and_counts_a_contact(request, week) -> None:  # type: ignore[no-untyped-def]
    client = client_as(request, "front_desk")
    response = client.post(URL, {"clinic": "north"})

    assert response.status_code == 302
    assert response["Location"] == "/staff/recall/?clinic=north"
    queued = Outbox.objects.order_by("id")
    assert {(o.patient_id, o.kind) for o in queued} == {
        (week["agreed"].patient_id, "recall_open"),
        (week["also"].patient_id, "recall_open"),
    }
    assert _statuses(week) == {
        "agreed": ("contacted", 1), "also": ("contacted", 1), "refused": ("due", 0),
        "booked": ("booked", 0), "earlier": ("due", 0),
    }  # fmt: skip
    run = AuditEvent.objects.get(object_type="treatments.recall_contact")
    assert (run.actor_label, run.detail["queued"], run.detail["without_consent"]) == (
        "desk-cat", 2, 1,
    )  # fmt: skip
    assert sorted(run.detail["recalls"]) == sorted(
        str(week[n].public_id) for n in ("agreed", "also")
    )
    page = client.get("/staff/recall/?clinic=north").content.decode()
    assert "2 recall messages queued. 1 did not agree to messages: call them instead." in page


def test_pressing_again_sends_nothing_more(request, week) -> None:  # type: ignore[no-untyped-def]
    client = client_as(request, "front_desk")
    client.post(URL, {"clinic": "north"})
    client.post(URL, {"clinic": "north"})
    assert Outbox.objects.count() == 2
    assert _statuses(week)["agreed"] == ("contacted", 1)


def test_the_filters_narrow_the_selection(request, week) -> None:  # type: ignore[no-untyped-def]
    client = client_as(request, "front_desk")
    client.post(URL, {"clinic": "north", "product": "xeomin"})
    assert Outbox.objects.count() == 0
    run = AuditEvent.objects.get(object_type="treatments.recall_contact")
    assert (run.detail["queued"], run.detail["without_consent"]) == (0, 0)
    client.post(URL, {"clinic": "north", "due_week": "2025-W99"})  # a field error: no run
    assert Outbox.objects.count() == 0
    assert AuditEvent.objects.filter(object_type="treatments.recall_contact").count() == 1


@pytest.mark.parametrize(("persona", "status"), [("no_role", 403), ("anonymous", 302)])
def test_only_staff_contact(request, week, persona, status) -> None:  # type: ignore[no-untyped-def]
    response = client_as(request, persona).post(URL, {"clinic": "north"})
    assert response.status_code == status
    assert Outbox.objects.count() == 0


def test_the_button_carries_the_filters(request, week) -> None:  # type: ignore[no-untyped-def]
    page = client_as(request, "front_desk").get("/staff/recall/", {"product": "botox"})
    text = page.content.decode()
    assert 'action="/staff/recall/contact/"' in text
    assert '<input type="hidden" name="product" value="botox">' in text
