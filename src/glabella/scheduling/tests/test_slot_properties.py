"""Properties of the free slots over generated calendars (hypothesis): whatever the hours,
closures, time off, appointments, buffer, length, time zone (with clock changes) and now,
every slot is bookable by the same rules the booking service applies, and none is missed
or repeated."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glabella.scheduling.slots import Closed, Diary, Rules, free_slots, refusal, working_spans

ZONES = [ZoneInfo(name) for name in ("Europe/London", "America/New_York", "Australia/Sydney")]
# Around the 2026 clock changes of all three zones, so DST days are drawn often.
FIRST_DAYS = [date(2026, 3, 6), date(2026, 3, 27), date(2026, 4, 3), date(2026, 10, 23)]
DAYS = 5
QUARTERS = st.integers(min_value=0, max_value=96)


@st.composite
def spans(draw: st.DrawFn) -> tuple[time, time]:
    opens, length = draw(st.integers(0, 92)), draw(st.integers(1, 48))
    closes = min(opens + length, 96)
    return _quarter(opens), _quarter(closes % 96)  # 96 quarters: 00:00, i.e. midnight


def _quarter(n: int) -> time:
    return time(n // 4, n % 4 * 15)


def weeks() -> st.SearchStrategy[dict[int, tuple[tuple[time, time], ...]]]:
    return st.dictionaries(st.integers(0, 6), spans().map(lambda s: (s,)), max_size=7)


@st.composite
def calendars(draw: st.DrawFn) -> tuple[Rules, Diary, date, int, datetime]:
    zone = draw(st.sampled_from(ZONES))
    first = draw(st.sampled_from(FIRST_DAYS))
    origin = datetime.combine(first, time(0), tzinfo=UTC)

    def moment(quarters: int) -> datetime:
        return origin + timedelta(minutes=15 * quarters)

    def ranges(most: int) -> st.SearchStrategy[list[tuple[datetime, datetime]]]:
        pair = st.tuples(st.integers(-8, 96 * DAYS), st.integers(1, 24))
        return st.lists(pair, max_size=most).map(
            lambda xs: [(moment(a), moment(a + n)) for a, n in xs]
        )

    closed_days = draw(st.lists(st.integers(0, DAYS - 1), max_size=2))
    rules = Rules(
        zone=zone,
        opening=draw(weeks()),
        closures=tuple(
            Closed(first + timedelta(days=d), first + timedelta(days=d)) for d in closed_days
        ),
        buffer_minutes=draw(st.sampled_from([0, 5, 10, 15])),
        step_minutes=draw(st.sampled_from([5, 15, 30])),
    )
    diary = Diary(
        hours=draw(st.none() | weeks()),
        time_off=tuple(draw(ranges(2))),
        busy=tuple(draw(ranges(8))),
    )
    minutes = draw(st.sampled_from([15, 30, 45, 60, 90]))
    now = moment(draw(st.integers(-96, 96 * DAYS)))
    return rules, diary, first, minutes, now


def _slots(rules: Rules, diary: Diary, first: date, minutes: int, now: datetime) -> list[datetime]:
    last = first + timedelta(days=DAYS - 1)
    return free_slots(rules, diary, first_day=first, last_day=last, minutes=minutes, now=now)


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(calendars())
def test_every_slot_keeps_every_rule(case) -> None:  # type: ignore[no-untyped-def]
    rules, diary, first, minutes, now = case
    length, pad = timedelta(minutes=minutes), timedelta(minutes=rules.buffer_minutes)
    for slot in _slots(rules, diary, first, minutes, now):
        end = slot + length
        assert slot >= now, "in the past"
        assert first <= slot.astimezone(rules.zone).date() < first + timedelta(days=DAYS)
        assert not any(a - pad < end and slot < b + pad for a, b in diary.busy), "busy"
        # Hours, closures and time off: the booking service's own check agrees.
        assert refusal(rules, diary, slot, minutes) == ""
        assert slot.tzinfo is rules.zone


@PROPERTY
@given(calendars())
def test_slots_are_sorted_unique_and_the_same_each_time(case) -> None:  # type: ignore[no-untyped-def]
    # As instants: Python compares two datetimes of one zone by the clock, ignoring fold,
    # so the repeated autumn hour would look like repeats.
    instants = [s.astimezone(UTC) for s in _slots(*case)]

    assert instants == sorted(set(instants))
    assert [s.astimezone(UTC) for s in _slots(*case)] == instants


@PROPERTY
@given(calendars(), st.integers(0, 96 * DAYS), st.integers(1, 12))
def test_another_appointment_only_takes_slots_away(case, start, quarters) -> None:  # type: ignore[no-untyped-def]
    rules, diary, first, minutes, now = case
    origin = datetime.combine(first, time(0), tzinfo=UTC)
    extra = (
        origin + timedelta(minutes=15 * start),
        origin + timedelta(minutes=15 * (start + quarters)),
    )
    before = {s.astimezone(UTC) for s in _slots(rules, diary, first, minutes, now)}
    busier = Diary(hours=diary.hours, time_off=diary.time_off, busy=(*diary.busy, extra))

    after = {s.astimezone(UTC) for s in _slots(rules, busier, first, minutes, now)}

    assert after <= before
    pad = timedelta(minutes=rules.buffer_minutes)
    length = timedelta(minutes=minutes)
    taken = {s for s in before if extra[0] - pad < s + length and s < extra[1] + pad}
    assert before - after == taken


@PROPERTY
@given(calendars())
def test_no_start_on_the_grid_that_keeps_the_rules_is_missed(case) -> None:  # type: ignore[no-untyped-def]
    """Within the span worked around an offered slot, the next start on the grid is offered
    too whenever the refusal check and the busy check accept it."""
    rules, diary, first, minutes, now = case
    offered = {s.astimezone(UTC) for s in _slots(rules, diary, first, minutes, now)}
    length, pad = timedelta(minutes=minutes), timedelta(minutes=rules.buffer_minutes)
    worked = working_spans(rules, diary, first, first + timedelta(days=DAYS - 1))
    for slot in offered:
        later = slot + timedelta(minutes=rules.step_minutes)
        span_end = next(b for a, b in worked if a <= slot < b)
        in_range = later.astimezone(rules.zone).date() < first + timedelta(days=DAYS)
        free = not any(a - pad < later + length and later < b + pad for a, b in diary.busy)
        fits = later + length <= span_end
        if in_range and free and fits and refusal(rules, diary, later, minutes) == "":
            assert later in offered, f"{later} missed"
