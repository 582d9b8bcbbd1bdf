"""Free appointment slots: pure rules, no database and no Django (tested with hypothesis).

Online booking, the booking form's slot finder, the week view and the system's proposals all
ask ``free_slots``; the booking service asks ``refusal`` why a chosen start is not allowed.

Inputs are plain values: the clinic's ``Rules`` (time zone, opening hours per weekday in
local wall time, closed dates, buffer, step) and one injector's ``Diary`` (working hours,
time off, busy ranges = live appointments). Every datetime given must be aware; every
datetime returned is aware, in the clinic's zone.

Time zones and daylight saving: hours are wall-clock times in the clinic's zone, turned into
instants day by day, and all arithmetic is done on UTC instants (adding a timedelta to a
zone-aware datetime in Python moves the wall clock, which is wrong across a change). So on
the day clocks go forward a 09:00-17:00 day is still 09:00-17:00 by the clock (8 hours), and
a night-time opening that falls in the skipped hour is read with the offset before the
change (02:30 in New York on the spring day is 03:30 EDT). An ambiguous wall time (the hour
repeated in the autumn) is its first occurrence.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

Span = tuple[datetime, datetime]  # aware, half open: [start, end)
# weekday (0 Monday) → local (opens, closes) spans; closing at 00:00 means at midnight, so a
# day closing at 00:00 and the next opening at 00:00 make one span across midnight.
WeekHours = Mapping[int, Sequence[tuple[time, time]]]
MIDNIGHT = time(0, 0)


@dataclass(frozen=True)
class Closed:
    """Closed from ``first`` to ``last`` (local dates, both included)."""

    first: date
    last: date
    reason: str = ""


@dataclass(frozen=True)
class Rules:
    """A clinic's calendar."""

    zone: tzinfo
    opening: WeekHours
    closures: Sequence[Closed] = ()
    buffer_minutes: int = 0  # kept free before and after every busy range
    step_minutes: int = 15  # slots start every step from the opening time


@dataclass(frozen=True)
class Diary:
    """One injector: working hours (None: whenever the clinic is open), time off, and busy
    ranges (their live appointments; the buffer is added around these, not time off)."""

    hours: WeekHours | None = None
    time_off: Sequence[Span] = ()
    busy: Sequence[Span] = field(default_factory=tuple)


def free_slots(
    rules: Rules, diary: Diary, *, first_day: date, last_day: date, minutes: int, now: datetime
) -> list[datetime]:
    """Every start from ``first_day`` to ``last_day`` (local dates, both included) where an
    appointment of ``minutes`` fits: within the clinic's and the injector's hours, on no
    closed date, not before ``now``, overlapping neither time off nor a busy range widened by
    the buffer. Sorted, no repeats; the same inputs always give the same slots."""
    length = timedelta(minutes=minutes)
    step = timedelta(minutes=rules.step_minutes)
    if length <= timedelta(0) or step <= timedelta(0):
        raise ValueError("minutes and the step must be positive")
    blocked = _Blocked(_blocked_spans(rules, diary))
    earliest = _utc(now)
    slots: list[datetime] = []
    for opens, closes in working_spans(rules, diary, first_day, last_day):
        start = opens
        if start < earliest:  # skip ahead whole steps, keeping the grid
            start += step * -(-(earliest - start) // step)
        while start + length <= closes:
            local = start.astimezone(rules.zone)
            if first_day <= local.date() <= last_day and not blocked.overlaps(
                start, start + length
            ):
                slots.append(local)
            start += step
    return slots


def working_spans(rules: Rules, diary: Diary, first_day: date, last_day: date) -> list[Span]:
    """The UTC spans worked from ``first_day`` to ``last_day`` (local dates; with the days
    either side, so a span across midnight is whole): the clinic's opening hours on days
    not closed, intersected with the injector's hours; merged and sorted."""
    return _worked(rules, diary.hours, first_day, last_day)


def _worked(rules: Rules, hours: WeekHours | None, first_day: date, last_day: date) -> list[Span]:
    clinic: list[Span] = []
    own: list[Span] = []
    for day in _days(first_day - timedelta(days=1), last_day + timedelta(days=1)):
        if closure_on(rules, day) is not None:
            continue
        clinic += _spans_on(rules.opening, day, rules.zone)
        own += _spans_on(hours, day, rules.zone) if hours is not None else []
    return _merged(clinic) if hours is None else _intersect(_merged(clinic), _merged(own))


def closure_on(rules: Rules, day: date) -> Closed | None:
    return next((c for c in rules.closures if c.first <= day <= c.last), None)


def refusal(rules: Rules, diary: Diary, start: datetime, minutes: int) -> str:
    """Why an appointment of ``minutes`` from ``start`` breaks the calendar's rules, or "":
    a closed date, outside opening hours, outside the injector's hours, or their time off.
    (Clashes with other appointments are the booking service's check, under its locks.)"""
    local = start.astimezone(rules.zone)
    begin, end = _utc(start), _utc(start) + timedelta(minutes=minutes)
    closed = closure_on(rules, local.date())
    if closed is not None:
        because = f" ({closed.reason})" if closed.reason else ""
        return f"The clinic is closed on {local:%A %d %B %Y}{because}."
    day = local.date()
    if not _within(_worked(rules, None, day, day), begin, end):
        return f"That is outside the clinic's opening hours on {local:%A}s{_hours(rules, local)}."
    if not _within(working_spans(rules, diary, day, day), begin, end):
        return "That is outside the injector's working hours."
    if any(_utc(a) < end and begin < _utc(b) for a, b in diary.time_off):
        return "The injector is away then (time off)."
    return ""


def nearest_free_start(preferred: datetime, slots: Iterable[datetime]) -> datetime | None:
    """The slot nearest ``preferred``; the later of two equally near; None without slots."""
    wanted = _utc(preferred)  # as instants: one zone's datetimes subtract by the clock
    return min(slots, key=lambda s: (abs(_utc(s) - wanted), _utc(s) < wanted), default=None)


def _hours(rules: Rules, local: datetime) -> str:
    spans = rules.opening.get(local.weekday(), ())
    if not spans:
        return " (closed that day)"
    return " (" + ", ".join(f"{a:%H:%M}–{clock(b)}" for a, b in spans) + ")"


def clock(closes: time) -> str:
    """A closing time as people write it: midnight is 24:00."""
    return "24:00" if closes == MIDNIGHT else f"{closes:%H:%M}"


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetimes given to the slot rules must be aware")
    return moment.astimezone(UTC)


def _days(first: date, last: date) -> Iterable[date]:
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


def _spans_on(hours: WeekHours, day: date, zone: tzinfo) -> list[Span]:
    spans = []
    for opens, closes in hours.get(day.weekday(), ()):
        start = _utc(datetime.combine(day, opens, tzinfo=zone))
        end_day = day + timedelta(days=1) if closes == MIDNIGHT else day
        end = _utc(datetime.combine(end_day, closes, tzinfo=zone))
        if start < end:  # an empty or reversed span (also one eaten by a DST change) is closed
            spans.append((start, end))
    return _merged(spans)


def _intersect(first: list[Span], second: list[Span]) -> list[Span]:
    both = [(max(a, c), min(b, d)) for a, b in first for c, d in second]
    return _merged([(a, b) for a, b in both if a < b])


def _within(spans: list[Span], begin: datetime, end: datetime) -> bool:
    return any(a <= begin and end <= b for a, b in spans)


def _merged(spans: Iterable[Span]) -> list[Span]:
    """Sorted, overlapping or touching spans joined."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _blocked_spans(rules: Rules, diary: Diary) -> list[Span]:
    pad = timedelta(minutes=rules.buffer_minutes)
    busy = [(_utc(a) - pad, _utc(b) + pad) for a, b in diary.busy]
    return _merged([*busy, *((_utc(a), _utc(b)) for a, b in diary.time_off)])


class _Blocked:
    """Merged blocked spans, searched by bisection (ends are sorted once spans are merged)."""

    def __init__(self, spans: list[Span]) -> None:
        self.starts = [a for a, _ in spans]
        self.ends = [b for _, b in spans]

    def overlaps(self, begin: datetime, end: datetime) -> bool:
        index = bisect_right(self.ends, begin)  # the first span ending after ``begin``
        return index < len(self.starts) and self.starts[index] < end


# --- the preferred start of a proposal (kept for the callers that compute one) ------------

FIRST_START = time(9, 0)
LAST_START = time(17, 0)
SATURDAY = 5


def next_weekday(day: date) -> date:
    """``day`` itself on a weekday, else the Monday after."""
    while day.weekday() >= SATURDAY:
        day += timedelta(days=1)
    return day


def proposed_start(day: date, preferred: time, zone: tzinfo) -> datetime:
    """A preferred start on ``day`` (moved off a weekend) near the ``preferred`` time of day,
    rounded up to the quarter hour within 09:00-17:00. Only a preference: the proposal
    service then takes the injector's nearest free slot by the clinic's calendar."""
    minutes = preferred.hour * 60 + preferred.minute + (preferred.second > 0)
    minutes = -(-minutes // 15) * 15
    earliest = FIRST_START.hour * 60 + FIRST_START.minute
    latest = LAST_START.hour * 60 + LAST_START.minute
    minutes = min(max(minutes, earliest), latest)
    start = time(minutes // 60, minutes % 60)
    return datetime.combine(next_weekday(day), start, tzinfo=zone)
