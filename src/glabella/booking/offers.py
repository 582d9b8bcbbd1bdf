"""What the public page offers: the clinic's injectors (named by their membership's public
id, never a user key), and free times for one injector or any, from scheduling's calendar
(``scheduling.calendar.free_slots_for``, the same slots staff booking accepts). Reads no
patient data, so writes no audit event."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from glabella.accounts.models import Clinic, Membership
from glabella.scheduling.access import injectors_of
from glabella.scheduling.calendar import free_slots_by_injector, free_slots_for
from glabella.scheduling.models import kind_minutes
from glabella.scheduling.services import display_name

DAYS_SHOWN = 7  # one page of the "when" step
NEAREST = 6  # times offered when the chosen one was just taken


@dataclass(frozen=True)
class Injector:
    ref: str  # the membership's public id: what the page and its links carry
    name: str
    user: Any


@dataclass(frozen=True)
class Offer:
    at: datetime  # aware, on the clinic's clocks
    injectors: tuple[Any, ...]  # users free then, in the clinic's name order


def injectors(clinic: Clinic) -> list[Injector]:
    users = injectors_of(clinic)
    refs = dict(
        Membership.objects.active()
        .filter(clinic=clinic, user__in=users)
        .values_list("user_id", "public_id")
    )
    return [Injector(str(refs[u.pk]), display_name(u), u) for u in users if u.pk in refs]


def injector_by_ref(clinic: Clinic, ref: str) -> Injector | None:
    return next((i for i in injectors(clinic) if i.ref == ref), None)


def chosen_users(clinic: Clinic, who: str) -> list[Any]:
    """``who`` is "any" (every injector) or one injector's ref; [] for an unknown ref."""
    if who == "any":
        return [i.user for i in injectors(clinic)]
    found = injector_by_ref(clinic, who)
    return [found.user] if found else []


def free_offers(
    clinic: Clinic,
    users: list[Any],
    kind: str,
    *,
    first_day: date,
    last_day: date,
    now: datetime,
    besides: Any = None,
    minutes: int | None = None,
) -> list[Offer]:
    """Every start from ``first_day`` to ``last_day`` where one of ``users`` is free
    (``besides``: an appointment being moved, whose own time counts as free; ``minutes``:
    its length, else the kind's usual one)."""
    minutes = minutes or kind_minutes(clinic, kind)
    span = {"first_day": first_day, "last_day": last_day, "minutes": minutes, "now": now}
    if besides is None:  # the clinic's rules read once, every injector's diary in one query
        by_user = free_slots_by_injector(clinic, users, **span)
    else:
        by_user = {user: free_slots_for(clinic, user, besides=besides, **span) for user in users}
    free: dict[datetime, list[Any]] = defaultdict(list)
    for user in users:
        for start in by_user.get(user, []):
            free[start].append(user)
    return [Offer(at, tuple(free[at])) for at in sorted(free)]


def by_day(offers: list[Offer]) -> list[tuple[date, list[Offer]]]:
    days: dict[date, list[Offer]] = defaultdict(list)
    for offer in offers:
        days[offer.at.date()].append(offer)
    return sorted(days.items())


def offers_around(
    clinic: Clinic,
    users: list[Any],
    kind: str,
    wanted: datetime,
    *,
    now: datetime,
    last_day: date,
    minutes: int | None = None,
) -> list[Offer]:
    """The free times a few days either side of ``wanted`` (not past ``last_day``)."""
    zone = clinic.zone
    day = wanted.astimezone(zone).date()
    today = now.astimezone(zone).date()
    first = max(today, day - timedelta(days=3))
    last = min(last_day, day + timedelta(days=3))
    if last < first:
        return []
    return free_offers(
        clinic, users, kind, first_day=first, last_day=last, now=now, minutes=minutes
    )


def nearest(found: list[Offer], wanted: datetime) -> list[Offer]:
    """The few of ``found`` nearest ``wanted``, in time order: what the page offers when
    ``wanted`` was just taken."""
    closest = sorted(found, key=lambda o: (abs(o.at - wanted), o.at < wanted))
    return sorted(closest[:NEAREST], key=lambda o: o.at)
