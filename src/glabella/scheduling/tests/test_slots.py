"""Where the system proposes an appointment (pure rules, no database)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from glabella.scheduling.slots import nearest_free_start, next_weekday, proposed_start

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


def _at(hour: int, minute: int = 0, day: date = FRIDAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


def _busy(start: datetime, minutes: int) -> tuple[datetime, datetime]:
    return start, start + timedelta(minutes=minutes)


def test_a_free_preferred_start_is_kept() -> None:
    assert nearest_free_start(_at(10), 15, [_busy(_at(11), 30)]) == _at(10)


def test_a_taken_start_moves_to_the_nearest_free_quarter_hour() -> None:
    # 10:00-10:30 is taken: 09:45 (ending as it starts) is 15 minutes away, 10:30 is 30.
    assert nearest_free_start(_at(10), 15, [_busy(_at(10), 30)]) == _at(9, 45)


def test_of_two_equally_near_starts_the_later_is_taken() -> None:
    assert nearest_free_start(_at(10), 15, [_busy(_at(10), 15)]) == _at(10, 15)


def test_a_start_whose_length_would_run_into_the_next_appointment_is_skipped() -> None:
    # 30 minutes from 09:45 would run into 10:00; 09:30 and 10:30 are equally near.
    busy = [_busy(_at(10), 30)]
    assert nearest_free_start(_at(10), 30, busy) == _at(10, 30)


def test_a_visit_running_past_midnight_blocks_the_next_morning() -> None:
    night_before = datetime.combine(FRIDAY - timedelta(days=1), time(23, 0), tzinfo=ZONE)
    busy = [_busy(night_before, 240)]  # until 03:00, before the working day
    assert nearest_free_start(_at(9), 15, busy) == _at(9)
    busy = [_busy(night_before, 240), _busy(_at(8, 30), 60)]  # until 09:30
    assert nearest_free_start(_at(9), 15, busy) == _at(9, 30)


def test_the_start_stays_within_the_working_day() -> None:
    busy = [_busy(_at(16, 30), 60)]  # until 17:30, past the last start
    assert nearest_free_start(_at(17), 15, busy) == _at(16, 15)


def test_a_full_day_has_no_free_start() -> None:
    busy = [_busy(_at(9), 240), _busy(_at(13), 240), _busy(_at(17), 15)]
    assert nearest_free_start(_at(12), 15, busy) is None


def test_busy_ranges_in_another_time_zone_are_compared_as_instants() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    busy = [_busy(_at(10).astimezone(tokyo), 30)]
    assert nearest_free_start(_at(10), 15, busy) == _at(9, 45)
