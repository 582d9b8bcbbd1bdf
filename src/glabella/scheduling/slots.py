"""Pure rules for placing an appointment the system proposes (no database)."""

from __future__ import annotations

from collections.abc import Iterable
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


STEP = timedelta(minutes=15)


def nearest_free_start(
    preferred: datetime, minutes: int, busy: Iterable[tuple[datetime, datetime]]
) -> datetime | None:
    """The quarter-hour start on ``preferred``'s day (in its time zone), within the working
    day, nearest ``preferred`` whose ``minutes`` overlap none of the ``busy`` (start, end)
    ranges; the later of two equally near starts; None when the day has no such start."""
    zone = preferred.tzinfo
    day = preferred.date()
    first = datetime.combine(day, FIRST_START, tzinfo=zone)
    last = datetime.combine(day, LAST_START, tzinfo=zone)
    length = timedelta(minutes=minutes)
    taken = list(busy)
    starts = [first + STEP * n for n in range(int((last - first) / STEP) + 1)]
    free = [s for s in starts if not any(b < s + length and s < e for b, e in taken)]
    if not free:
        return None
    return min(free, key=lambda s: (abs(s - preferred), s < preferred))
