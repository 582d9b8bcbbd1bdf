"""The staff pages of the assistant: the knowledge base, approval and the handoff inbox.

The fixtures here (a clinic, a front-desk member, an approver) replace the conftest's of
the same name for this module, so that names and slugs in the pages are known.
"""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from glabella.accounts.models import Clinic, Role
from glabella.assistant import services
from glabella.assistant.models import (
    AskLog,
    Entry,
    EntryStatus,
    Handoff,
    HandoffKind,
    HandoffStatus,
)
from glabella.assistant.services import EntryText
from glabella.testing import make_clinic, make_staff

pytestmark = pytest.mark.django_db

SLUG = "brow"
URGENT_MARKER = "Urgent — follow up as a possible adverse event"


def url(name, *args, **query):
    params = "&".join(f"{key}={value}" for key, value in {"clinic": SLUG, **query}.items())
    return f"{reverse(f'assistant:{name}', args=args)}?{params}"


@pytest.fixture
def clinic():
    return Clinic.objects.create(name="Brow & Co", slug=SLUG, phone="555-0100")


@pytest.fixture
def other_clinic():
    return make_clinic("elsewhere", name="Elsewhere", phone="555-0199")


@pytest.fixture
def staff(clinic):
    """An injector: may write answers, may not approve them."""
    return make_staff(
        "sam", clinic, Role.INJECTOR, is_staff=True, first_name="Sam", last_name="Desk"
    )


@pytest.fixture
def approver(clinic):
    return make_staff(
        "dora",
        clinic,
        Role.MEDICAL_DIRECTOR,
        is_staff=True,
        first_name="Dora",
        last_name="Director",
    )


@pytest.fixture
def non_staff(db):
    return make_staff("pat")


@pytest.fixture
def entry(clinic, staff):
    text = EntryText(
        topic="aftercare",
        title="Can I exercise after treatment?",
        answer="Wait **24 hours** before hard exercise. Call {phone} with questions.",
        phrasings=("gym after botox",),
    )
    return services.create_entry(clinic, text, by=staff)


@pytest.fixture
def handoff(clinic):
    return Handoff.objects.create(
        clinic=clinic,
        question="Can I fly two days after my Dysport?",
        kind=HandoffKind.QUESTION,
        contact_email="pat@example.com",
    )


def entry_data(**changes):
    data = {
        "topic": "aftercare",
        "title": "Can I exercise after treatment?",
        "phrasings": "gym after botox\ncan I run the same day",
        "answer": "Wait 24 hours before hard exercise.",
        "source": "Clinic aftercare leaflet",
        "change_note": "",
    }
    return {**data, **changes}


def get_urls(entry, handoff):
    return [
        url("entry-list"),
        url("entry-new"),
        url("entry-detail", entry.public_id),
        url("inbox"),
        url("handoff-detail", handoff.public_id),
    ]


def post_urls(entry, handoff):
    return [
        url("entry-new"),
        url("entry-detail", entry.public_id),
        url("entry-approve", entry.public_id),
        url("entry-retire", entry.public_id),
        url("handoff-detail", handoff.public_id),
        url("handoff-save-entry", handoff.public_id),
        url("handoff-close", handoff.public_id),
    ]


# --- who may come in -----------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login(client, entry, handoff):
    for address in get_urls(entry, handoff):
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("login") + "?next="), address
    for address in post_urls(entry, handoff):
        assert client.post(address, entry_data())["Location"].startswith(reverse("login"))
    assert Entry.objects.count() == 1
    assert Handoff.objects.get().status == HandoffStatus.OPEN


def test_non_staff_users_are_refused(client, non_staff, entry, handoff):
    client.force_login(non_staff)
    for address in get_urls(entry, handoff):
        assert client.get(address).status_code == 403, address
    for address in post_urls(entry, handoff):
        assert client.post(address, {**entry_data(), "version": 1}).status_code == 403, address
    assert Entry.objects.count() == 1
    assert entry.versions.count() == 1
    handoff.refresh_from_db()
    assert (handoff.status, handoff.reply, handoff.saved_as) == (HandoffStatus.OPEN, "", None)


def test_another_clinics_entry_and_handoff_are_not_found(client, staff, clinic, other_clinic):
    theirs = services.create_entry(
        other_clinic, EntryText(topic="pricing", title="Price?", answer="Ask."), by=None
    )
    their_handoff = Handoff.objects.create(
        clinic=other_clinic, question="Hello?", kind=HandoffKind.QUESTION
    )
    client.force_login(staff)
    assert client.get(url("entry-detail", theirs.public_id)).status_code == 404
    assert client.get(url("handoff-detail", their_handoff.public_id)).status_code == 404
    assert client.post(url("handoff-close", their_handoff.public_id)).status_code == 404
    assert Handoff.objects.get(pk=their_handoff.pk).status == HandoffStatus.OPEN


def test_unknown_ids_and_clinics_are_not_found(client, staff, clinic):
    client.force_login(staff)
    missing = uuid.uuid4()
    assert client.get(url("entry-detail", missing)).status_code == 404
    assert client.post(url("entry-approve", missing), {"version": 1}).status_code == 404
    assert client.get(url("handoff-detail", missing)).status_code == 404
    assert client.post(url("handoff-close", missing)).status_code == 404
    assert client.get(reverse("assistant:entry-list") + "?clinic=nowhere").status_code == 404


def test_post_only_urls_refuse_get(client, staff, entry, handoff):
    client.force_login(staff)
    for name, target in [
        ("entry-approve", entry),
        ("entry-retire", entry),
        ("handoff-save-entry", handoff),
        ("handoff-close", handoff),
    ]:
        assert client.get(url(name, target.public_id)).status_code == 405, name


# --- the knowledge base ----------------------------------------------------------------


def test_staff_create_an_entry_as_a_draft(client, staff, clinic):
    client.force_login(staff)
    response = client.post(url("entry-new"), entry_data())
    entry = Entry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("entry-detail", entry.public_id)
    assert (entry.clinic, entry.topic, entry.status) == (clinic, "aftercare", EntryStatus.DRAFT)
    assert entry.approved_version is None
    version = entry.versions.get()
    assert version.number == 1
    assert version.title == "Can I exercise after treatment?"
    assert version.phrasings == ["gym after botox", "can I run the same day"]
    assert version.source == "Clinic aftercare leaflet"
    assert version.created_by == staff
    page = client.get(response["Location"])
    assert "Entry saved as a draft" in page.content.decode()


def test_preview_shows_the_answer_without_saving(client, staff, clinic):
    client.force_login(staff)
    data = entry_data(answer="Call **{phone}** if unsure.", preview="1")
    response = client.post(url("entry-new"), data)
    assert response.status_code == 200
    assert "Call <strong>555-0100</strong> if unsure." in response.content.decode()
    assert Entry.objects.count() == 0


def test_staff_edit_makes_a_new_version_and_the_old_stays_readable(client, staff, entry):
    client.force_login(staff)
    form = client.get(url("entry-detail", entry.public_id, edit=1))
    assert "gym after botox</textarea>" in form.content.decode()
    response = client.post(
        url("entry-detail", entry.public_id),
        entry_data(answer="Wait 48 hours before hard exercise.", change_note="longer wait"),
    )
    assert response.status_code == 302
    assert list(entry.versions.values_list("number", "change_note")) == [
        (1, "created"),
        (2, "longer wait"),
    ]
    page = client.get(url("entry-detail", entry.public_id)).content.decode()
    assert "Version 1" in page
    assert "Version 2" in page
    assert "Wait <strong>24 hours</strong> before hard exercise." in page
    assert "Wait 48 hours before hard exercise." in page
    assert "longer wait" in page
    assert "Sam Desk" in page


def test_staff_without_approval_permission_cannot_approve_or_retire(client, staff, entry):
    client.force_login(staff)
    page = client.get(url("entry-detail", entry.public_id)).content.decode()
    assert "Approve version" not in page
    assert client.post(url("entry-approve", entry.public_id), {"version": 1}).status_code == 403
    assert client.post(url("entry-retire", entry.public_id)).status_code == 403
    entry.refresh_from_db()
    assert (entry.status, entry.approved_version, entry.approved_by) == (
        EntryStatus.DRAFT,
        None,
        None,
    )
    assert clinic_revision(entry) == 0


def test_approver_approves_then_retires(client, approver, entry):
    client.force_login(approver)
    page = client.get(url("entry-detail", entry.public_id)).content.decode()
    assert "Approve version 1" in page
    response = client.post(
        url("entry-approve", entry.public_id), {"version": 1, "note": "checked leaflet"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED
    assert entry.approved_version == entry.versions.get(number=1)
    assert (entry.approved_by, entry.approval_note) == (approver, "checked leaflet")
    assert entry.approved_at is not None
    assert clinic_revision(entry) == 1

    response = client.post(url("entry-retire", entry.public_id), follow=True)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.RETIRED
    assert "no longer answers patients" in response.content.decode()
    assert clinic_revision(entry) == 2


def test_approval_approves_the_version_the_approver_saw(client, approver, staff, entry):
    services.edit_entry(entry, EntryText(topic="aftercare", title="T", answer="Newer"), by=staff)
    client.force_login(approver)
    client.post(url("entry-approve", entry.public_id), {"version": 1, "note": "checked"})
    entry.refresh_from_db()
    assert entry.approved_version.number == 1
    assert entry.has_pending_changes
    assert client.post(url("entry-approve", entry.public_id), {"version": 9}).status_code == 404
    assert client.post(url("entry-approve", entry.public_id), {}).status_code == 400
    entry.refresh_from_db()
    assert entry.approved_version.number == 1


def test_editing_an_approved_entry_keeps_the_approved_version(client, staff, approver, entry):
    services.approve_entry(entry, by=approver)
    client.force_login(staff)
    client.post(url("entry-detail", entry.public_id), entry_data(answer="Wait two days."))
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED
    assert entry.approved_version.number == 1
    assert entry.latest_version.number == 2
    listing = client.get(url("entry-list")).content.decode()
    assert "Changes pending approval" in listing
    assert "Dora Director" in listing
    detail = client.get(url("entry-detail", entry.public_id)).content.decode()
    now = detail.index("What patients see now")
    draft = detail.index("Latest draft: version 2")
    assert now < detail.index("Wait <strong>24 hours</strong>") < draft
    assert draft < detail.index("Wait two days.")


def test_entry_list_filters_by_status_and_topic(client, staff, approver, clinic, entry):
    pricing = services.create_entry(
        clinic,
        EntryText(topic="pricing", title="How much per unit?", answer="See {price_botox_unit}"),
        by=staff,
    )
    services.approve_entry(pricing, by=approver)
    client.force_login(staff)
    approved = client.get(url("entry-list", status="approved")).content.decode()
    assert "How much per unit?" in approved
    assert "Can I exercise after treatment?" not in approved
    by_topic = client.get(url("entry-list", topic="aftercare")).content.decode()
    assert "Can I exercise after treatment?" in by_topic
    assert "How much per unit?" not in by_topic
    ignored = client.get(url("entry-list", status="bogus"))
    assert ignored.status_code == 200
    assert "How much per unit?" in ignored.content.decode()


def test_entry_list_shows_open_handoffs_and_a_fixed_number_of_queries(
    client, staff, clinic, handoff, django_assert_num_queries
):
    for number in range(5):
        services.create_entry(
            clinic, EntryText(topic=f"topic-{number}", title=f"Q{number}", answer="A"), by=staff
        )
    client.force_login(staff)
    # session, user, clinic, topics, open count, entries; then the session is saved (3)
    with django_assert_num_queries(9):
        page = client.get(url("entry-list")).content.decode()
    assert "1 open question in the inbox" in page
    assert url("inbox").replace("&", "&amp;") in page


def test_form_errors_keep_what_was_typed(client, staff, clinic):
    client.force_login(staff)
    typed = entry_data(title="", answer="My careful answer <b>bold</b>", phrasings="one\ntwo")
    response = client.post(url("entry-new"), typed)
    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in page
    assert "My careful answer &lt;b&gt;bold&lt;/b&gt;</textarea>" in page
    assert "one\ntwo</textarea>" in page
    assert Entry.objects.count() == 0


def test_service_validation_errors_show_on_the_form(client, staff, clinic, monkeypatch):
    def refuse(*args, **kwargs):
        raise ValidationError({"answer": "An answer is needed."})

    monkeypatch.setattr(services, "create_entry", refuse)
    client.force_login(staff)
    response = client.post(url("entry-new"), entry_data(answer="Typed text"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "An answer is needed." in page
    assert "Typed text</textarea>" in page


def test_answers_and_titles_are_escaped(client, staff, clinic):
    text = EntryText(
        topic="x", title="<img src=x onerror=alert(1)>", answer="Hi <script>alert(1)</script>"
    )
    entry = services.create_entry(clinic, text, by=staff)
    client.force_login(staff)
    listing = client.get(url("entry-list")).content.decode()
    detail = client.get(url("entry-detail", entry.public_id)).content.decode()
    for page in (listing, detail):
        assert "<img src=x" not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script>alert" not in detail
    assert "Hi &lt;script&gt;alert(1)&lt;/script&gt;" in detail


# --- the handoff inbox -----------------------------------------------------------------


def test_inbox_lists_urgent_open_questions_first(client, staff, clinic, handoff):
    urgent = Handoff.objects.create(
        clinic=clinic, question="My eyelid is drooping and I see double", kind=HandoffKind.URGENT
    )
    answered = Handoff.objects.create(
        clinic=clinic,
        question="Do you open on Sundays?",
        kind=HandoffKind.QUESTION,
        status=HandoffStatus.ANSWERED,
        reply="No.",
    )
    client.force_login(staff)
    page = client.get(url("inbox")).content.decode()
    order = [page.index(h.question) for h in (urgent, handoff, answered)]
    assert order == sorted(order)
    assert page.count(URGENT_MARKER) == 1
    assert page.index(URGENT_MARKER) < page.index(urgent.question)


def test_urgent_handoff_page_is_marked(client, staff, clinic):
    urgent = Handoff.objects.create(
        clinic=clinic, question="I can't swallow properly", kind=HandoffKind.URGENT
    )
    client.force_login(staff)
    page = client.get(url("handoff-detail", urgent.public_id)).content.decode()
    assert URGENT_MARKER in page
    assert "I can&#x27;t swallow properly" in page


def test_reply_marks_the_handoff_answered(client, staff, handoff):
    client.force_login(staff)
    response = client.post(
        url("handoff-detail", handoff.public_id), {"reply": "Yes, after 48 hours."}
    )
    assert response.status_code == 302
    handoff.refresh_from_db()
    assert handoff.status == HandoffStatus.ANSWERED
    assert (handoff.reply, handoff.replied_by) == ("Yes, after 48 hours.", staff)
    page = client.get(response["Location"]).content.decode()
    assert "Reply saved" in page
    assert "Yes, after 48 hours.</textarea>" in page


def test_empty_reply_is_refused_and_nothing_changes(client, staff, handoff):
    client.force_login(staff)
    response = client.post(url("handoff-detail", handoff.public_id), {"reply": "  "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    handoff.refresh_from_db()
    assert (handoff.status, handoff.reply) == (HandoffStatus.OPEN, "")


def test_save_as_entry_creates_a_draft_with_the_patients_question(client, staff, handoff):
    client.force_login(staff)
    response = client.post(
        url("handoff-save-entry", handoff.public_id),
        {"topic": "travel", "title": "Can I fly after treatment?", "answer": "Yes."},
    )
    entry = Entry.objects.get()
    assert response["Location"] == url("entry-detail", entry.public_id)
    assert (entry.topic, entry.status, entry.approved_version) == (
        "travel",
        EntryStatus.DRAFT,
        None,
    )
    version = entry.latest_version
    assert version.phrasings[0] == "Can I fly two days after my Dysport?"
    assert (version.title, version.answer, version.created_by) == (
        "Can I fly after treatment?",
        "Yes.",
        staff,
    )
    handoff.refresh_from_db()
    assert handoff.saved_as == entry


def test_save_as_entry_errors_keep_what_was_typed(client, staff, handoff):
    client.force_login(staff)
    response = client.post(
        url("handoff-save-entry", handoff.public_id),
        {"topic": "not a slug!", "title": "Flying", "answer": "Typed answer"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Typed answer</textarea>" in page
    assert 'value="not a slug!"' in page
    assert Entry.objects.count() == 0


def test_close_handoff(client, staff, handoff):
    client.force_login(staff)
    response = client.post(url("handoff-close", handoff.public_id))
    assert response["Location"] == url("inbox")
    handoff.refresh_from_db()
    assert handoff.status == HandoffStatus.CLOSED


def clinic_revision(entry):
    return Clinic.objects.get(pk=entry.clinic_id).assistant_revision


def test_the_question_log_lists_questions_and_outcomes(client, clinic, approver) -> None:
    AskLog.objects.create(
        clinic=clinic,
        question="how long does it last",
        outcome="answered",
        topic="duration",
        confidence=0.8,
        timings_ms={"total": 9.5},
    )
    AskLog.objects.create(clinic=clinic, question="pizza?", outcome="abstained")
    client.force_login(approver)
    page = client.get("/staff/assistant/questions/?clinic=" + clinic.slug).content.decode()
    assert "how long does it last" in page
    assert "pizza?" in page
    only = client.get(f"/staff/assistant/questions/?clinic={clinic.slug}&outcome=abstained")
    assert "how long does it last" not in only.content.decode()


def test_the_question_log_is_staff_only(client, clinic, django_user_model) -> None:
    patient = django_user_model.objects.create_user("patient", password="pw")
    client.force_login(patient)
    assert client.get("/staff/assistant/questions/?clinic=" + clinic.slug).status_code == 403
