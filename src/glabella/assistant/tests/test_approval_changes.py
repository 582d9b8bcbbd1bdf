"""The approval page shows what approving would change, word by word, and approving needs a
change note."""

import pytest
from django.test import Client
from django.urls import reverse

from glabella.assistant import services
from glabella.assistant.diffs import word_diff
from glabella.assistant.models import Entry, EntryStatus
from glabella.assistant.services import EntryText
from glabella.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db

FIRST = EntryText(
    topic="aftercare",
    title="Can I exercise after treatment?",
    answer="Avoid the gym for 24 hours.\nCall {phone} with questions.",
    phrasings=("gym after botox", "can I run"),
)
SECOND = EntryText(
    topic="aftercare",
    title="Can I exercise after treatment?",
    answer="Avoid the gym for the rest of the day.\nCall {phone} with <b>questions</b>.",
    phrasings=("gym after botox", "can I jog", "workout after injections"),
)


def page(name: str, entry: Entry) -> str:
    return reverse(f"assistant:{name}", args=[entry.public_id]) + "?clinic=test"


@pytest.fixture
def edited(clinic, approver) -> Entry:
    entry = services.create_entry(clinic, FIRST, by=approver)
    services.approve_entry(entry, by=approver, note="first wording")
    services.edit_entry(entry, SECOND, by=approver, note="shorter wait")
    return Entry.objects.get(pk=entry.pk)


def test_words_added_and_removed_are_marked_and_escaped() -> None:
    assert word_diff("Wait 24 hours. <b>x</b>", "Wait the whole day. <b>x</b>") == (
        "Wait <del>24 hours. </del><ins>the whole day. </ins>&lt;b&gt;x&lt;/b&gt;"
    )
    assert word_diff("", "new words") == "<ins>new words</ins>"
    assert word_diff("<script>", "") == "<del>&lt;script&gt;</del>"


def test_the_approval_page_shows_the_word_differences(client: Client, approver, edited) -> None:
    client.force_login(approver)
    html = client.get(page("entry-detail", edited)).content.decode()
    assert "Changes from version 1 (approved) to version 2" in html
    assert (
        '<div class="diff" data-diff="answer">Avoid the gym for <del>24 hours.\n</del>'
        "<ins>the rest of the day.\n</ins>Call {phone} with <del>questions.</del>"
        "<ins>&lt;b&gt;questions&lt;/b&gt;.</ins></div>"
    ) in html
    assert (
        '<div class="diff" data-diff="phrasings">gym after botox\ncan I <del>run</del>'
        "<ins>jog\nworkout after injections</ins></div>"
    ) in html
    assert "<b>questions</b>" not in html
    assert 'data-diff="title"' not in html  # the question did not change


def test_nothing_to_compare_before_a_first_approval(client: Client, clinic, approver) -> None:
    entry = services.create_entry(clinic, FIRST, by=approver)
    client.force_login(approver)
    html = client.get(page("entry-detail", entry)).content.decode()
    assert "Changes from version" not in html
    assert "Approve version 1" in html


def test_approving_without_a_change_note_is_refused_and_changes_nothing(
    client: Client, approver, edited
) -> None:
    client.force_login(approver)
    response = client.post(page("entry-approve", edited), {"version": 2, "note": "  "})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Write a change note before approving." in html
    assert 'data-diff="answer"' in html  # the differences are still in front of the approver
    entry = Entry.objects.get(pk=edited.pk)
    assert (entry.status, entry.approved_version.number, entry.approval_note) == (
        EntryStatus.APPROVED,
        1,
        "first wording",
    )
    assert AuditEvent.objects.filter(action=Action.APPROVE).count() == 1  # the fixture's


def test_approving_with_a_change_note_stores_it(client: Client, approver, edited) -> None:
    client.force_login(approver)
    response = client.post(
        page("entry-approve", edited), {"version": 2, "note": "Checked against the leaflet"}
    )
    assert response.status_code == 302
    entry = Entry.objects.get(pk=edited.pk)
    assert (entry.approved_version.number, entry.approval_note) == (
        2,
        "Checked against the leaflet",
    )
    html = client.get(page("entry-detail", entry)).content.decode()
    assert "Changes from version" not in html
    assert "“Checked against the leaflet”" in html
