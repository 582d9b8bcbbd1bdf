"""Pure rules for when a message may go: quiet hours and the wait after a failure."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
MAX_ATTEMPTS = 8


def in_quiet_hours(moment: datetime, start: time, end: time, zone: ZoneInfo) -> bool:
    """Whether ``moment`` falls in the quiet hours ``start``..``end`` (clinic-local; the span
    may cross midnight, e.g. 20:00–08:00). Equal start and end mean no quiet hours."""
    if start == end:
        return False
    local = moment.astimezone(zone).time()
    if start < end:
        return start <= local < end
    return local >= start or local < end


def after_quiet_hours(moment: datetime, start: time, end: time, zone: ZoneInfo) -> datetime:
    """``moment`` itself outside quiet hours, else the first instant they end."""
    if not in_quiet_hours(moment, start, end, zone):
        return moment
    local = moment.astimezone(zone)
    day = local.date()
    if start > end and local.time() >= start:
        day += timedelta(days=1)  # evening: quiet until tomorrow morning
    return datetime.combine(day, end, tzinfo=zone)


def retry_delay(attempts: int) -> timedelta:
    """The wait before attempt ``attempts + 1``: 1, 2, 4, 8… minutes, at most 6 hours."""
    delay = FIRST_RETRY * (2 ** max(attempts - 1, 0))
    return min(delay, LONGEST_RETRY)


def local_moment(day: object, hour: int, zone: ZoneInfo) -> datetime:
    """``hour`` o'clock clinic-local on ``day`` (a date)."""
    return datetime.combine(day, time(hour), tzinfo=zone)  # type: ignore[arg-type]
