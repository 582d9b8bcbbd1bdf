"""The week view's time grid: for one injector (a column per day, each cell an appointment,
a free slot to tap, or closed) or for the whole clinic (each cell the appointments starting
then and how many injectors are free). Built from ``free_slots_for`` so the grid offers
exactly what booking accepts; reading it is audited (patients' names are shown)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from glabella.accounts.models import Clinic
from glabella.accounts.types import StaffUser
from glabella.audit.services import record_read

from .calendar import free_slots_by_injector, injector_hours, opening_hours, rules_for
from .models import Appointment, kind_minutes
from .slots import MIDNIGHT, closure_on

ROW_MINUTES = 15
DEFAULT_DAY = (time(9, 0), time(17, 0))


@dataclass
class Cell:
    at: datetime  # the cell's start on the clinic's clocks
    closed: bool = True
    starting: list[Appointment] = field(default_factory=list)  # appointments that start here
    during: Appointment | None = None  # (one injector) the appointment under way
    free: list[Any] = field(default_factory=list)  # injectors free to start then


@dataclass(frozen=True)
class Row:
    at: time
    cells: list[Cell]


@dataclass(frozen=True)
class Week:
    monday: date
    days: list[date]
    closures: dict[date, str]
    rows: list[Row]
    kind: str
    minutes: int


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_grid(
    clinic: Clinic,
    day: date,
    injectors: list[StaffUser],
    *,
    kind: str,
    now: datetime,
    by: StaffUser,
    one_injector: bool,
) -> Week:
    """The week holding ``day``, for ``injectors`` (one, or every injector of the clinic),
    with the free starts for an appointment of ``kind``; an audited view."""
    monday = monday_of(day)
    days = [monday + timedelta(days=n) for n in range(7)]
    minutes = kind_minutes(clinic, kind)
    zone = clinic.zone
    rules = rules_for(clinic, first_day=monday, last_day=days[-1])
    found = free_slots_by_injector(
        clinic, injectors, first_day=monday, last_day=days[-1], minutes=minutes, now=now
    )
    # As UTC instants: one zone's datetimes compare by the clock, ignoring fold.
    free = {user: {s.astimezone(UTC) for s in starts} for user, starts in found.items()}
    appointments = _appointments(clinic, days, injectors, one_injector)
    first, last = _day_bounds(clinic, injectors if one_injector else [])
    # One injector's grid also greys the hours they do not work.
    own = injector_hours(clinic, injectors[0]) if one_injector and injectors else None
    rows = []
    for at in _times(first, last):
        cells = []
        for shown in days:
            moment = _on_clocks(shown, at, zone)
            cell = Cell(at=moment, closed=_is_closed(rules, own, shown, moment))
            cell.free = [u for u in injectors if moment.astimezone(UTC) in free[u]]
            cell.starting = [a for a in appointments if _starts_in(a, moment)]
            if one_injector:
                cell.during = next((a for a in appointments if _covers(a, moment)), None)
            cells.append(cell)
        rows.append(Row(at, cells))
    closures = {d: c.reason for d in days if (c := closure_on(rules, d)) is not None}
    _audit(clinic, monday, appointments, injectors if one_injector else [], by)
    return Week(monday, days, closures, rows, kind, minutes)


def _appointments(
    clinic: Clinic, days: list[date], injectors: list[StaffUser], one_injector: bool
) -> list[Appointment]:
    zone = clinic.zone
    start = datetime.combine(days[0], time.min, tzinfo=zone)
    end = datetime.combine(days[-1] + timedelta(days=1), time.min, tzinfo=zone)
    rows = Appointment.objects.live().between(start, end).select_related("patient", "injector")
    rows = rows.filter(injector__in=injectors) if one_injector else rows.for_clinic(clinic)
    return list(rows.order_by("starts_at", "id"))


def _day_bounds(clinic: Clinic, injectors: list[StaffUser]) -> tuple[time, time]:
    """The earliest opening and latest closing of the week (clinic's and injector's)."""
    spans = [s for day in opening_hours(clinic).values() for s in day]
    for user in injectors:
        own = injector_hours(clinic, user) or {}
        spans += [s for day in own.values() for s in day]
    if not spans:
        return DEFAULT_DAY
    closing = [b for _, b in spans]
    return min(a for a, _ in spans), MIDNIGHT if MIDNIGHT in closing else max(closing)


def _times(first: time, last: time) -> list[time]:
    start = first.hour * 60 + first.minute
    start -= start % ROW_MINUTES
    end = last.hour * 60 + last.minute or 24 * 60  # closing at 00:00 is at midnight
    return [time(m // 60, m % 60) for m in range(start, end, ROW_MINUTES)]


def _on_clocks(day: date, at: time, zone: Any) -> datetime:
    # Through UTC: a wall time skipped by a clock change reads as the time after it.
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC).astimezone(zone)


def _is_closed(rules: Any, own: Any, day: date, moment: datetime) -> bool:
    if closure_on(rules, day) is not None:
        return True
    local = moment.timetz().replace(tzinfo=None)
    weeks = [rules.opening] if own is None else [rules.opening, own]
    return not all(_open_at(week.get(day.weekday(), ()), local) for week in weeks)


def _open_at(spans: Any, local: time) -> bool:
    return any(a <= local and (local < b or b == MIDNIGHT) for a, b in spans)


def _starts_in(appointment: Appointment, moment: datetime) -> bool:
    return moment <= appointment.starts_at < moment + timedelta(minutes=ROW_MINUTES)


def _covers(appointment: Appointment, moment: datetime) -> bool:
    return appointment.starts_at < moment + timedelta(minutes=ROW_MINUTES) and (
        moment < appointment.ends_at
    )


def _audit(
    clinic: Clinic,
    monday: date,
    appointments: list[Appointment],
    injectors: list[StaffUser],
    by: StaffUser,
) -> None:
    record_read(
        clinic,
        "scheduling.week",
        by=by,
        week=monday.isoformat(),
        count=len(appointments),
        injector=injectors[0].get_username() if injectors else "",
    )
