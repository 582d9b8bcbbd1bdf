"""Importing a clinic's FAQ document: drafts, idempotent re-import, changes as versions."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from glabella.assistant import services
from glabella.assistant.engine.importer import parse_document
from glabella.assistant.models import Entry, EntryStatus

pytestmark = pytest.mark.django_db
SEED = (
    Path(__file__).resolve().parents[5] / "shared" / "seed" / "common-neuromodulator-questions.txt"
)


@pytest.fixture
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"{SEED} is not beside this checkout")
    return SEED.read_text(encoding="utf-8")


def test_the_seed_file_imports_as_five_drafts(clinic, seed_text) -> None:
    report = services.import_entries(
        clinic, parse_document(seed_text, "text"), by=None, default_topic="imported"
    )
    assert len(report.created) == 5
    entries = Entry.objects.filter(clinic=clinic)
    assert entries.count() == 5
    assert {e.status for e in entries} == {EntryStatus.DRAFT}
    titles = {e.latest_version.title for e in entries}
    assert "What is the difference between Botox and Dysport?" in titles
    assert "Are there side effects?" in titles


def test_reimporting_the_same_file_changes_nothing(clinic, seed_text) -> None:
    parsed = parse_document(seed_text, "text")
    services.import_entries(clinic, parsed, by=None, default_topic="imported")
    again = services.import_entries(clinic, parsed, by=None, default_topic="imported")
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 5)
    assert Entry.objects.count() == 5


def test_a_changed_answer_becomes_a_new_version(clinic, seed_text) -> None:
    services.import_entries(
        clinic, parse_document(seed_text, "text"), by=None, default_topic="imported"
    )
    changed = seed_text.replace("less than 30 minutes", "about 20 minutes")
    report = services.import_entries(
        clinic, parse_document(changed, "text"), by=None, default_topic="imported"
    )
    assert report.updated == ["What can I expect from the procedure?"]
    entry = Entry.objects.get(import_key="what-can-i-expect-from-the-procedure")
    assert [v.number for v in entry.versions.all()] == [1, 2]
    assert "less than 30 minutes" in entry.versions.get(number=1).answer
    assert "about 20 minutes" in entry.latest_version.answer


def test_kb_import_and_export_commands(clinic, tmp_path, capsys) -> None:
    faq = tmp_path / "faq.csv"
    faq.write_text("question,answer,topic\nDo you park?,Yes behind the clinic.,booking\n")
    call_command("kb", "import", str(faq))
    assert "1 new drafts" in capsys.readouterr().out
    call_command("kb", "export")
    exported = capsys.readouterr().out
    assert '"topic": "booking"' in exported
    assert "Yes behind the clinic." in exported


def test_kb_import_of_a_broken_file_is_a_clear_error(clinic, tmp_path) -> None:
    faq = tmp_path / "faq.csv"
    faq.write_text("question,answer\n,missing question\n")
    with pytest.raises(CommandError, match="row 2"):
        call_command("kb", "import", str(faq))
    assert not Entry.objects.exists()
