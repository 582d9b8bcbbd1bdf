"""Online bookings racing for one time on PostgreSQL: one wins, the other is told the time
was just taken (never a 500, never two visits); the same form sent twice at once books once."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
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


def test_a_new_and_a_known_patient_racing_for_one_time_end_without_a_deadlock(
    clinic, injector, alice
):
    """A new patient's booking takes the clinic's row (registration) then the injector's; a
    known patient's takes the injector's, then writes rows pointing at the clinic. With
    registration's lock FOR UPDATE those two could deadlock (PostgreSQL aborts one: a 500)."""
    starts = at(booking_day(), 15)
    known = BookingRequest(
        **{**request_for("Alice", starts).__dict__, "last_name": "Testpatient"}
        | {"date_of_birth": alice.date_of_birth, "email": alice.email}
    )

    for attempt_round in range(3):
        moment = starts + timedelta(minutes=30 * attempt_round)
        outcomes = race(
            attempt(clinic, request_for(f"Dan{attempt_round}", moment)),
            attempt(clinic, BookingRequest(**{**known.__dict__, "starts_at": moment,
                                               "key": uuid.uuid4()})),
        )  # fmt: skip
        assert sorted(outcomes)[0] == "ok", outcomes
        assert sorted(outcomes)[1].startswith("taken: "), outcomes
