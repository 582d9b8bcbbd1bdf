"""The preferred start of a proposal (pure rules, no database); the free slots themselves are
tested in test_free_slots.py and test_slot_properties.py."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from glabella.scheduling.slots import next_weekday, proposed_start

ZONE = ZoneInfo("Europe/London")
FRIDAY = date(2026, 11, 27)
SATURDAY = date(2026, 11, 28)
SUNDAY = date(2026, 11, 29)
MONDAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("day", "expected"),
    [(FRIDAY, FRIDAY), (SATURDAY, MONDAY), (SUNDAY, MONDAY), (MONDAY, MONDAY)],
    ids=["friday stays", "saturday moves", "sunday moves", "monday stays"],
)
def test_a_weekend_day_moves_to_the_monday_after(day: date, expected: date) -> None:
    assert next_weekday(day) == expected


@pytest.mark.parametrize(
    ("preferred", "expected"),
    [
        (time(10, 0), time(10, 0)),
        (time(10, 1), time(10, 15)),
        (time(10, 7), time(10, 15)),
        (time(10, 15), time(10, 15)),
        (time(10, 15, 1), time(10, 30)),
        (time(10, 46), time(11, 0)),
        (time(12, 59, 59), time(13, 0)),
    ],
)
def test_the_start_is_rounded_up_to_the_quarter_hour(preferred: time, expected: time) -> None:
    start = proposed_start(FRIDAY, preferred, ZONE)

    assert start == datetime.combine(FRIDAY, expected, tzinfo=ZONE)


@pytest.mark.parametrize(
    ("preferred", "expected"),
    [
        (time(0, 0), time(9, 0)),
        (time(7, 30), time(9, 0)),
        (time(8, 50), time(9, 0)),
        (time(16, 50), time(17, 0)),
        (time(17, 1), time(17, 0)),
        (time(19, 45), time(17, 0)),
        (time(23, 59, 59), time(17, 0)),
    ],
)
def test_the_start_is_kept_within_the_working_day(preferred: time, expected: time) -> None:
    start = proposed_start(FRIDAY, preferred, ZONE)

    assert start == datetime.combine(FRIDAY, expected, tzinfo=ZONE)


def test_a_weekend_proposal_keeps_its_time_on_the_monday() -> None:
    start = proposed_start(SUNDAY, time(14, 10), ZONE)

    assert start == datetime(2026, 11, 30, 14, 15, tzinfo=ZONE)
    assert start.tzinfo is ZONE


def test_an_early_saturday_proposal_opens_monday_morning() -> None:
    assert proposed_start(SATURDAY, time(6, 0), ZONE) == datetime(2026, 11, 30, 9, 0, tzinfo=ZONE)
