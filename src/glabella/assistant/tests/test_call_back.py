"""Staff see how to reach the patient behind a handed-over message and record the call back:
the inbox, the message's page and Today, for every role that has the inbox; reads and the
call back are audited (with the patient when the details matched one)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.test import Client

from glabella.assistant.models import Handoff, HandoffKind, HandoffStatus
from glabella.audit.models import Action, AuditEvent
from glabella.testing import client_as

pytestmark = pytest.mark.django_db

INBOX = "/staff/assistant/inbox/?clinic=test"
TODAY = "/staff/?clinic=test"
CONSENT = datetime.fromisoformat("2026-11-18T09:30:00+00:00")
STAFF = ["director", "injector", "front_desk"]


def _detail(handoff: Handoff) -> str:
    return f"/staff/assistant/inbox/{handoff.public_id}/?clinic=test"


def _called_back(handoff: Handoff) -> str:
    return f"/staff/assistant/inbox/{handoff.public_id}/called-back/?clinic=test"


@pytest.fixture
def reached(clinic, alice) -> Handoff:  # type: ignore[no-untyped-def]
    """An urgent message whose contact details matched alice's record."""
    return Handoff.objects.create(
        clinic=clinic,
        question="My eyelid droops since Tuesday",
        kind=HandoffKind.URGENT,
        reference="K7QM4XPD",
        contact_name="Alice Testpatient",
        contact_phone="+1 (555) 010-1234",
        contact_email="alice+chat@example.test",
        contact_consent_at=CONSENT,
        patient=alice,
    )


@pytest.fixture
def unknown(clinic) -> Handoff:  # type: ignore[no-untyped-def]
    """A question from someone who left an email but matched no record."""
    return Handoff.objects.create(
        clinic=clinic,
        question="Do you treat on Saturdays?",
        kind=HandoffKind.QUESTION,
        reference="M8NP2QRS",
        contact_name="Sam",
        contact_email="sam@example.test",
        contact_consent_at=CONSENT,
    )


def _shows_contact(page: str, alice: Any) -> None:
    assert "K7QM-4XPD" in page
    assert "Alice Testpatient" in page
    assert '<a href="tel:+15550101234">+1 (555) 010-1234</a>' in page
    assert '<a href="mailto:alice%2Bchat@example.test">alice+chat@example.test</a>' in page
    assert 'given <time datetime="2026-11-18T09:30:00+00:00">18 Nov 2026, 09:30</time>' in page
    assert f'href="/staff/patients/{alice.public_id}/?clinic=test">Alice Testpatient</a>' in page


# --- what staff see --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", STAFF)
def test_the_inbox_shows_how_to_reach_each_patient(request, reached, unknown, alice, persona):  # type: ignore[no-untyped-def]
    page = client_as(request, persona).get(INBOX).content.decode()

    _shows_contact(page, alice)
    assert "M8NP-2QRS" in page and "sam@example.test" in page
    assert page.count("Called back</button>") + page.count("Called back <span") == 2
    assert f'action="{_called_back(reached)}"'.replace("&", "&amp;") in page


@pytest.mark.parametrize("persona", STAFF)
def test_the_message_page_shows_the_contact_and_the_call_back_action(
    request, reached, alice, persona
):  # type: ignore[no-untyped-def]
    page = client_as(request, persona).get(_detail(reached)).content.decode()

    _shows_contact(page, alice)
    assert "Called back" in page and "not yet" in page


def test_a_message_without_details_says_so(client: Client, director, clinic) -> None:
    handoff = Handoff.objects.create(clinic=clinic, question="Parking?", kind=HandoffKind.QUESTION)
    client.force_login(director)

    page = client.get(_detail(handoff)).content.decode()

    assert "<dt>Contact</dt><dd>None given</dd>" in page
    assert handoff.reference_display in page
    assert "Consent to contact" not in page and "Patient record" not in page


@pytest.mark.parametrize("persona", STAFF)
def test_today_lists_open_messages_urgent_first_with_contact_and_call_back(
    request, reached, unknown, alice, persona
):  # type: ignore[no-untyped-def]
    Handoff.objects.create(
        clinic=reached.clinic, question="Closed one", kind="question", status=HandoffStatus.CLOSED
    )
    page = client_as(request, persona).get(TODAY).content.decode()

    assert "Questions handed to staff, still open: 2" in page
    _shows_contact(page, alice)
    assert page.index("My eyelid droops") < page.index("Do you treat on Saturdays?")
    assert "Closed one" not in page
    assert page.count('value="/staff/?clinic=test"') == 2  # each call back returns here


def test_today_shows_the_first_eight_and_how_many_more(client: Client, front_desk, clinic) -> None:
    for n in range(10):
        Handoff.objects.create(clinic=clinic, question=f"Question {n}?", kind="question")
    client.force_login(front_desk)

    response = client.get(TODAY)

    board = response.context["board"]
    assert (len(board.messages.shown), board.messages.count, board.open_inbox) == (8, 10, 10)
    assert "And 2 more in the inbox." in response.content.decode()


def test_other_clinics_messages_never_show(client: Client, other_director, reached) -> None:
    client.force_login(other_director)
    page = client.get("/staff/").content.decode()
    assert "K7QM-4XPD" not in page and "Alice" not in page
    assert client.get(_detail(reached).replace("test", "south")).status_code == 404


# --- calling back ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", STAFF)
def test_called_back_records_who_and_when_with_the_patient(request, reached, alice, persona):  # type: ignore[no-untyped-def]
    client = client_as(request, persona)
    user = request.getfixturevalue(persona)

    response = client.post(_called_back(reached), {"next": TODAY})

    assert (response.status_code, response["Location"]) == (302, TODAY)
    reached.refresh_from_db()
    assert reached.called_back_by == user
    assert reached.called_back_at is not None
    event = AuditEvent.objects.filter(action=Action.CHANGE).get()
    assert (event.actor, event.object_id, event.patient_id, event.detail) == (
        user,
        str(reached.public_id),
        alice.public_id,
        {"called_back": True},
    )
    page = client.get(TODAY).content.decode()
    assert "Recorded: K7QM-4XPD called back." in page
    name = user.get_full_name() or user.get_username()
    assert f"by {name}, <time" in page
    assert "Called back</button>" not in page.split("Do you treat")[0]


def test_called_back_without_a_patient_is_audited_without_one(
    client: Client, injector, unknown
) -> None:
    client.force_login(injector)

    response = client.post(_called_back(unknown))

    assert response["Location"] == _detail(unknown)
    event = AuditEvent.objects.filter(action=Action.CHANGE).get()
    assert (event.patient_id, event.detail) == (None, {"called_back": True})


def test_a_second_click_changes_nothing(client: Client, injector, director, reached) -> None:
    client.force_login(injector)
    client.post(_called_back(reached))
    reached.refresh_from_db()
    first = (reached.called_back_at, reached.called_back_by)

    client.force_login(director)
    client.post(_called_back(reached))

    reached.refresh_from_db()
    assert (reached.called_back_at, reached.called_back_by) == first
    assert AuditEvent.objects.filter(action=Action.CHANGE).count() == 1


def test_called_back_never_redirects_off_the_staff_pages(client: Client, injector, reached) -> None:
    client.force_login(injector)
    for away in ["https://evil.example/staff/", "//evil.example/staff/", "/accounts/logout/"]:
        reached.called_back_at = None
        reached.save(update_fields=["called_back_at"])
        response = client.post(_called_back(reached), {"next": away})
        assert response["Location"] == _detail(reached)


@pytest.mark.parametrize(
    ("persona", "status"), [("other_director", 404), ("no_role", 403), ("anonymous", 302)]
)
def test_who_may_not_record_a_call_back_changes_nothing(request, reached, persona, status):  # type: ignore[no-untyped-def]
    client = client_as(request, persona)
    before = AuditEvent.objects.count()

    response = client.post(_called_back(reached).replace("?clinic=test", ""))

    assert response.status_code == status
    reached.refresh_from_db()
    assert (reached.called_back_at, reached.called_back_by) == (None, None)
    assert AuditEvent.objects.count() == before


def test_recording_a_call_back_takes_a_post(client: Client, injector, reached) -> None:
    client.force_login(injector)
    assert client.get(_called_back(reached)).status_code == 405


# --- the reads are audited -------------------------------------------------------------------


def test_opening_a_matched_message_is_audited_with_the_patient(
    client: Client, front_desk, reached, unknown, alice
) -> None:
    client.force_login(front_desk)

    client.get(_detail(reached))
    client.get(_detail(unknown))

    views = AuditEvent.objects.filter(action=Action.VIEW).order_by("id")
    assert [(e.object_id, e.patient_id) for e in views] == [
        (str(reached.public_id), alice.public_id),
        (str(unknown.public_id), None),
    ]


def test_the_inbox_read_is_audited(client: Client, director, reached) -> None:
    client.force_login(director)
    client.get(INBOX)
    event = AuditEvent.objects.get(action=Action.VIEW)
    assert (event.object_type, event.actor) == ("assistant.inbox", director)


def test_todays_read_of_the_messages_names_the_matched_patients(
    client: Client, injector, reached, unknown, alice
) -> None:
    client.force_login(injector)
    client.get(TODAY)
    event = AuditEvent.objects.get(object_type="assistant.open_messages")
    assert event.detail == {"rows": 2, "patients": [str(alice.public_id)]}


def test_the_inbox_runs_a_fixed_number_of_queries(
    client: Client, director, clinic, reached, unknown, django_assert_num_queries
) -> None:
    for n in range(5):
        Handoff.objects.create(
            clinic=clinic,
            question=f"Answered {n}",
            kind="question",
            status=HandoffStatus.ANSWERED,
            replied_by=director,
            called_back_by=director,
            patient=reached.patient,
        )
    client.force_login(director)
    # session, user, memberships; the audit (savepoint, insert, release); open; answered;
    # the session save (savepoint, update, release)
    with django_assert_num_queries(11):
        assert client.get(INBOX).status_code == 200


# --- finding a message by the reference a patient quotes -------------------------------------


@pytest.mark.parametrize("quoted", ["K7QM-4XPD", "k7qm 4xpd", "K7QM4XPD"])
def test_a_quoted_reference_opens_its_message(client: Client, front_desk, reached, quoted) -> None:
    client.force_login(front_desk)
    response = client.get(INBOX, {"reference": quoted})
    assert (response.status_code, response["Location"]) == (302, _detail(reached))


def test_an_unknown_or_other_clinics_reference_finds_nothing(
    client: Client, front_desk, other_clinic
) -> None:
    Handoff.objects.create(
        clinic=other_clinic, question="Elsewhere", kind="question", reference="ZZZZ9999"
    )
    client.force_login(front_desk)

    response = client.get(INBOX, {"reference": "ZZZZ-9999"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "No message of Test Clinic has the reference ZZZZ-9999." in page
    assert "Elsewhere" not in page
