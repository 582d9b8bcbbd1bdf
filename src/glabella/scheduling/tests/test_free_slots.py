"""Free slots and the calendar's refusals by example (pure rules, no database): hours,
closures, the injector's hours and time off, buffers, the past, midnight and clock changes."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from glabella.scheduling.slots import (
    Closed,
    Diary,
    Rules,
    free_slots,
    nearest_free_start,
    refusal,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
FRIDAY = date(2026, 11, 27)
SATURDAY = date(2026, 11, 28)
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)
WEEKDAYS_9_TO_5 = {d: ((time(9), time(17)),) for d in range(5)}


def _at(hour: int, minute: int = 0, day: date = FRIDAY, zone: ZoneInfo = LONDON) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


FREE = Diary()


def _slots(
    rules: Rules, diary: Diary = FREE, *, day: date = FRIDAY, minutes: int = 30, now=LONG_AGO
):  # type: ignore[no-untyped-def]
    return free_slots(rules, diary, first_day=day, last_day=day, minutes=minutes, now=now)


def test_a_free_day_offers_every_quarter_hour_that_ends_by_closing() -> None:
    slots = _slots(Rules(LONDON, WEEKDAYS_9_TO_5))

    assert slots[0] == _at(9) and slots[-1] == _at(16, 30)
    assert len(slots) == 31  # 09:00 … 16:30
    assert all(s.tzinfo is LONDON for s in slots)


def test_a_day_without_opening_hours_offers_nothing() -> None:
    assert _slots(Rules(LONDON, WEEKDAYS_9_TO_5), day=SATURDAY) == []


def test_a_closed_date_offers_nothing_and_a_booking_there_is_refused_with_the_reason() -> None:
    rules = Rules(LONDON, WEEKDAYS_9_TO_5, closures=(Closed(FRIDAY, FRIDAY, "Staff training"),))

    assert _slots(rules) == []
    said = refusal(rules, Diary(), _at(10), 30)
    assert said == "The clinic is closed on Friday 27 November 2026 (Staff training)."


def test_busy_ranges_and_the_buffer_are_kept_free() -> None:
    rules = Rules(LONDON, WEEKDAYS_9_TO_5, buffer_minutes=10)
    slots = _slots(rules, Diary(busy=((_at(10), _at(10, 30)),)))

    # 09:30 would end at 10:00, inside the 10 minutes before; 10:30 starts inside the after.
    assert _at(9, 15) in slots and _at(9, 30) not in slots
    assert _at(10, 30) not in slots and _at(10, 45) in slots


def test_the_injectors_hours_narrow_the_clinics_and_their_time_off_is_kept_free() -> None:
    diary = Diary(
        hours={4: ((time(12), time(20)),)},
        time_off=((_at(13), _at(14)),),
    )
    slots = _slots(Rules(LONDON, WEEKDAYS_9_TO_5), diary)

    assert slots[0] == _at(12) and slots[-1] == _at(16, 30)
    assert not [s for s in slots if _at(12, 31) <= s < _at(14)]
    assert refusal(Rules(LONDON, WEEKDAYS_9_TO_5), diary, _at(10), 30) == (
        "That is outside the injector's working hours."
    )
    assert refusal(Rules(LONDON, WEEKDAYS_9_TO_5), diary, _at(13), 30) == (
        "The injector is away then (time off)."
    )


def test_no_slot_is_in_the_past_and_the_grid_is_kept() -> None:
    slots = _slots(Rules(LONDON, WEEKDAYS_9_TO_5), now=_at(11, 7))

    assert slots[0] == _at(11, 15)


def test_sunday_at_three_in_the_morning_is_refused() -> None:
    said = refusal(Rules(LONDON, WEEKDAYS_9_TO_5), Diary(), _at(3, day=date(2026, 11, 29)), 30)

    assert said == "That is outside the clinic's opening hours on Sundays (closed that day)."


def test_an_appointment_running_past_closing_is_refused() -> None:
    said = refusal(Rules(LONDON, WEEKDAYS_9_TO_5), Diary(), _at(16, 45), 30)

    assert said == "That is outside the clinic's opening hours on Fridays (09:00–17:00)."


def test_a_clinic_open_across_midnight_takes_a_booking_across_it() -> None:
    late = {4: ((time(18), time(0)),), 5: ((time(0), time(2)),)}
    rules = Rules(LONDON, late)

    assert refusal(rules, Diary(), _at(23, 30), 60) == ""
    assert _at(23, 30) in _slots(rules, minutes=60)
    # The Saturday slots start from midnight; Friday's late slot belongs to Friday.
    saturday = _slots(rules, day=SATURDAY, minutes=60)
    assert saturday[0] == _at(0, day=SATURDAY) and saturday[-1] == _at(1, day=SATURDAY)


def test_a_visit_running_past_midnight_blocks_the_next_morning() -> None:
    all_day = {d: ((time(0), time(0)),) for d in range(7)}
    busy = ((_at(23, 30), _at(23, 30) + timedelta(minutes=60)),)
    saturday = _slots(Rules(LONDON, all_day), Diary(busy=busy), day=SATURDAY, minutes=15)

    assert saturday[0] == _at(0, 30, day=SATURDAY)


def test_on_the_spring_day_the_hours_are_by_the_clock() -> None:
    spring = date(2026, 3, 8)  # New York: 02:00 EST becomes 03:00 EDT
    rules = Rules(NEW_YORK, {6: ((time(1), time(5)),)})
    slots = _slots(rules, day=spring, minutes=60)

    # 01:00 EST to 05:00 EDT is three real hours: starts 01:00 … 04:00 by the clock.
    assert slots[0] == _at(1, day=spring, zone=NEW_YORK)
    assert slots[-1].astimezone(NEW_YORK).hour == 4
    # Python subtracts datetimes of one zone by the clock: compare the instants.
    assert slots[-1].astimezone(UTC) - slots[0].astimezone(UTC) == timedelta(hours=2)
    assert all(s.utcoffset() == s.tzinfo.utcoffset(s) for s in slots)  # type: ignore[union-attr]


def test_on_the_autumn_day_the_repeated_hour_gives_more_real_time() -> None:
    autumn = date(2026, 10, 25)  # London: 02:00 BST becomes 01:00 GMT
    rules = Rules(LONDON, {6: ((time(0), time(3)),)})
    slots = _slots(rules, day=autumn, minutes=60)

    # 00:00 BST to 03:00 GMT is four real hours, so four one-hour starts by the hour.
    hours = [(s.hour, s.utcoffset()) for s in slots if s.minute == 0]
    assert hours == [
        (0, timedelta(hours=1)),
        (1, timedelta(hours=1)),
        (1, timedelta(0)),
        (2, timedelta(0)),
    ]


def test_the_nearest_slot_to_a_preferred_start_and_ties_go_later() -> None:
    slots = [_at(9, 45), _at(10, 15), _at(11)]

    assert nearest_free_start(_at(10), slots) == _at(10, 15)
    assert nearest_free_start(_at(11), slots) == _at(11)
    assert nearest_free_start(_at(11), []) is None


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        _slots(Rules(LONDON, WEEKDAYS_9_TO_5), now=datetime(2026, 1, 1))  # noqa: DTZ001
