"""record() writes one complete event in the caller's transaction, and only there."""

import uuid

import pytest
from django.db import transaction
from django.test import RequestFactory

from glabella.accounts.models import Membership
from glabella.audit import services
from glabella.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db


def _record(**fields):  # type: ignore[no-untyped-def]
    """``services.record`` as a service calls it: inside its own transaction."""
    with transaction.atomic():
        return services.record(**fields)


def test_record_fills_every_field_from_a_request(clinic, director) -> None:
    request = RequestFactory().get(
        "/anything", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Tablet " + "x" * 400
    )
    request.user = director
    patient = uuid.uuid4()

    event = _record(
        action=Action.EXPORT,
        clinic=clinic,
        object_type="treatments.record",
        object_id="abc",
        patient_id=patient,
        request=request,
        detail={"format": "pdf", "lot": uuid.UUID(int=1)},
    )

    event = AuditEvent.objects.get(pk=event.pk)
    assert event.clinic == clinic
    assert event.actor == director
    assert event.actor_label == "dr-ada"
    assert event.action == "export"
    assert event.object_type == "treatments.record"
    assert event.object_id == "abc"
    assert event.patient_id == patient
    assert event.ip == "203.0.113.9"
    assert event.user_agent == ("Tablet " + "x" * 400)[:300]
    assert event.at is not None
    assert event.detail == {"format": "pdf", "lot": "00000000-0000-0000-0000-000000000001"}


def test_object_type_and_id_are_derived_from_the_object(clinic, director) -> None:
    membership = Membership.objects.get(user=director)

    event = _record(action=Action.CHANGE, clinic=clinic, actor=director, obj=membership)

    assert event.object_type == "accounts.membership"
    assert event.object_id == str(membership.public_id)


def test_without_actor_or_request_the_actor_is_the_system(clinic) -> None:
    event = _record(action=Action.OTHER, clinic=clinic)

    assert event.actor is None
    assert event.actor_label == "system"
    assert event.ip is None
    assert event.user_agent == ""
    assert event.detail == {}


def test_an_explicit_actor_wins_over_the_request_user(clinic, director, injector) -> None:
    request = RequestFactory().get("/")
    request.user = injector

    event = _record(action=Action.VIEW, clinic=clinic, actor=director, request=request)

    assert event.actor == director


def test_an_unparseable_address_is_stored_as_unknown(clinic) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="not-an-ip")

    event = _record(action=Action.OTHER, clinic=clinic, request=request)

    assert event.ip is None
    assert event.actor_label == "anonymous"


def test_the_label_keeps_the_username_at_the_time(clinic, director) -> None:
    event = _record(action=Action.VIEW, clinic=clinic, actor=director)
    director.username = "dr-ada-renamed"
    director.save()

    assert AuditEvent.objects.get(pk=event.pk).actor_label == "dr-ada"


def test_a_rolled_back_change_leaves_no_event(clinic, director) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        services.record(action=Action.CHANGE, clinic=clinic, actor=director)
        raise RuntimeError("the change failed")

    assert not AuditEvent.objects.exists()


def test_record_refuses_to_run_outside_the_callers_transaction(clinic, director) -> None:
    with pytest.raises(services.NotInTransaction):
        services.record(action=Action.CHANGE, clinic=clinic, actor=director)

    assert not AuditEvent.objects.exists()


def test_record_read_records_a_view_in_a_transaction_of_its_own(clinic, director) -> None:
    event = services.record_read(clinic, "patients.duplicate_queue", by=director, page=2)

    event = AuditEvent.objects.get(pk=event.pk)
    assert (event.action, event.object_type) == ("view", "patients.duplicate_queue")
    assert (event.clinic, event.actor, event.detail) == (clinic, director, {"page": 2})


def test_record_read_inside_a_rolled_back_transaction_leaves_no_event(clinic, director) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        services.record_read(clinic, "scheduling.day", by=director)
        raise RuntimeError("the page failed")

    assert not AuditEvent.objects.exists()
