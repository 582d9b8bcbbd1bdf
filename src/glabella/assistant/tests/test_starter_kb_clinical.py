"""The clinical read of the starter answers (issue 8 §5): what they must and must not say.

Clinical numbers and clinic policies reach an answer only through variables, so a clinic's
own settings show and nothing shipped pretends to be a clinic's policy.
"""

import re
import tomllib
from pathlib import Path

import pytest

from glabella.assistant.starter import starter_entries

DATA = Path(__file__).resolve().parents[1] / "data"
ENTRIES = starter_entries()
FIXED = tomllib.loads((DATA / "fixed_answers.toml").read_text())
ALL_ANSWERS = [(entry.title, entry.answer) for entry in ENTRIES] + [
    (f"fixed {kind}", text["answer"]) for kind, text in FIXED.items()
]
NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|twenty|thirty|ninety"
)
# A number typed next to a unit of time: "12 weeks", "2 to 7 days", "two-week", "three months".
TYPED_PERIOD = re.compile(
    rf"\b(?:\d+|{NUMBER_WORDS})(?:\s*(?:to|or|and|-|–)\s*(?:\d+|{NUMBER_WORDS}))?"
    r"[\s-]+(?:days?|weeks?|months?)\b",
    re.IGNORECASE,
)
URGENT_SIGNS = ("swallowing", "breathing", "speaking", "double or blurred vision", "weakness")
MEDICINES = (
    "acetaminophen",
    "paracetamol",
    "tylenol",
    "ibuprofen",
    "advil",
    "motrin",
    "nurofen",
    "aspirin",
    "naproxen",
    "aleve",
    "codeine",
    "excedrin",
)


def entry(title: str) -> str:
    return next(e.answer for e in ENTRIES if e.title == title)


def by_topic(topic: str) -> list[tuple[str, str]]:
    return [(e.title, e.answer) for e in ENTRIES if e.topic == topic]


@pytest.mark.parametrize(
    "text",
    ["within 2 to 7 days", "at least 12 weeks", "your two-week review", "every three months"],
)
def test_the_scan_catches_a_typed_period(text: str) -> None:
    assert TYPED_PERIOD.search(text)


@pytest.mark.parametrize(
    "text",
    ["within {onset_days_min} to {onset_days_max} days", "a week or two", "since 2024 for"],
)
def test_the_scan_lets_variables_and_plain_words_through(text: str) -> None:
    assert not TYPED_PERIOD.search(text)


def test_no_answer_types_a_number_of_days_weeks_or_months() -> None:
    typed = [(title, m.group(0)) for title, a in ALL_ANSWERS for m in TYPED_PERIOD.finditer(a)]
    assert typed == []


def test_no_answer_says_at_least_12_weeks() -> None:
    for title, answer in ALL_ANSWERS:
        assert "12 weeks" not in answer, title


@pytest.mark.parametrize(
    "title",
    [
        "How often should I have treatment?",
        "Does Daxxify last longer than Botox?",
        "How do I book an appointment?",
        "My results wore off early, or Botox has stopped working for me",
    ],
)
def test_interval_answers_give_the_label_interval_and_the_clinics_floor(title: str) -> None:
    answer = entry(title)
    assert "more often than every {label_interval_months} months" in answer
    assert "at least {minimum_interval_weeks} weeks" in answer


def test_how_it_works_says_the_effect_is_mainly_local_and_can_spread() -> None:
    answer = entry("How does Botox (a neuromodulator) work?")
    assert "stays local" not in answer
    assert "mainly local" in answer
    assert "spread" in answer
    assert "{emergency_number}" in answer
    assert all(sign in answer for sign in URGENT_SIGNS)


def test_botox_vs_dysport_says_dysport_is_approved_for_frown_lines_only() -> None:
    answer = entry("What's the difference between Botox and Dysport?")
    assert "Both treat the same areas" not in answer
    assert "Dysport is approved for frown lines only" in answer
    assert "off-label" in answer


def test_the_duration_answer_gives_daxxifys_longer_effect() -> None:
    answer = entry("How long do results last?")
    assert "Daxxify" in answer
    assert "{daxxify_duration_months} months" in answer
    assert not re.search(r"January|February|March|April|May|June|July|August", answer)


def test_the_drooping_eyelid_answer_says_call_today_and_when_it_is_an_emergency() -> None:
    answer = entry("My eyelid looks droopy after treatment. What should I do?")
    assert "not an emergency" not in answer and "isn't an emergency" not in answer
    assert "call us today" in answer.lower()
    assert "{emergency_number}" in answer
    assert "both eyelids" in answer
    assert "other than a clinic" in answer
    assert "any other urgent symptom" in answer


def test_the_headache_answer_names_no_medicine_and_treats_a_worst_ever_headache_as_urgent() -> None:
    answer = entry("I have a headache after treatment. Is that normal?")
    named = [medicine for medicine in MEDICINES if medicine in answer.lower()]
    assert named == []
    assert "if the headache is severe" not in answer
    emergency = answer.split("{emergency_number}", 1)[1]
    assert "suddenly" in emergency
    assert "worst you've ever had" in emergency


URGENT_ANSWERS = [
    ("fixed urgent", FIXED["urgent"]["answer"]),
    *by_topic("urgent_care"),
]


@pytest.mark.parametrize(("title", "answer"), URGENT_ANSWERS)
def test_urgent_answers_list_every_warning_sign_and_say_what_really_happens(
    title: str, answer: str
) -> None:
    lowered = answer.lower()
    for sign in ("bladder", "hives", "wheezing", "faint", "swelling", "drooping eyelid"):
        assert sign in lowered, (title, sign)
    assert "any sign of a severe allergic reaction" in lowered
    assert "with hives" not in lowered
    assert "alerted" not in lowered
    assert "when the clinic is open" in lowered
    assert "don't wait" in lowered
    assert "{emergency_number}" in answer


@pytest.mark.parametrize("topic", ["safety", "spread", "injection_bumps", "side_effects"])
def test_answers_where_a_patient_may_need_it_carry_the_urgent_caveat(topic: str) -> None:
    entries = by_topic(topic)
    assert entries
    for title, answer in entries:
        assert "{emergency_number}" in answer, title
        assert "swallowing" in answer, title


def test_the_jaw_and_neck_answer_carries_the_urgent_caveat() -> None:
    answer = entry("Can you treat the jaw, neck bands or do a brow lift?")
    assert "{emergency_number}" in answer
    assert all(sign in answer for sign in URGENT_SIGNS)


@pytest.mark.parametrize(
    ("title", "variables"),
    [
        ("Who does the injections, and how do I know the product is genuine?", ["{injectors}"]),
        ("How long does the appointment take?", ["{treatment_minutes}", "{same_visit_policy}"]),
        ("What happens at my first visit?", ["{consultation_minutes}", "{same_visit_policy}"]),
        ("How do I book an appointment?", ["{same_visit_policy}"]),
        ("What is the review after treatment, and can I get a touch-up?", ["{touch_up_policy}"]),
        ("How often should I have treatment?", ["{touch_up_policy}"]),
    ],
)
def test_clinic_policies_come_from_the_clinics_settings(title: str, variables: list[str]) -> None:
    answer = entry(title)
    for variable in variables:
        assert variable in answer, (title, variable)


@pytest.mark.parametrize(
    "policy_as_fact",
    [
        "we charge per unit",
        "30 minutes",
        "licensed medical professionals",
        "at the same visit if",
        "can often be done at the same visit",
        "part of finishing the same treatment",
        "whether there's a charge for any extra units",
    ],
)
def test_no_answer_ships_a_clinic_policy_as_fact(policy_as_fact: str) -> None:
    for title, answer in ALL_ANSWERS:
        assert policy_as_fact not in answer.lower(), title


def test_prices_end_a_sentence_so_an_unset_price_reads_as_a_prompt() -> None:
    # An unset price reads "ask us for the current price": it must not be multiplied,
    # bracketed or followed by "per unit".
    for title, answer in ALL_ANSWERS:
        for match in re.finditer(r"\{(?:price_[a-z]+_unit|consultation_fee)\}(.?)", answer):
            assert match.group(1) in {".", "\n", ""}, title
        assert "×" not in answer, title
