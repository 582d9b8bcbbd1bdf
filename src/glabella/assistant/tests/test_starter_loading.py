"""The starter answers arrive in a new clinic as drafts, in every shipped language, once."""

from pathlib import Path

import pytest

from glabella.assistant import starter
from glabella.assistant.models import Entry, EntryStatus
from glabella.assistant.services import load_starter_kb

ENGLISH = """
[[entries]]
topic = "pain"
title = "Does it hurt?"
phrasings = ["is it painful"]
answer = "A quick pinch."
source = "Clinic FAQ"

[[entries]]
topic = "cost"
title = "How much is it?"
answer = "{price_botox_unit} per unit."
"""
SPANISH = """
[[entries]]
topic = "pain"
title = "¿Duele?"
phrasings = ["duele mucho"]
answer = "Un pequeño pinchazo."
source = "Clinic FAQ"
"""


@pytest.fixture
def files(tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    english, spanish = tmp_path / "starter_kb.toml", tmp_path / "starter_kb_es.toml"
    english.write_text(ENGLISH)
    monkeypatch.setattr(starter, "STARTER_FILES", (english, spanish))
    return english, spanish


def test_a_missing_language_file_is_skipped(files) -> None:
    assert [(e.language, e.key) for e in starter.shipped_starter()] == [
        ("en", "starter-pain-1"),
        ("en", "starter-cost-2"),
    ]


def test_each_file_gives_its_language_and_its_own_keys(files) -> None:
    files[1].write_text(SPANISH)
    found = starter.shipped_starter()
    assert [(e.language, e.key, e.text.title) for e in found] == [
        ("en", "starter-pain-1", "Does it hurt?"),
        ("en", "starter-cost-2", "How much is it?"),
        ("es", "starter-es-pain-1", "¿Duele?"),
    ]
    assert found[2].text.phrasings == ("duele mucho",)


@pytest.mark.django_db
def test_a_new_clinic_gets_drafts_in_each_language_once(files, clinic) -> None:
    files[1].write_text(SPANISH)
    assert load_starter_kb(clinic) == 3
    entries = Entry.objects.filter(clinic=clinic).order_by("import_key")
    assert [(e.import_key, e.language, e.status) for e in entries] == [
        ("starter-cost-2", "en", EntryStatus.DRAFT),
        ("starter-es-pain-1", "es", EntryStatus.DRAFT),
        ("starter-pain-1", "en", EntryStatus.DRAFT),
    ]
    assert not Entry.objects.answering().exists()
    assert all(e.approved_version is None and e.approved_by is None for e in entries)
    assert load_starter_kb(clinic) == 0
    assert Entry.objects.count() == 3


@pytest.mark.django_db
def test_a_language_file_that_arrives_later_is_added_on_the_next_load(files, clinic) -> None:
    assert load_starter_kb(clinic) == 2
    files[1].write_text(SPANISH)
    assert load_starter_kb(clinic) == 1
    assert Entry.objects.get(import_key="starter-es-pain-1").language == "es"


@pytest.mark.django_db
def test_the_shipped_files_load_as_drafts(clinic) -> None:
    shipped = starter.shipped_starter()
    assert load_starter_kb(clinic) == len(shipped)
    assert Entry.objects.filter(language="en").count() == len(
        starter.starter_entries(starter.STARTER_FILE)
    )
    assert set(Entry.objects.values_list("status", flat=True)) == {EntryStatus.DRAFT}


def test_price_and_fee_variables_are_recognised() -> None:
    assert starter.quotes_a_price("From {price_botox_unit} per unit.")
    assert starter.quotes_a_price("The consultation is {consultation_fee}.")
    assert not starter.quotes_a_price("Call {phone}; see {booking_url}.")
