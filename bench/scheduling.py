"""Free slots for a month for 10 injectors: the shipped slot function (bisection over merged
busy ranges) against a trivial baseline in the same run (every candidate start checked with
the calendar's refusal and against every busy range), on the same synthetic calendar, after
checking that both give the same slots. Then the same month through the database (the
query the slot finder, the week view and online booking make) on a throwaway SQLite file.

Synthetic: a clinic open Monday to Saturday 09:00-18:00 with a closed day, a 5-minute
buffer, 30-minute treatments on a 15-minute grid; each injector works their own week, has a
half day off, and is about two-thirds booked with 15 to 60-minute visits.
"""

import os
import random
import tempfile
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import django

DATABASE = Path(tempfile.mkdtemp()) / "bench-scheduling.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "glabella.config.settings_test")
django.setup()

from django.core.management import call_command  # noqa: E402

from bench.timing import measure, print_table  # noqa: E402
from glabella.scheduling.slots import Closed, Diary, Rules, free_slots, refusal  # noqa: E402

ZONE = ZoneInfo("Europe/London")
FIRST = date(2027, 3, 1)  # a Monday; the month holds the spring clock change
DAYS = 31
INJECTORS = 10
MINUTES = 30
NOW = datetime(2027, 2, 28, 12, tzinfo=UTC)


def _calendar(rng: random.Random) -> tuple[Rules, list[Diary]]:
    rules = Rules(
        zone=ZONE,
        opening={d: ((time(9), time(18)),) for d in range(6)},
        closures=(Closed(FIRST + timedelta(days=17), FIRST + timedelta(days=17), "Holiday"),),
        buffer_minutes=5,
    )
    return rules, [_diary(rng, n) for n in range(INJECTORS)]


def _diary(rng: random.Random, n: int) -> Diary:
    hours = {d: ((time(9 + n % 2), time(18 - n % 3)),) for d in range(6) if d != n % 6}
    busy = []
    for offset in range(DAYS):
        moment = datetime.combine(FIRST + timedelta(days=offset), time(9), tzinfo=ZONE)
        end = moment + timedelta(hours=9)
        while moment < end:
            length = timedelta(minutes=rng.choice((15, 30, 30, 45, 60)))
            if rng.random() < 0.65:
                busy.append((moment.astimezone(UTC), (moment + length).astimezone(UTC)))
            moment += length + timedelta(minutes=rng.choice((0, 5, 15)))
    away_day = FIRST + timedelta(days=3 + n)
    away = (datetime.combine(away_day, time(13), tzinfo=ZONE),)
    return Diary(hours=hours, time_off=((away[0], away[0] + timedelta(hours=5)),), busy=busy)


def _shipped(rules: Rules, diaries: list[Diary]) -> list[list[datetime]]:
    last = FIRST + timedelta(days=DAYS - 1)
    return [
        free_slots(rules, d, first_day=FIRST, last_day=last, minutes=MINUTES, now=NOW)
        for d in diaries
    ]


def _trivial(rules: Rules, diaries: list[Diary]) -> list[list[datetime]]:
    """Every quarter hour of every day: the calendar's refusal, then every busy range."""
    pad, length = timedelta(minutes=rules.buffer_minutes), timedelta(minutes=MINUTES)
    found = []
    for diary in diaries:
        slots = []
        for offset in range(DAYS):
            day = FIRST + timedelta(days=offset)
            for quarter in range(96):
                start = datetime.combine(day, time(quarter // 4, quarter % 4 * 15), tzinfo=ZONE)
                start = start.astimezone(UTC).astimezone(ZONE)
                if start < NOW or refusal(rules, diary, start, MINUTES):
                    continue
                if any(a - pad < start + length and start < b + pad for a, b in diary.busy):
                    continue
                slots.append(start)
        found.append(slots)
    return found


def _through_the_database(rules: Rules, diaries: list[Diary]):  # type: ignore[no-untyped-def]
    """The same calendar stored, and a function reading it back into free slots."""
    from django.contrib.auth import get_user_model

    from glabella.accounts.models import Clinic, Membership, Role
    from glabella.patients.models import Patient
    from glabella.scheduling.calendar import free_slots_by_injector, free_slots_for
    from glabella.scheduling.calendar_edits import (
        add_closure,
        set_injector_hours,
        set_opening_hours,
    )
    from glabella.scheduling.models import Appointment, TimeOff

    clinic = Clinic.objects.create(
        name="Bench", slug="bench", phone="0", time_zone=ZONE.key, buffer_minutes=5
    )
    users = get_user_model()
    director = users.objects.create_user("bench-director")
    set_opening_hours(clinic, {d: s[0] for d, s in rules.opening.items()}, by=director)
    add_closure(clinic, rules.closures[0].first, rules.closures[0].last, "Holiday", by=director)
    patient = Patient.objects.create(
        clinic=clinic, first_name="Bench", last_name="Mark", date_of_birth=date(1980, 1, 1)
    )
    injectors = []
    for n, diary in enumerate(diaries):
        user = users.objects.create_user(f"bench-injector-{n}")
        Membership.objects.create(user=user, clinic=clinic, role=Role.INJECTOR)
        set_injector_hours(clinic, user, {d: s[0] for d, s in diary.hours.items()}, by=director)
        [(start, end)] = diary.time_off
        TimeOff.objects.create(
            clinic=clinic, injector=user, starts_at=start, ends_at=end, reason="x"
        )
        Appointment.objects.bulk_create(
            Appointment(
                clinic=clinic,
                patient=patient,
                injector=user,
                kind="treatment",
                starts_at=a,
                ends_at=b,
                duration_minutes=int((b - a).total_seconds() // 60),
            )
            for a, b in diary.busy
        )
        injectors.append(user)
    last = FIRST + timedelta(days=DAYS - 1)

    def one_by_one() -> list[list[datetime]]:
        return [
            free_slots_for(clinic, u, first_day=FIRST, last_day=last, minutes=MINUTES, now=NOW)
            for u in injectors
        ]

    def together() -> list[list[datetime]]:
        found = free_slots_by_injector(
            clinic, injectors, first_day=FIRST, last_day=last, minutes=MINUTES, now=NOW
        )
        return [found[u] for u in injectors]

    return one_by_one, together


def main() -> None:
    call_command("migrate", verbosity=0)
    rules, diaries = _calendar(random.Random(7))  # noqa: S311  (synthetic, repeatable)
    shipped, trivial = _shipped(rules, diaries), _trivial(rules, diaries)
    assert [[s.astimezone(UTC) for s in x] for x in shipped] == [
        [s.astimezone(UTC) for s in x] for x in trivial
    ], "the shipped slots differ from the baseline's"
    started = clock.perf_counter()
    one_by_one, together = _through_the_database(rules, diaries)
    stored_in = clock.perf_counter() - started
    expected = [[s.astimezone(UTC) for s in x] for x in shipped]
    for read in (one_by_one, together):
        got = [[s.astimezone(UTC) for s in x] for x in read()]
        assert got == expected, "the stored calendar gives other slots"
    baseline = measure(
        "baseline: every quarter hour, every busy range", lambda: _trivial(rules, diaries), 3
    )
    timings = [
        baseline,
        measure("shipped: slots.free_slots (pure)", lambda: _shipped(rules, diaries), 20),
        measure("SQLite: free_slots_for, injector by injector", one_by_one, 10),
        measure("SQLite: free_slots_by_injector, all at once", together, 10),
    ]
    busy = sum(len(d.busy) for d in diaries)
    slots = sum(len(x) for x in shipped)
    print(
        f"\nFree slots for a month ({DAYS} days) for {INJECTORS} injectors: {busy} appointments, "
        f"{slots} free {MINUTES}-minute starts, the same from all three "
        f"(stored in {stored_in:.1f} s)"
    )
    speedup = baseline.median_us / timings[1].median_us
    print(f"(the pure function is {speedup:.0f}× faster than the baseline)")
    print_table(
        "Whole month, all injectors (median and p99 in µs; × the baseline's median)",
        timings,
        baseline,
    )
    DATABASE.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
