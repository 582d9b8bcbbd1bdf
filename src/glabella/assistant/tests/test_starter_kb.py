"""The shipped starter knowledge base covers every topic and agrees with the clinical core."""

import re
from pathlib import Path

import pytest

from glabella.accounts.models import Clinic
from glabella.assistant.rendering import fill_variables, placeholders_in
from glabella.assistant.starter import starter_entries
from glabella.clinical import ClinicalCore

TOPICS_FILE = Path(__file__).resolve().parents[5] / "shared" / "qa" / "topics.yaml"
CORE = ClinicalCore()
ENTRIES = starter_entries()
ANSWERS = [entry.answer for entry in ENTRIES]
KNOWN_VARIABLES = set(Clinic(name="Any", phone="0").answer_variables())
# The answers as a clinic with the shipped default settings shows them.
DEFAULT_VALUES = Clinic(name="Any", phone="0").answer_variables()
RENDERED = [fill_variables(answer, DEFAULT_VALUES) for answer in ANSWERS]


def stated(pattern: str, answers: list[str] = RENDERED) -> list[tuple[str, ...]]:
    return [m.groups() for answer in answers for m in re.finditer(pattern, answer)]


def test_every_topic_has_an_entry() -> None:
    if not TOPICS_FILE.exists():
        pytest.skip(f"{TOPICS_FILE} is not beside this checkout")
    text = TOPICS_FILE.read_text()
    block = text.split("\ntopics:", 1)[1].split("\nspecial:", 1)[0]
    topics = set(re.findall(r"^  ([a-z_]+):", block, flags=re.MULTILINE))
    assert topics
    assert topics <= {entry.topic for entry in ENTRIES}


def test_there_is_an_urgent_care_entry() -> None:
    assert any(entry.topic == "urgent_care" for entry in ENTRIES)


def test_onset_shown_is_the_cores_onset() -> None:
    onset = CORE.catalogue.effect.onset
    assert stated(r"\{onset_days_min\} to \{onset_days_max\} days", ANSWERS)
    found = stated(r"(\d+) to (\d+) days")
    assert set(found) == {(str(onset.low_days), str(onset.high_days))}


def test_duration_shown_is_the_cores_duration() -> None:
    duration = CORE.catalogue.effect.duration
    assert stated(r"\{duration_months_min\} to \{duration_months_max\}", ANSWERS)
    found = stated(r"(\d+) to (\d+) months")
    assert set(found) == {(str(duration.low_months), str(duration.high_months))}


def test_peak_and_review_shown_are_the_cores_peak_and_the_clinics_review_day() -> None:
    assert {days for (days,) in stated(r"about (\d+) days to develop")} == {
        str(CORE.catalogue.effect.peak.weeks * 7)
    }
    assert {days for (days,) in stated(r"(\d+) days after treatment")} == {
        str(CORE.clinic.review_after_days)
    }


def test_minimum_interval_shown_is_the_clinics_minimum() -> None:
    found = {weeks for (weeks,) in stated(r"at least (\d+) weeks")}
    assert found == {str(CORE.clinic.minimum_interval_weeks)}


def test_a_clinics_own_review_day_shows_in_the_answers() -> None:
    clinic = Clinic(name="Own", phone="0", clinical_settings={"review_after_days": 21})
    values = clinic.answer_variables()
    rendered = [fill_variables(answer, values) for answer in ANSWERS]
    assert {days for (days,) in stated(r"(\d+) days after treatment", rendered)} == {"21"}


def test_botox_concentration_stated_is_the_label_concentration() -> None:
    found = {units for (units,) in stated(r"(\d+) units per 0\.1 mL")}
    assert found == {f"{CORE.dilution('botox').units_per_0_1_ml:g}"}


def test_answers_use_only_known_clinic_variables() -> None:
    for entry in ENTRIES:
        assert placeholders_in(entry.answer) <= KNOWN_VARIABLES, entry.title


def test_every_entry_has_phrasings_and_a_source() -> None:
    for entry in ENTRIES:
        assert len(entry.phrasings) >= 5, entry.title
        assert entry.source, entry.title


def test_no_dose_conversion_between_brands_is_stated() -> None:
    for answer in ANSWERS:
        assert not re.search(r"\d+\s*units? of dysport (?:equals|=|is the same as)", answer, re.I)
