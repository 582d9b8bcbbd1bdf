"""Patients see plain names of sources, never internal ids or section references;
staff pages keep the raw provenance note."""

import re
from pathlib import Path

import pytest
from django.test import Client

from glabella.assistant import engine_cache, services
from glabella.assistant.citations import patient_citation
from glabella.assistant.services import EntryText
from glabella.assistant.starter import starter_entries

DATA = Path(engine_cache.DATA_DIR)
# Every shipped starter file (English, Spanish once it is there) and the fixed answers.
SHIPPED_NOTES = sorted(
    {text.source for path in DATA.glob("starter_kb*.toml") for text in starter_entries(path)}
    | {answer["source"] for answer in engine_cache.fixed_answers().values()}
)
INTERNAL_NOTE = "Clinic FAQ; domain-facts §3 (S-AAD-OV, S-STATPEARLS), §4b (S-BXC-SCRIBD2019)"


def assert_plain(citation: str) -> None:
    assert not re.search(r"\bS-[A-Z0-9]", citation), citation
    assert "domain-facts" not in citation, citation
    assert "§" not in citation, citation
    assert ".toml" not in citation, citation


@pytest.mark.parametrize("note", SHIPPED_NOTES)
def test_no_shipped_citation_shows_an_id_or_a_section(note: str) -> None:
    assert_plain(patient_citation(note, "Test Clinic"))


def test_ids_become_names_with_the_catalogues_year() -> None:
    assert patient_citation(INTERNAL_NOTE, "Test Clinic") == (
        "Test Clinic's own information; American Academy of Dermatology; "
        "StatPearls (NIH bookshelf); Botox Cosmetic prescribing information, 2019"
    )


def test_several_years_of_one_source_are_all_named() -> None:
    note = "S-BXC-SCRIBD2019, S-BXC-FDALABEL, S-BXC-OLDLABEL"
    assert patient_citation(note, "X") == "Botox Cosmetic prescribing information, 2019 and 2024"


def test_each_name_appears_once() -> None:
    assert patient_citation("S-CDC-FINAL, S-CDC-PREV; CDC", "X") == (
        "US Centers for Disease Control and Prevention"
    )


def test_what_cannot_be_named_is_left_out() -> None:
    assert patient_citation("domain-facts §6 (convention); clinical/data/screening.toml", "X") == ""
    assert patient_citation("S-UNKNOWN-ID", "X") == ""
    assert patient_citation("domain-facts §6; S-ASAPS", "X") == "The Aesthetic Society"


def test_the_clinics_own_parts_are_named_for_the_clinic() -> None:
    note = "domain-facts §6 (S-ASAPS); clinic setting review day"
    assert patient_citation(note, "Test Clinic") == (
        "Test Clinic's own information; The Aesthetic Society"
    )
    assert patient_citation("Staff reply", "Test Clinic") == "Test Clinic's own information"


def test_a_plain_note_written_by_the_clinic_is_shown_as_written() -> None:
    assert patient_citation("Dr Lee's aftercare leaflet, 2024", "X") == (
        "Dr Lee's aftercare leaflet, 2024"
    )


@pytest.mark.django_db
def test_chat_and_api_show_names_while_staff_see_the_note(client: Client, clinic, approver) -> None:
    text = EntryText(
        topic="pain",
        title="Does it hurt?",
        answer="Most people feel a quick pinch.",
        phrasings=("is it painful", "do the needles hurt", "will it sting"),
        source=INTERNAL_NOTE,
    )
    entry = services.approve_entry(services.create_entry(clinic, text, by=approver), by=approver)
    api = client.post(
        "/api/v1/assistant/ask", {"question": "is it painful"}, content_type="application/json"
    ).json()
    assert api["citation"].startswith("Test Clinic's own information; American Academy")
    assert_plain(api["citation"])
    chat = client.post("/ask", {"question": "is it painful"}).content.decode()
    assert "Sources: Test Clinic&#x27;s own information; American Academy" in chat
    assert_plain(chat)
    client.force_login(approver)
    staff = client.get(f"/staff/assistant/entries/{entry.public_id}/").content.decode()
    assert "domain-facts §3 (S-AAD-OV, S-STATPEARLS)" in staff


def test_a_spanish_reply_names_its_sources_in_spanish() -> None:
    note = "Clinic FAQ; S-BXC-DM; S-CDC-FINAL"
    citation = patient_citation(note, "Clínica Sol", "es")
    assert citation.startswith("información propia de Clínica Sol; ficha técnica de Botox Cosmetic")
    assert "Centros para el Control y la Prevención de Enfermedades" in citation
    assert "own information" not in citation


def test_the_spanish_names_cover_every_name_a_citation_can_give() -> None:
    from glabella.assistant.citations import BY_KIND, NAMED_PREFIXES, NAMED_WORDS, SPANISH

    every = {*NAMED_PREFIXES.values(), *NAMED_WORDS.values(), *BY_KIND.values()}
    assert every <= set(SPANISH)
