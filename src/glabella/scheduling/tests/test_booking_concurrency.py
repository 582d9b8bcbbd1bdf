"""Two desks booking the same injector at the same time (PostgreSQL: the booking service's
row locks are what keeps one of them out until online booking adds a database constraint)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from glabella.patients.models import Patient
from glabella.scheduling.models import Appointment, AppointmentStatus
from glabella.scheduling.services import book_appointment, set_status
from glabella.scheduling.slots import next_weekday
from glabella.testing import make_appointment, race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; SQLite serialises writers")


def _patient(clinic, name: str) -> Patient:  # type: ignore[no-untyped-def]
    return Patient.objects.create(
        clinic=clinic, first_name=name, last_name="Racer", date_of_birth=date(1990, 1, 1)
    )


def test_two_bookings_of_one_injector_at_one_time_let_one_through(clinic, injector, front_desk):
    day = next_weekday(timezone.localdate() + timedelta(days=1))
    starts = datetime.combine(day, time(10, 0), tzinfo=timezone.get_current_timezone())
    first, second = _patient(clinic, "Ana"), _patient(clinic, "Ben")

    def book(patient: Patient) -> Callable[[], Any]:
        data = {"kind": "treatment", "starts_at": starts, "injector": injector}
        return lambda: book_appointment(patient, data, by=front_desk)

    outcomes = race(book(first), book(second))
    assert sorted(outcomes)[-1] == "ok"
    assert "already has an appointment" in sorted(outcomes)[0]
    assert Appointment.objects.filter(injector=injector, starts_at=starts).count() == 1


def test_confirming_a_proposal_while_its_time_is_booked_lets_the_confirmation_through(
    clinic, injector, front_desk
):
    """Both take the injector's row before any appointment's (the other order could deadlock).
    The race does not reliably catch the wrong order; it pins the outcome."""
    day = next_weekday(timezone.localdate() + timedelta(days=1))
    starts = datetime.combine(day, time(10, 0), tzinfo=timezone.get_current_timezone())
    proposal = make_appointment(
        _patient(clinic, "Ana"), starts, injector=injector, status=AppointmentStatus.PROPOSED
    )
    data = {"kind": "treatment", "starts_at": starts, "injector": injector}
    walk_in = _patient(clinic, "Ben")

    confirmed, booked = race(
        lambda: set_status(proposal, AppointmentStatus.BOOKED, by=front_desk),
        lambda: book_appointment(walk_in, data, by=front_desk),
    )

    assert confirmed == "ok"
    assert booked == f"{injector.get_username()} already has an appointment from 10:00 to 10:30."
    assert list(Appointment.objects.values_list("status", flat=True)) == ["booked"]
