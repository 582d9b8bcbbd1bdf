"""Pure rules for placing an appointment the system proposes (no database)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

FIRST_START = time(9, 0)
LAST_START = time(17, 0)
SATURDAY = 5


def next_weekday(day: date) -> date:
    """``day`` itself on a weekday, else the Monday after."""
    while day.weekday() >= SATURDAY:
        day += timedelta(days=1)
    return day


def proposed_start(day: date, preferred: time, zone: tzinfo) -> datetime:
    """A start on ``day`` (moved off a weekend) near the ``preferred`` time of day: rounded
    up to the quarter hour and kept within the working day, so staff only confirm it."""
    minutes = preferred.hour * 60 + preferred.minute + (preferred.second > 0)
    minutes = -(-minutes // 15) * 15
    earliest = FIRST_START.hour * 60 + FIRST_START.minute
    latest = LAST_START.hour * 60 + LAST_START.minute
    minutes = min(max(minutes, earliest), latest)
    start = time(minutes // 60, minutes % 60)
    return datetime.combine(next_weekday(day), start, tzinfo=zone)
