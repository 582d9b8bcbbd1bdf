"""A clinic's hours and days are on its own clocks: one in New York and one in London, the
site itself on UTC. (Runs on SQLite and PostgreSQL alike.)"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from glabella.accounts.models import Role
from glabella.scheduling import services
from glabella.scheduling.calendar import free_slots_for
from glabella.scheduling.calendar_edits import set_opening_hours
from glabella.testing import make_appointment, make_clinic, make_patient, make_staff

pytestmark = pytest.mark.django_db

NEW_YORK, LONDON = ZoneInfo("America/New_York"), ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday
NINE_TO_FIVE = {day: (time(9), time(17)) for day in range(5)}


@pytest.fixture(autouse=True)
def frozen(time_machine) -> None:  # type: ignore[no-untyped-def]
    time_machine.move_to(NOW, tick=False)


def _clinic_in(zone: str, slug: str):  # type: ignore[no-untyped-def]
    clinic = make_clinic(slug, name=slug, time_zone=zone)
    injector = make_staff(f"{slug}-nurse", clinic, Role.INJECTOR)
    desk = make_staff(f"{slug}-desk", clinic, Role.FRONT_DESK)
    set_opening_hours(clinic, NINE_TO_FIVE, by=desk)
    patient = make_patient(clinic, "Zed", "Zone", date(1980, 1, 1))
    return clinic, injector, desk, patient


def _book(patient, injector, desk, starts_at):  # type: ignore[no-untyped-def]
    data = {"kind": "treatment", "injector": injector, "starts_at": starts_at}
    return services.book_appointment(patient, data, by=desk)


def test_new_york_opens_at_nine_new_york_time() -> None:
    _, injector, desk, patient = _clinic_in("America/New_York", "ny")
    tuesday_nine = datetime(2026, 3, 3, 9, 0, tzinfo=NEW_YORK)  # 14:00 UTC

    assert _book(patient, injector, desk, tuesday_nine).starts_at == tuesday_nine
    with pytest.raises(ValidationError) as refused:  # 09:00 UTC is 04:00 in New York
        _book(patient, injector, desk, datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
    assert refused.value.messages == [
        "That is outside the clinic's opening hours on Tuesdays (09:00–17:00)."
    ]


def test_new_york_slots_keep_nine_to_five_across_the_spring_change() -> None:
    clinic, injector, _, _ = _clinic_in("America/New_York", "ny")
    friday, monday = date(2026, 3, 6), date(2026, 3, 9)  # clocks go forward on Sunday 8th

    slots = free_slots_for(clinic, injector, first_day=friday, last_day=monday, minutes=30, now=NOW)

    firsts = sorted({(s.date(), s.astimezone(UTC).hour) for s in slots if s.hour == 9})
    assert firsts == [(friday, 14), (monday, 13)]  # 09:00 EST, then 09:00 EDT
    assert {s.astimezone(NEW_YORK).time() for s in slots} >= {time(9), time(16, 30)}
    assert all(time(9) <= s.time() <= time(16, 30) for s in slots)


def test_london_in_summer_opens_at_nine_british_summer_time() -> None:
    clinic, injector, desk, patient = _clinic_in("Europe/London", "ldn")
    summer = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)  # 09:00 BST

    booked = _book(patient, injector, desk, summer)

    assert booked.starts_at.astimezone(LONDON).time() == time(9)
    day = date(2026, 7, 1)
    slots = free_slots_for(clinic, injector, first_day=day, last_day=day, minutes=30, now=NOW)
    assert slots[0] == datetime(2026, 7, 1, 9, 30, tzinfo=LONDON)


def test_the_day_sheet_shows_an_evening_visit_on_the_clinics_date() -> None:
    """20:00 in New York is 01:00 UTC the next day: the desk sees it on the New York date."""
    clinic, injector, desk, patient = _clinic_in("America/New_York", "ny")
    evening = datetime(2026, 3, 4, 20, 0, tzinfo=NEW_YORK)
    make_appointment(patient, evening, injector=injector)
    client = Client()
    client.force_login(desk)

    on_the_day = client.get("/staff/appointments/?date=2026-03-04")
    next_day = client.get("/staff/appointments/?date=2026-03-05")

    [group] = on_the_day.context["groups"]
    assert [row.appointment.starts_at for row in group.rows] == [evening]
    assert next_day.context["groups"] == []
    assert '<time datetime="2026-03-04T20:00:00-05:00">20:00</time>' in on_the_day.content.decode()


def test_a_clinic_time_zone_must_be_a_real_zone() -> None:
    clinic, *_ = _clinic_in("Europe/London", "ldn")
    clinic.time_zone = "Mars/Olympus_Mons"

    with pytest.raises(ValidationError) as refused:
        clinic.full_clean()

    assert "time_zone" in refused.value.message_dict
    assert clinic.zone == ZoneInfo("UTC")  # a bad stored name reads as the site's zone
