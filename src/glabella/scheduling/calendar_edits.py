"""Changing the clinic's calendar (time zone, lengths, buffer, opening hours, closures) and an
injector's (working hours, time off); each change in one transaction with its audit event.
Appointments already booked stay as they are: the rules apply to bookings from then on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from glabella.accounts.models import Clinic
from glabella.accounts.types import StaffUser
from glabella.audit.models import Action
from glabella.audit.services import record

from .models import WEEKDAYS, Closure, InjectorHours, OpeningHours, TimeOff
from .slots import MIDNIGHT, clock

Week = Mapping[int, tuple[time, time] | None]  # weekday → (opens, closes), None: closed
SETTINGS_FIELDS = (
    "time_zone",
    "buffer_minutes",
    "consultation_minutes",
    "treatment_minutes",
    "review_minutes",
    "touch_up_minutes",
)
DAY_NAMES = dict(WEEKDAYS)


def update_calendar_settings(clinic: Clinic, data: Mapping[str, Any], *, by: StaffUser) -> Clinic:
    """Set the clinic's time zone, buffer and lengths per kind (checked by the fields)."""
    changed = {name: data[name] for name in SETTINGS_FIELDS if name in data}
    for name, value in changed.items():
        setattr(clinic, name, value)
    clinic.full_clean(exclude=[f.name for f in clinic._meta.fields if f.name not in changed])
    with transaction.atomic():
        clinic.save(update_fields=[*changed, "updated_at"])
        record(
            action=Action.CHANGE,
            clinic=clinic,
            actor=by,
            obj=clinic,
            detail={"calendar": {k: str(v) for k, v in changed.items()}},
        )
    return clinic


def set_opening_hours(clinic: Clinic, week: Week, *, by: StaffUser) -> None:
    """Replace the clinic's opening hours; ``Clinic.opening_hours`` (the sentence the
    assistant's answers quote) is rewritten from them."""
    spans = _checked(week)
    with transaction.atomic():
        OpeningHours.objects.filter(clinic=clinic).delete()
        OpeningHours.objects.bulk_create(
            OpeningHours(clinic=clinic, weekday=day, opens=a, closes=b) for day, (a, b) in spans
        )
        clinic.opening_hours = describe_week(dict(spans))
        clinic.save(update_fields=["opening_hours", "updated_at"])
        record(
            action=Action.CHANGE,
            clinic=clinic,
            actor=by,
            object_type="scheduling.opening_hours",
            detail={"hours": clinic.opening_hours},
        )


def set_injector_hours(clinic: Clinic, injector: StaffUser, week: Week, *, by: StaffUser) -> None:
    """Replace the injector's working hours at the clinic; an empty week means they work
    whenever the clinic is open."""
    spans = _checked(week)
    with transaction.atomic():
        InjectorHours.objects.filter(clinic=clinic, injector=injector).delete()
        InjectorHours.objects.bulk_create(
            InjectorHours(clinic=clinic, injector=injector, weekday=day, opens=a, closes=b)
            for day, (a, b) in spans
        )
        record(
            action=Action.CHANGE,
            clinic=clinic,
            actor=by,
            object_type="scheduling.injector_hours",
            object_id=injector.get_username(),
            detail={"hours": describe_week(dict(spans)) or "the clinic's hours"},
        )


def add_closure(clinic: Clinic, first: date, last: date, reason: str, *, by: StaffUser) -> Closure:
    reason = reason.strip()
    if last < first:
        raise ValidationError({"ends_on": "The last closed day cannot be before the first."})
    if not reason:
        raise ValidationError({"reason": "Say why the clinic is closed (shown to the desk)."})
    with transaction.atomic():
        closure = Closure.objects.create(
            clinic=clinic, starts_on=first, ends_on=last, reason=reason, created_by=by
        )
        record(action=Action.CREATE, clinic=clinic, actor=by, obj=closure, detail=_span(closure))
    return closure


def remove_closure(closure: Closure, *, by: StaffUser) -> None:
    with transaction.atomic():
        record(
            action=Action.RETIRE,
            clinic=closure.clinic,
            actor=by,
            obj=closure,
            detail=_span(closure),
        )
        closure.delete()


def add_time_off(
    clinic: Clinic,
    injector: StaffUser,
    start: datetime,
    end: datetime,
    reason: str,
    *,
    by: StaffUser,
) -> TimeOff:
    reason = reason.strip()
    if end <= start:
        raise ValidationError({"ends_at": "The time off must end after it starts."})
    if not reason:
        raise ValidationError({"reason": "Say why (leave, training…): the desk sees it."})
    with transaction.atomic():
        away = TimeOff.objects.create(
            clinic=clinic,
            injector=injector,
            starts_at=start,
            ends_at=end,
            reason=reason,
            created_by=by,
        )
        detail = {"from": start.isoformat(), "to": end.isoformat(), "reason": reason}
        record(action=Action.CREATE, clinic=clinic, actor=by, obj=away, detail=detail)
    return away


def remove_time_off(away: TimeOff, *, by: StaffUser) -> None:
    with transaction.atomic():
        detail = {"from": away.starts_at.isoformat(), "to": away.ends_at.isoformat()}
        record(action=Action.RETIRE, clinic=away.clinic, actor=by, obj=away, detail=detail)
        away.delete()


def describe_week(spans: Mapping[int, tuple[time, time]]) -> str:
    """'Monday to Friday 09:00–17:00, Saturday 10:00–14:00': consecutive days with the same
    hours are joined."""
    parts: list[str] = []
    days = sorted(spans)
    index = 0
    while index < len(days):
        first = last = days[index]
        while (
            index + 1 < len(days)
            and days[index + 1] == last + 1
            and (spans[days[index + 1]] == spans[first])
        ):
            index += 1
            last = days[index]
        opens, closes = spans[first]
        names = DAY_NAMES[first] if first == last else f"{DAY_NAMES[first]} to {DAY_NAMES[last]}"
        parts.append(f"{names} {opens:%H:%M}–{clock(closes)}")
        index += 1
    return ", ".join(parts)


def _checked(week: Week) -> Sequence[tuple[int, tuple[time, time]]]:
    errors = {}
    spans = []
    for day, span in sorted(week.items()):
        if span is None:
            continue
        opens, closes = span
        if closes <= opens and closes != MIDNIGHT:
            errors[f"day_{day}"] = f"{DAY_NAMES[day]}: closing must be after opening."
        spans.append((day, (opens, closes)))
    if errors:
        raise ValidationError(errors)
    return spans


def _span(closure: Closure) -> dict[str, str]:
    return {
        "from": closure.starts_on.isoformat(),
        "to": closure.ends_on.isoformat(),
        "reason": closure.reason,
    }
