"""The staff landing page "Today": who may open it, which blocks each role sees, the counts
of one clinic only, the audit of what it reads, and signing in lands there."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from glabella.accounts.models import Membership, Role
from glabella.assistant.models import Handoff, HandoffKind, HandoffStatus
from glabella.audit.models import Action, AuditEvent
from glabella.patients.models import Patient
from glabella.scheduling.models import AppointmentStatus
from glabella.testing import at, client_as, make_appointment, signed_botox
from glabella.treatments import services

pytestmark = pytest.mark.django_db

URL = "/staff/"
PERSONAS = ["director", "injector", "front_desk", "other_director", "no_role", "anonymous"]
# A Wednesday morning. A Botox course signed 90 days ago (the label's interval, later than the
# clinic's 12 weeks) opens its recall window today.
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 18)
RECALL_DAYS_AGO = 90
BLOCKS = ["visits-heading", "to-confirm-heading", "recall-heading", "inbox-heading"]
CLINICAL_BLOCK = "adverse-heading"
# session, user, memberships; appointments today, proposals, their audit (savepoint, insert,
# release); the recall count (no rows read: nothing to audit); open adverse events, urgent
# messages; open inbox messages with their contact details and their audit (3); the session save
# (savepoint, update, release).
QUERIES = 18


@pytest.fixture(autouse=True)
def frozen(time_machine) -> None:  # type: ignore[no-untyped-def]
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def south_injector(django_user_model, other_clinic):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user("nurse-sam", password="pw-long-enough")
    Membership.objects.create(user=user, clinic=other_clinic, role=Role.INJECTOR)
    return user


def _adverse_event(patient: Patient, *, by: Any) -> None:
    services.report_adverse_event(
        patient, {"kind": "bruising", "severity": "mild", "description": "A bruise."}, by=by
    )


def _handoffs(clinic: Any, *, urgent: int, questions: int, closed: int) -> None:
    for n in range(urgent):
        Handoff.objects.create(clinic=clinic, question=f"Droop {n}?", kind=HandoffKind.URGENT)
    for n in range(questions):
        Handoff.objects.create(clinic=clinic, question=f"Parking {n}?", kind=HandoffKind.QUESTION)
    for n in range(closed):
        Handoff.objects.create(
            clinic=clinic,
            question=f"Old {n}?",
            kind=HandoffKind.QUESTION,
            status=HandoffStatus.CLOSED,
        )


@pytest.fixture
def north(clinic, injector, dora) -> None:  # type: ignore[no-untyped-def]
    """North: two visits today, one proposal ahead (and one past), one patient due for recall,
    one open adverse event, one urgent message and two open inbox messages."""
    make_appointment(dora, at(TODAY, 9), status=AppointmentStatus.ARRIVED, injector=injector)
    make_appointment(dora, at(TODAY, 14, 30), kind="consultation")
    make_appointment(dora, at(TODAY + timedelta(days=1), 11), status=AppointmentStatus.PROPOSED)
    make_appointment(dora, at(TODAY - timedelta(days=1), 11), status=AppointmentStatus.PROPOSED)
    signed_botox(dora, by=injector, days_ago=RECALL_DAYS_AGO)  # its review proposal is past
    _adverse_event(dora, by=injector)
    _handoffs(clinic, urgent=1, questions=1, closed=1)


@pytest.fixture
def south(other_clinic, south_injector, bob) -> None:  # type: ignore[no-untyped-def]
    """South: a different number of everything, so a leak would change north's counts."""
    for hour in (9, 10, 11):
        make_appointment(bob, at(TODAY, hour), injector=south_injector)
    for days in (2, 3):
        make_appointment(
            bob, at(TODAY + timedelta(days=days), 9), status=AppointmentStatus.PROPOSED
        )
    signed_botox(bob, by=south_injector, days_ago=RECALL_DAYS_AGO)
    for _ in range(3):
        _adverse_event(bob, by=south_injector)
    _handoffs(other_clinic, urgent=2, questions=3, closed=0)


def _views() -> list[tuple[str, str, str, dict]]:
    events = AuditEvent.objects.filter(action=Action.VIEW).order_by("id")
    return [(e.clinic.slug, e.actor.username, e.object_type, e.detail) for e in events]


def _day_view(clinic: str, actor: str, count: int, to_confirm: int) -> tuple[str, str, str, dict]:
    detail = {"date": "2026-11-18", "count": count, "to_confirm": to_confirm, "injector": ""}
    return (clinic, actor, "scheduling.day", detail)


def _messages_view(
    clinic: str, actor: str, rows: int, patients: list[str] | None = None
) -> tuple[str, str, str, dict]:
    detail = {"rows": rows, "patients": patients or []}
    return (clinic, actor, "assistant.open_messages", detail)


# --- who may open the page -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"), list(zip(PERSONAS, [200, 200, 200, 404, 403, 302], strict=True))
)
def test_opening_the_north_clinics_day_by_role(request, north, persona: str, status: int) -> None:  # type: ignore[no-untyped-def]
    client = client_as(request, persona)  # signing in is audited too: count after it
    before = AuditEvent.objects.count()

    response = client.get(f"{URL}?clinic=north")

    assert response.status_code == status
    if status == 200:
        assert response.context["clinic"].slug == "north"
        assert [view[0] for view in _views()] == ["north", "north"]
    else:
        assert AuditEvent.objects.count() == before
    if status == 302:
        assert response["Location"] == "/accounts/login/?next=/staff/%3Fclinic%3Dnorth"


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/staff/")


def test_a_user_without_a_role_is_refused(client: Client, no_role) -> None:
    client.force_login(no_role)
    before = AuditEvent.objects.count()
    assert client.get(URL).status_code == 403
    assert AuditEvent.objects.count() == before


def test_the_page_only_reads(client: Client, front_desk) -> None:
    client.force_login(front_desk)
    assert client.post(URL).status_code == 405


# --- what each role sees ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "clinical"), [("director", True), ("injector", True), ("front_desk", False)]
)
def test_each_role_sees_its_blocks(request, north, persona: str, clinical: bool) -> None:  # type: ignore[no-untyped-def]
    page = client_as(request, persona).get(URL).content.decode()

    assert [block for block in BLOCKS if f'id="{block}"' in page] == BLOCKS
    assert (f'id="{CLINICAL_BLOCK}"' in page) is clinical
    assert ("Open adverse events" in page) is clinical
    assert ("Urgent assistant messages" in page) is clinical
    assert ('href="/staff/adverse-events/?clinic=north"' in page) is clinical


def test_the_director_sees_the_north_clinics_numbers_and_visits(
    client: Client, director, north
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(director)

    response = client.get(URL)
    page = response.content.decode()
    board = response.context["board"]

    assert [(a.starts_at.hour, a.patient.full_name, a.status) for a in board.visits.shown] == [
        (9, "Dora Plain", "arrived"),
        (14, "Dora Plain", "booked"),
    ]
    assert (board.visits.count, board.visits.to_confirm, board.recall_due_this_week) == (2, 1, 1)
    assert (board.follow_ups.open_adverse_events, board.follow_ups.urgent_messages) == (1, 1)
    assert board.open_inbox == 2
    assert "Appointments today (2)" in page
    assert '<time datetime="2026-11-18T09:00:00+00:00">09:00</time>' in page
    assert "<td>Consultation</td>" in page and "nurse-ben" in page
    assert "Proposed appointments to confirm: 1" in page
    assert "Due for recall this week: 1" in page
    assert "Open adverse events: <strong>1</strong>" in page
    assert "Urgent assistant messages awaiting follow-up: 1" in page
    assert "Questions handed to staff, still open: 2" in page


def test_each_block_links_to_its_full_page(client: Client, director, north) -> None:  # type: ignore[no-untyped-def]
    client.force_login(director)
    page = client.get(URL).content.decode()

    for link in [
        'href="/staff/appointments/?clinic=north"',
        'href="/staff/appointments/?clinic=north#to-confirm"',
        'href="/staff/recall/?clinic=north&amp;due_week=2026-11-18"',
        'href="/staff/adverse-events/?clinic=north"',
        'href="/staff/assistant/inbox/?clinic=north"',
    ]:
        assert link in page


def test_a_long_day_shows_the_first_visits_and_how_many_more(
    client: Client, front_desk, dora
) -> None:  # type: ignore[no-untyped-def]
    for minute in range(0, 50, 5):
        make_appointment(dora, at(TODAY, 8, minute))
    client.force_login(front_desk)

    response = client.get(URL)

    assert [a.starts_at.minute for a in response.context["board"].visits.shown] == list(
        range(0, 40, 5)
    )
    assert "And 2 more on the day sheet." in response.content.decode()


def test_a_quiet_day_says_so(client: Client, front_desk) -> None:
    client.force_login(front_desk)
    page = client.get(URL).content.decode()
    assert "No appointments today." in page
    assert "Nothing to confirm." in page
    assert "Due for recall this week: 0" in page


# --- one clinic only ---------------------------------------------------------------------------


def test_another_clinics_rows_never_appear(client: Client, director, north, south) -> None:  # type: ignore[no-untyped-def]
    client.force_login(director)

    response = client.get(URL)
    page = response.content.decode()
    board = response.context["board"]

    assert "Bob" not in page and "nurse-sam" not in page
    assert (board.visits.count, board.visits.to_confirm, board.recall_due_this_week) == (2, 1, 1)
    assert (board.follow_ups.open_adverse_events, board.follow_ups.urgent_messages) == (1, 1)
    assert board.open_inbox == 2


def test_the_other_clinics_director_sees_only_their_own(
    client: Client, other_director, north, south
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(other_director)

    response = client.get(URL)
    page = response.content.decode()
    board = response.context["board"]

    assert "Dora" not in page and "Bob Otherclinic" in page
    assert (board.visits.count, board.visits.to_confirm, board.recall_due_this_week) == (3, 2, 1)
    assert (board.follow_ups.open_adverse_events, board.follow_ups.urgent_messages) == (3, 2)
    assert board.open_inbox == 5
    assert _views() == [
        _day_view("south", "dr-dan", count=3, to_confirm=2),
        _messages_view("south", "dr-dan", rows=5),
    ]


def test_someone_at_two_clinics_chooses_one_first(
    client: Client, director, other_clinic, north
) -> None:  # type: ignore[no-untyped-def]
    Membership.objects.create(user=director, clinic=other_clinic, role=Role.FRONT_DESK)
    client.force_login(director)

    choice = client.get(URL)
    south = client.get(f"{URL}?clinic=south")

    assert [c.slug for c in choice.context["clinic_choices"]] == ["north", "south"]
    assert '<a href="?clinic=south">Clinic south</a>' in choice.content.decode()
    assert south.context["clinic"] == other_clinic
    # The role at the chosen clinic decides the blocks: front desk there, so no adverse events.
    assert 'id="adverse-heading"' not in south.content.decode()
    assert [view[0] for view in _views()] == ["south", "south"]


# --- audit, queries, navigation, signing in ------------------------------------------------------


def test_reading_the_day_and_the_messages_is_audited_the_recall_count_is_not(
    client: Client, front_desk, north
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(front_desk)
    before = AuditEvent.objects.count()

    client.get(URL)

    assert AuditEvent.objects.count() == before + 2
    assert _views() == [
        _day_view("north", "desk-cat", count=2, to_confirm=1),
        _messages_view("north", "desk-cat", rows=2),
    ]


def test_the_page_runs_a_fixed_number_of_queries(
    client: Client, director, north, django_assert_num_queries
) -> None:
    client.force_login(director)
    with django_assert_num_queries(QUERIES):
        assert client.get(URL).status_code == 200


def test_the_navigation_links_to_today_for_staff_only(client: Client, front_desk, no_role) -> None:
    client.force_login(front_desk)
    assert '<a href="/staff/">Today</a>' in client.get("/").content.decode()
    client.force_login(no_role)
    assert '<a href="/staff/">Today</a>' not in client.get("/").content.decode()


def test_signing_in_lands_on_today(client: Client, front_desk, settings) -> None:
    settings.GLABELLA_REQUIRE_TWO_FACTOR = False
    response = client.post(
        "/accounts/login/", {"username": "desk-cat", "password": "pw-long-enough"}, follow=True
    )
    assert response.redirect_chain == [(URL, 302)]
    assert response.status_code == 200
    assert "<h1>Today · Clinic north</h1>" in response.content.decode()
