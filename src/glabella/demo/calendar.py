"""The demo clinics' calendars, set through the scheduling services before their histories
are written (so every demo appointment is placed and confirmed by the same rules): opening
hours matching the sentence each clinic shows patients, and each injector's working week."""

from __future__ import annotations

from datetime import time
from typing import Any

from glabella.accounts.models import Clinic
from glabella.scheduling.calendar_edits import set_injector_hours, set_opening_hours

from .history import Staff

Week = dict[int, tuple[time, time] | None]


def _days(days: range | tuple[int, ...], opens: int, closes: int) -> Week:
    return {day: (time(opens), time(closes)) for day in days}


# slug → (opening hours, (first injector's week, second injector's week))
CALENDARS: dict[str, tuple[Week, tuple[Week, Week]]] = {
    # "Monday to Saturday, 9 am to 6 pm"
    "demo": (
        _days(range(6), 9, 18),
        (_days(range(5), 9, 18), _days(range(1, 6), 10, 18)),
    ),
    # "Tuesday to Friday, 10 am to 7 pm"
    "demo-east": (
        _days(range(1, 5), 10, 19),
        (_days(range(1, 5), 10, 19), _days(range(2, 5), 12, 19)),
    ),
}


def set_demo_calendar(clinic: Clinic, staff: Staff) -> None:
    """The clinic's hours and its two injectors' weeks (a clinic not listed keeps none)."""
    if clinic.slug not in CALENDARS:
        return
    opening, weeks = CALENDARS[clinic.slug]
    by: Any = staff.director
    set_opening_hours(clinic, opening, by=by)
    for injector, week in zip(staff.injectors, weeks, strict=True):
        set_injector_hours(clinic, injector, week, by=by)
