"""Calendars the scheduling tests share."""

from datetime import time

import pytest

from glabella.scheduling.calendar_edits import set_opening_hours
from glabella.scheduling.models import WEEKDAYS

ALL_DAY = (time(0, 0), time(0, 0))  # closing at 00:00 is closing at midnight


@pytest.fixture
def round_the_clock(clinic, director) -> None:  # type: ignore[no-untyped-def]
    """The clinic open every hour of every day (for visits across midnight)."""
    set_opening_hours(clinic, {day: ALL_DAY for day, _ in WEEKDAYS}, by=director)
