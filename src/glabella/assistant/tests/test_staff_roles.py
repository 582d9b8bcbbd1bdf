"""The role matrix on the assistant's staff pages: who may read, write, approve, reply."""

import pytest
from django.test import Client
from django.urls import reverse

from glabella.accounts.models import Role
from glabella.assistant import services
from glabella.assistant.models import Entry, EntryStatus, Handoff, HandoffKind
from glabella.assistant.services import EntryText
from glabella.audit.models import Action, AuditEvent
from glabella.testing import make_clinic, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(clinic):  # type: ignore[no-untyped-def]
    other = make_clinic("other", name="Other", phone="555-0142")
    made = {}
    for name, role, where in [
        ("director", Role.MEDICAL_DIRECTOR, clinic),
        ("injector", Role.INJECTOR, clinic),
        ("desk", Role.FRONT_DESK, clinic),
        ("elsewhere", Role.MEDICAL_DIRECTOR, other),
    ]:
        made[name] = make_staff(name, where, role)
    made["nobody"] = make_staff("nobody")
    return made


@pytest.fixture
def draft(clinic, people):  # type: ignore[no-untyped-def]
    text = EntryText("pain", "Does it hurt?", "A pinch.", ("is it painful",))
    return services.create_entry(clinic, text, by=people["injector"])


@pytest.fixture
def handoff(clinic):  # type: ignore[no-untyped-def]
    return Handoff.objects.create(clinic=clinic, question="parking?", kind=HandoffKind.QUESTION)


def page(name, *args):  # type: ignore[no-untyped-def]
    return reverse(f"assistant:{name}", args=args) + "?clinic=test"


@pytest.mark.parametrize(
    ("who", "list_status", "new_status", "inbox_status", "questions_status"),
    [
        ("director", 200, 200, 200, 200),
        ("injector", 200, 200, 200, 200),
        ("desk", 200, 403, 200, 403),
        ("elsewhere", 404, 404, 404, 404),
        ("nobody", 403, 403, 403, 403),
    ],
)
def test_who_may_open_which_page(
    client: Client, people, who, list_status, new_status, inbox_status, questions_status
) -> None:
    client.force_login(people[who])
    assert client.get(page("entry-list")).status_code == list_status
    assert client.get(page("entry-new")).status_code == new_status
    assert client.get(page("inbox")).status_code == inbox_status
    assert client.get(page("question-log")).status_code == questions_status


@pytest.mark.parametrize(
    ("who", "status"), [("director", 302), ("injector", 403), ("desk", 403), ("elsewhere", 404)]
)
def test_only_the_medical_director_approves(client: Client, people, draft, who, status) -> None:
    client.force_login(people[who])
    response = client.post(
        page("entry-approve", draft.public_id), {"version": 1, "note": "checked"}
    )
    assert response.status_code == status
    approved = Entry.objects.get(pk=draft.pk).status == EntryStatus.APPROVED
    assert approved is (status == 302)


def test_front_desk_cannot_edit_an_answer(client: Client, people, draft) -> None:
    client.force_login(people["desk"])
    response = client.post(
        page("entry-detail", draft.public_id),
        {"topic": "pain", "title": "Does it hurt?", "answer": "Changed", "phrasings": ""},
    )
    assert response.status_code == 403
    assert draft.versions.count() == 1


def test_front_desk_replies_to_handed_over_questions(client: Client, people, handoff) -> None:
    client.force_login(people["desk"])
    response = client.post(page("handoff-detail", handoff.public_id), {"reply": "Behind us."})
    assert response.status_code == 302
    assert Handoff.objects.get(pk=handoff.pk).reply == "Behind us."


def test_approving_writes_one_audit_event_with_the_version(client: Client, people, draft) -> None:
    client.force_login(people["director"])
    client.post(page("entry-approve", draft.public_id), {"version": 1, "note": "checked"})
    event = AuditEvent.objects.get(action=Action.APPROVE)
    assert (event.actor, event.clinic, event.object_id) == (
        people["director"],
        draft.clinic,
        str(draft.public_id),
    )
    assert event.detail == {"version": 1}
    assert event.ip == "127.0.0.1"


def test_a_refused_approval_writes_nothing(client: Client, people, draft) -> None:
    client.force_login(people["desk"])
    client.post(page("entry-approve", draft.public_id), {"version": 1, "note": "checked"})
    assert not AuditEvent.objects.filter(action=Action.APPROVE).exists()


def test_reading_and_replying_to_a_handoff_is_audited(client: Client, people, handoff) -> None:
    client.force_login(people["desk"])
    client.get(page("handoff-detail", handoff.public_id))
    client.post(page("handoff-detail", handoff.public_id), {"reply": "Behind us."})
    actions = list(
        AuditEvent.objects.filter(object_id=str(handoff.public_id))
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == [Action.VIEW, Action.REPLY]


def test_opening_the_question_log_is_audited(client: Client, people) -> None:
    client.force_login(people["injector"])
    client.get(page("question-log"))
    event = AuditEvent.objects.get(object_type="assistant.question_log")
    assert event.action == Action.VIEW
    assert event.actor == people["injector"]
