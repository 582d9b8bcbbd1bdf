"""The audit trail page: who may read it, what it shows, its filters and its cost."""

import uuid
from datetime import UTC, datetime
from unittest import mock

import pytest
from django.db import transaction
from django.test import Client

from glabella.audit import services
from glabella.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db

URL = "/staff/audit/"
PATIENT = uuid.UUID("7d6f1c1e-0000-4000-8000-000000000001")


QUERIES = 11


def _noon(day: int) -> datetime:
    return datetime(2026, 3, day, 12, tzinfo=UTC)


def _event(clinic, actor, action=Action.CHANGE, **fields) -> AuditEvent:  # type: ignore[no-untyped-def]
    with transaction.atomic():
        return services.record(action=action, clinic=clinic, actor=actor, **fields)


def _page(client: Client, director, query: str = "") -> str:
    client.force_login(director)
    response = client.get(f"{URL}?clinic=north{query}")
    assert response.status_code == 200
    return response.content.decode()


def _shown(response) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    """The events listed, less the page's own: its view event and the test's sign-in."""
    return [
        e
        for e in response.context["events"]
        if e.object_type != "audit.trail" and (e.action, e.actor_label) != ("sign_in", "dr-ada")
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, clinic) -> None:
    response = client.get(f"{URL}?clinic=north")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not AuditEvent.objects.filter(action=Action.VIEW).exists()


@pytest.mark.parametrize("persona", ["injector", "front_desk"])
def test_injectors_and_front_desk_are_refused(client: Client, request, persona: str) -> None:
    client.force_login(request.getfixturevalue(persona))

    assert client.get(f"{URL}?clinic=north").status_code == 403
    assert client.get(URL).status_code == 403  # their only clinic, by default
    assert not AuditEvent.objects.filter(action=Action.VIEW).exists()


def test_another_clinics_director_gets_not_found(client: Client, clinic, other_director) -> None:
    client.force_login(other_director)

    assert client.get(f"{URL}?clinic=north").status_code == 404
    assert client.get(f"{URL}?clinic=nowhere").status_code == 404
    assert not AuditEvent.objects.filter(action=Action.VIEW).exists()


def test_the_director_sees_the_clinics_events(
    client: Client, clinic, other_clinic, director, injector, other_director
) -> None:
    _event(
        clinic,
        injector,
        Action.REPLY,
        object_type="assistant.handoff",
        object_id="h-1",
        patient_id=PATIENT,
    )
    _event(other_clinic, other_director, object_type="assistant.entry", object_id="secret-south")

    page = _page(client, director)

    assert "nurse-ben" in page
    assert "assistant.handoff" in page
    assert "h-1" in page
    assert str(PATIENT) in page
    assert "secret-south" not in page
    assert '<th scope="col">Who</th>' in page
    assert "<caption" in page
    assert ">Delete<" not in page
    assert ">Edit<" not in page
    assert page.count('method="post"') == 1  # only the sign-out button


def test_a_director_with_one_clinic_needs_no_clinic_parameter(client: Client, director) -> None:
    client.force_login(director)

    assert client.get(URL).context["clinic"].slug == "north"


def test_a_director_of_two_clinics_is_asked_to_choose(
    client: Client, clinic, other_clinic, director
) -> None:
    from glabella.accounts.models import Membership, Role

    Membership.objects.create(user=director, clinic=other_clinic, role=Role.MEDICAL_DIRECTOR)
    client.force_login(director)

    response = client.get(URL)

    assert response.status_code == 200
    assert [c.slug for c in response.context["clinic_choices"]] == ["north", "south"]
    assert client.get(f"{URL}?clinic=south").context["clinic"] == other_clinic


def test_viewing_the_trail_is_itself_recorded(client: Client, clinic, director) -> None:
    client.force_login(director)

    client.get(f"{URL}?clinic=north&action=export", REMOTE_ADDR="192.0.2.4")

    event = AuditEvent.objects.get(action=Action.VIEW)
    assert event.object_type == "audit.trail"
    assert event.clinic == clinic
    assert event.actor == director
    assert event.ip == "192.0.2.4"
    assert event.detail == {"filters": {"action": "export"}}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("&actor=NURSE-BEN", ["h-1", "h-2"]),
        ("&action=reply", ["h-1"]),
        ("&object_type=assistant.entry", ["e-1"]),
        (f"&patient={PATIENT}", ["h-2"]),
        ("&date_from=2026-03-02&date_to=2026-03-02", ["h-2"]),
        ("&date_from=2026-03-02", ["h-2", "e-1"]),
        ("&date_to=2026-03-01", ["h-1"]),
    ],
)
def test_the_filters_narrow_the_events(
    client: Client, clinic, director, injector, query: str, expected: list[str]
) -> None:
    for object_id, actor, action, object_type, patient, day in [
        ("h-1", injector, Action.REPLY, "assistant.handoff", None, 1),
        ("h-2", injector, Action.VIEW, "assistant.handoff", PATIENT, 2),
        ("e-1", director, Action.APPROVE, "assistant.entry", None, 3),
    ]:
        # `at` is stamped on insert and can never be changed, so freeze the clock instead.
        with mock.patch("django.utils.timezone.now", return_value=_noon(day)):
            _event(
                clinic,
                actor,
                action,
                object_type=object_type,
                object_id=object_id,
                patient_id=patient,
            )
    client.force_login(director)

    response = client.get(f"{URL}?clinic=north{query}")

    assert [e.object_id for e in _shown(response)] == expected[::-1]  # newest first


def test_an_invalid_filter_is_shown_and_not_applied(client: Client, clinic, director) -> None:
    _event(clinic, director, object_id="kept")
    client.force_login(director)

    response = client.get(f"{URL}?clinic=north&patient=not-a-uuid&date_from=2026-13-45")

    assert [e.object_id for e in _shown(response)] == ["kept"]
    page = response.content.decode()
    assert "Enter a valid UUID." in page
    assert 'aria-invalid="true"' in page


def test_the_team_sign_ins_show_but_not_strangers(
    client: Client, clinic, director, injector, other_director
) -> None:
    _event(None, injector, Action.SIGN_IN)
    _event(None, other_director, Action.SIGN_IN)
    _event(None, None, Action.SIGN_IN_FAILED, detail={"username": "nurse-ben"})
    _event(None, None, Action.SIGN_IN_FAILED, detail={"username": "dr-dan"})
    client.force_login(director)

    response = client.get(f"{URL}?clinic=north")

    shown = [(e.action, e.actor_label, e.detail) for e in _shown(response)]
    assert shown == [
        ("sign_in_failed", "system", {"username": "nurse-ben"}),
        ("sign_in", "nurse-ben", {}),
    ]


def test_pages_hold_fifty_events_newest_first(client: Client, clinic, director) -> None:
    for n in range(55):
        _event(clinic, director, object_id=f"o-{n}")
    client.force_login(director)

    first = client.get(f"{URL}?clinic=north&action=change")
    second = client.get(f"{URL}?clinic=north&action=change&page=2")

    assert len(first.context["events"]) == 50
    assert first.context["events"][0].object_id == "o-54"
    assert [e.object_id for e in second.context["events"]] == [f"o-{n}" for n in range(4, -1, -1)]
    assert 'href="?clinic=north&amp;action=change&amp;page=2"' in first.content.decode()


@pytest.mark.parametrize("events", [3, 120])
def test_the_page_costs_a_fixed_number_of_queries(
    client: Client, clinic, director, injector, django_assert_num_queries, events: int
) -> None:
    for n in range(events):
        _event(clinic, injector if n % 2 else director, object_id=f"o-{n}", patient_id=PATIENT)
    client.force_login(director)

    # session, user, the clinic among theirs, their role, the view event (insert in a
    # savepoint: 3), the count, the page of events, the session saved (in a savepoint: 3).
    with django_assert_num_queries(QUERIES):
        assert client.get(f"{URL}?clinic=north").status_code == 200
