"""A clinic's hours and days are on its own clocks: one in New York and one in London, the
site itself on UTC. (Runs on SQLite and PostgreSQL alike.)"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from glabella.accounts.models import Clinic, Membership, Role
from glabella.patients.models import Patient
from glabella.scheduling import services
from glabella.scheduling.calendar import free_slots_for
from glabella.scheduling.calendar_edits import set_opening_hours
from glabella.testing import make_appointment

pytestmark = pytest.mark.django_db

NEW_YORK, LONDON = ZoneInfo("America/New_York"), ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday
NINE_TO_FIVE = {day: (time(9), time(17)) for day in range(5)}


@pytest.fixture(autouse=True)
def frozen(time_machine) -> None:  # type: ignore[no-untyped-def]
    time_machine.move_to(NOW, tick=False)


def _clinic_in(zone: str, slug: str, django_user_model):  # type: ignore[no-untyped-def]
    clinic = Clinic.objects.create(name=slug, slug=slug, phone="(555) 010-0100", time_zone=zone)
    injector = django_user_model.objects.create_user(f"{slug}-nurse", password="pw-long-enough")
    desk = django_user_model.objects.create_user(f"{slug}-desk", password="pw-long-enough")
    Membership.objects.create(user=injector, clinic=clinic, role=Role.INJECTOR)
    Membership.objects.create(user=desk, clinic=clinic, role=Role.FRONT_DESK)
    set_opening_hours(clinic, NINE_TO_FIVE, by=desk)
    patient = Patient.objects.create(
        clinic=clinic, first_name="Zed", last_name="Zone", date_of_birth=date(1980, 1, 1)
    )
    return clinic, injector, desk, patient


def _book(patient, injector, desk, starts_at):  # type: ignore[no-untyped-def]
    data = {"kind": "treatment", "injector": injector, "starts_at": starts_at}
    return services.book_appointment(patient, data, by=desk)


def test_new_york_opens_at_nine_new_york_time(django_user_model) -> None:
    _, injector, desk, patient = _clinic_in("America/New_York", "ny", django_user_model)
    tuesday_nine = datetime(2026, 3, 3, 9, 0, tzinfo=NEW_YORK)  # 14:00 UTC

    assert _book(patient, injector, desk, tuesday_nine).starts_at == tuesday_nine
    with pytest.raises(ValidationError) as refused:  # 09:00 UTC is 04:00 in New York
        _book(patient, injector, desk, datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
    assert refused.value.messages == [
        "That is outside the clinic's opening hours on Tuesdays (09:00–17:00)."
    ]


def test_new_york_slots_keep_nine_to_five_across_the_spring_change(django_user_model) -> None:
    clinic, injector, _, _ = _clinic_in("America/New_York", "ny", django_user_model)
    friday, monday = date(2026, 3, 6), date(2026, 3, 9)  # clocks go forward on Sunday 8th

    slots = free_slots_for(clinic, injector, first_day=friday, last_day=monday, minutes=30, now=NOW)

    firsts = sorted({(s.date(), s.astimezone(UTC).hour) for s in slots if s.hour == 9})
    assert firsts == [(friday, 14), (monday, 13)]  # 09:00 EST, then 09:00 EDT
    assert {s.astimezone(NEW_YORK).time() for s in slots} >= {time(9), time(16, 30)}
    assert all(time(9) <= s.time() <= time(16, 30) for s in slots)


def test_london_in_summer_opens_at_nine_british_summer_time(django_user_model) -> None:
    clinic, injector, desk, patient = _clinic_in("Europe/London", "ldn", django_user_model)
    summer = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)  # 09:00 BST

    booked = _book(patient, injector, desk, summer)

    assert booked.starts_at.astimezone(LONDON).time() == time(9)
    day = date(2026, 7, 1)
    slots = free_slots_for(clinic, injector, first_day=day, last_day=day, minutes=30, now=NOW)
    assert slots[0] == datetime(2026, 7, 1, 9, 30, tzinfo=LONDON)


def test_the_day_sheet_shows_an_evening_visit_on_the_clinics_date(django_user_model) -> None:
    """20:00 in New York is 01:00 UTC the next day: the desk sees it on the New York date."""
    clinic, injector, desk, patient = _clinic_in("America/New_York", "ny", django_user_model)
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


def test_a_clinic_time_zone_must_be_a_real_zone(django_user_model) -> None:
    clinic, *_ = _clinic_in("Europe/London", "ldn", django_user_model)
    clinic.time_zone = "Mars/Olympus_Mons"

    with pytest.raises(ValidationError) as refused:
        clinic.full_clean()

    assert "time_zone" in refused.value.message_dict
    assert clinic.zone == ZoneInfo("UTC")  # a bad stored name reads as the site's zone
