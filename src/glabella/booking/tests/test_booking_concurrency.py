"""Online bookings racing for one time on PostgreSQL: one wins, the other is told the time
was just taken (never a 500, never two visits); the same form sent twice at once books once."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from glabella.booking.models import OnlineBooking
from glabella.booking.services import BookingRequest, SlotTaken, book_online
from glabella.patients.models import Patient
from glabella.scheduling.models import Appointment
from glabella.testing import race

from .conftest import at, booking_day

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks and the exclusion constraint are PostgreSQL's")


def request_for(name: str, starts_at: Any, key: uuid.UUID | None = None) -> BookingRequest:
    return BookingRequest(
        kind="consultation",
        who="any",
        starts_at=starts_at,
        first_name=name,
        last_name="Racer",
        date_of_birth=date(1990, 1, 1),
        phone="",
        email=f"{name.lower()}@example.test",
        consent=False,
        channel="email",
        key=key or uuid.uuid4(),
    )


def attempt(clinic: Any, wanted: BookingRequest) -> Callable[[], Any]:
    def call() -> Any:
        try:
            return book_online(clinic, wanted)
        except SlotTaken as taken:  # what the page shows, as race() reports refusals
            raise ValidationError(f"taken: {taken}") from taken

    return call


def test_two_patients_racing_for_one_time_get_one_visit(clinic, injector):
    starts = at(booking_day(), 10)

    outcomes = race(
        attempt(clinic, request_for("Ana", starts)), attempt(clinic, request_for("Ben", starts))
    )

    assert sorted(outcomes)[0] == "ok"
    assert sorted(outcomes)[1].startswith("taken: ")
    assert Appointment.objects.filter(starts_at=starts).count() == 1
    assert OnlineBooking.objects.count() == 1
    assert Patient.objects.count() == 1  # the loser's registration went back with it


def test_the_same_form_sent_twice_at_once_books_once(clinic, injector, second_injector):
    starts = at(booking_day(), 11)
    wanted = request_for("Cleo", starts)

    outcomes = race(attempt(clinic, wanted), attempt(clinic, wanted))

    assert outcomes == ["ok", "ok"]
    assert Appointment.objects.count() == 1  # not one with each injector
    assert OnlineBooking.objects.count() == Patient.objects.count() == 1
