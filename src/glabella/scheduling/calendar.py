"""The clinic's calendar read from the database into the pure slot rules' values, and the
free-slot queries built on them.

``free_slots_for`` is the one entry point for anything that offers times (the booking form's
slot finder, the week view, online booking, proposals)::

    free_slots_for(clinic, injector, first_day=d, last_day=d + timedelta(days=6),
                   minutes=kind_minutes(clinic, "treatment"), now=timezone.now())

returns aware datetimes in the clinic's time zone. It reads no patient data (only times), so
it writes no audit event. Booking a returned slot can still be refused if someone takes it
first: the booking service decides under its locks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from glabella.accounts.models import Clinic
from glabella.accounts.types import StaffUser

from . import slots
from .models import Appointment, Closure, InjectorHours, OpeningHours, TimeOff

# A clinic that has entered no opening hours keeps the hours the system used before it had
# a calendar: Monday to Friday, 09:00-17:00.
DEFAULT_OPENING: dict[int, tuple[tuple[time, time], ...]] = {
    weekday: ((time(9, 0), time(17, 0)),) for weekday in range(5)
}


def rules_for(clinic: Clinic, *, first_day: date, last_day: date) -> slots.Rules:
    """The clinic's rules, with the closures touching ``first_day``..``last_day``."""
    closures = Closure.objects.filter(
        clinic=clinic, starts_on__lte=last_day, ends_on__gte=first_day
    ).order_by("starts_on", "id")
    return slots.Rules(
        zone=clinic.zone,
        opening=opening_hours(clinic),
        closures=tuple(slots.Closed(c.starts_on, c.ends_on, c.reason) for c in closures),
        buffer_minutes=clinic.buffer_minutes,
    )


def opening_hours(clinic: Clinic) -> dict[int, tuple[tuple[time, time], ...]]:
    rows = OpeningHours.objects.filter(clinic=clinic)
    return _week(rows) if rows.exists() else dict(DEFAULT_OPENING)


def injector_hours(
    clinic: Clinic, injector: StaffUser
) -> dict[int, tuple[tuple[time, time], ...]] | None:
    """The injector's week, or None when none is entered (they work the clinic's hours)."""
    rows = InjectorHours.objects.filter(clinic=clinic, injector=injector)
    return _week(rows) if rows.exists() else None


def _week(rows: Iterable[Any]) -> dict[int, tuple[tuple[time, time], ...]]:
    week: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for row in rows:
        week[row.weekday].append((row.opens, row.closes))
    return {weekday: tuple(spans) for weekday, spans in sorted(week.items())}


def diary_for(
    clinic: Clinic,
    injector: StaffUser,
    start: datetime,
    end: datetime,
    *,
    besides: Appointment | None = None,
) -> slots.Diary:
    """The injector's hours, time off and live appointments overlapping ``start``..``end``
    (appointments of every clinic: a person is in one place at a time)."""
    busy = Appointment.objects.filter(injector=injector).live().between(start, end)
    if besides is not None and besides.pk is not None:
        busy = busy.exclude(pk=besides.pk)
    away = TimeOff.objects.filter(injector=injector, starts_at__lt=end, ends_at__gt=start)
    return slots.Diary(
        hours=injector_hours(clinic, injector),
        time_off=tuple(away.values_list("starts_at", "ends_at")),
        busy=tuple(busy.values_list("starts_at", "ends_at")),
    )


def day_bounds(clinic: Clinic, first_day: date, last_day: date) -> tuple[datetime, datetime]:
    """The instants from ``first_day``'s start to ``last_day``'s end in the clinic's zone,
    widened by a day each side (buffers and visits across midnight)."""
    zone = clinic.zone
    start = datetime.combine(first_day - timedelta(days=1), time.min, tzinfo=zone)
    end = datetime.combine(last_day + timedelta(days=2), time.min, tzinfo=zone)
    return start, end


def free_slots_for(
    clinic: Clinic,
    injector: StaffUser,
    *,
    first_day: date,
    last_day: date,
    minutes: int,
    now: datetime,
    besides: Appointment | None = None,
) -> list[datetime]:
    """The injector's free starts for an appointment of ``minutes`` at ``clinic`` from
    ``first_day`` to ``last_day`` (the clinic's local dates), from ``now`` on."""
    rules = rules_for(clinic, first_day=first_day, last_day=last_day)
    start, end = day_bounds(clinic, first_day, last_day)
    diary = diary_for(clinic, injector, start, end, besides=besides)
    return slots.free_slots(
        rules, diary, first_day=first_day, last_day=last_day, minutes=minutes, now=now
    )


def free_slots_by_injector(
    clinic: Clinic,
    injectors: list[StaffUser],
    *,
    first_day: date,
    last_day: date,
    minutes: int,
    now: datetime,
) -> dict[Any, list[datetime]]:
    """``free_slots_for`` for several injectors at once (the clinic's rules read once, every
    injector's hours, time off and appointments in one query each): {injector: slots}."""
    rules = rules_for(clinic, first_day=first_day, last_day=last_day)
    start, end = day_bounds(clinic, first_day, last_day)
    ids = [user.pk for user in injectors]
    hours: dict[int, list[Any]] = defaultdict(list)
    for row in InjectorHours.objects.filter(clinic=clinic, injector_id__in=ids):
        hours[row.injector_id].append(row)
    away: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for row in TimeOff.objects.filter(injector_id__in=ids, starts_at__lt=end, ends_at__gt=start):
        away[row.injector_id].append((row.starts_at, row.ends_at))
    busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    taken = Appointment.objects.filter(injector_id__in=ids).live().between(start, end)
    for injector_id, begins, ends in taken.values_list("injector_id", "starts_at", "ends_at"):
        busy[injector_id].append((begins, ends))
    found = {}
    for user in injectors:
        diary = slots.Diary(
            hours=_week(hours[user.pk]) if hours[user.pk] else None,
            time_off=tuple(away[user.pk]),
            busy=tuple(busy[user.pk]),
        )
        found[user] = slots.free_slots(
            rules, diary, first_day=first_day, last_day=last_day, minutes=minutes, now=now
        )
    return found


def calendar_refusal(clinic: Clinic, injector: StaffUser, starts_at: datetime, minutes: int) -> str:
    """Why the clinic's calendar does not allow this appointment (closed, outside opening or
    working hours, time off), or ""."""
    day = starts_at.astimezone(clinic.zone).date()
    rules = rules_for(clinic, first_day=day, last_day=day)
    start, end = day_bounds(clinic, day, day)
    diary = diary_for(clinic, injector, start, end)
    return slots.refusal(rules, diary, starts_at, minutes)
