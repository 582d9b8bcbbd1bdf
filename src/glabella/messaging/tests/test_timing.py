"""Quiet hours and the backoff, as pure rules (no database)."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..timing import LONGEST_RETRY, after_quiet_hours, in_quiet_hours, retry_delay

MADRID = ZoneInfo("Europe/Madrid")
EVENING, MORNING = time(20, 0), time(8, 0)


def at(hour: int, minute: int = 0, day: int = 14) -> datetime:
    return datetime(2026, 4, day, hour, minute, tzinfo=MADRID)


def test_quiet_hours_cross_midnight_in_clinic_time():
    assert in_quiet_hours(at(22), EVENING, MORNING, MADRID)
    assert in_quiet_hours(at(3), EVENING, MORNING, MADRID)
    assert not in_quiet_hours(at(8), EVENING, MORNING, MADRID)
    assert not in_quiet_hours(at(19, 59), EVENING, MORNING, MADRID)
    # 19:30 UTC is 21:30 in Madrid (summer time): quiet there.
    assert in_quiet_hours(datetime(2026, 4, 14, 19, 30, tzinfo=UTC), EVENING, MORNING, MADRID)


def test_a_message_due_in_quiet_hours_waits_until_they_end():
    assert after_quiet_hours(at(22), EVENING, MORNING, MADRID) == at(8, day=15)
    assert after_quiet_hours(at(3), EVENING, MORNING, MADRID) == at(8)
    assert after_quiet_hours(at(12), EVENING, MORNING, MADRID) == at(12)


def test_daytime_quiet_hours_and_none():
    assert after_quiet_hours(at(13), time(12), time(14), MADRID) == at(14)
    assert not in_quiet_hours(at(3), time(0), time(0), MADRID)


def test_retries_wait_twice_as_long_each_time_up_to_six_hours():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert retry_delay(30) == LONGEST_RETRY == timedelta(hours=6)
