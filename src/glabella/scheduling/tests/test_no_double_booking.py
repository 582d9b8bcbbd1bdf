"""No double booking by construction (PostgreSQL): the exclusion constraint over the
injector's time range refuses a second agreed appointment whatever code writes it, and when
it is what stops a booking or a confirmation (the row-lock check bypassed here to reach it)
the desk gets the same clear refusal, never a server error."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client

from glabella.scheduling import services
from glabella.scheduling.models import NO_DOUBLE_BOOKING, Appointment, AppointmentStatus
from glabella.testing import make_appointment

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
THURSDAY = date(2026, 11, 19)


@pytest.fixture(autouse=True)
def postgresql_only(time_machine) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL only")
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def no_lock_check(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """As if two writers passed the row-lock check together: only the constraint is left."""
    monkeypatch.setattr(services, "_overlap", lambda appointment: "")


def _at(hour: int, minute: int = 0, day: date = THURSDAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _clashes(patient, starts_at, **fields) -> bool:  # type: ignore[no-untyped-def]
    try:
        with transaction.atomic():
            make_appointment(patient, starts_at, **fields)
    except IntegrityError as error:
        assert NO_DOUBLE_BOOKING in str(error)
        return True
    return False


def test_the_database_refuses_a_second_agreed_appointment_over_the_same_time(
    dora, alice, injector
) -> None:
    make_appointment(dora, _at(10), injector=injector)  # 10:00-10:30

    assert _clashes(alice, _at(10, 15), injector=injector)
    assert _clashes(alice, _at(9, 45), injector=injector)
    assert _clashes(alice, _at(10, 15), injector=injector, status=AppointmentStatus.ARRIVED)
    assert Appointment.objects.count() == 1


def test_back_to_back_other_injectors_proposals_and_cancelled_ones_are_allowed(
    dora, alice, injector, director
) -> None:
    make_appointment(dora, _at(10), injector=injector)

    assert not _clashes(alice, _at(10, 30), injector=injector)  # [10:30, 11:00)
    assert not _clashes(alice, _at(9, 30), injector=injector)  # ends as it starts
    assert not _clashes(alice, _at(10), injector=director)
    assert not _clashes(alice, _at(10), injector=injector, status=AppointmentStatus.PROPOSED)
    assert not _clashes(alice, _at(10), injector=injector, status=AppointmentStatus.CANCELLED)
    assert not _clashes(alice, _at(10), injector=None)


def test_a_visit_across_midnight_blocks_the_next_morning_in_the_database(
    dora, alice, injector
) -> None:
    late = make_appointment(dora, _at(23, 30), injector=injector)
    late.duration_minutes = 60
    late.save()  # 23:30 to 00:30, the stored end follows

    assert _clashes(alice, _at(0, 0, THURSDAY + timedelta(days=1)), injector=injector)
    assert not _clashes(alice, _at(0, 30, THURSDAY + timedelta(days=1)), injector=injector)


@pytest.mark.usefixtures("no_lock_check", "round_the_clock")
def test_the_constraints_refusal_of_a_booking_is_the_clear_form_error(
    client: Client, dora, alice, injector, front_desk
) -> None:
    make_appointment(dora, _at(23, 30), injector=injector)
    client.force_login(front_desk)
    form = {"kind": "treatment", "injector": "nurse-ben", "date": "2026-11-19", "time": "23:45"}

    response = client.post(f"/staff/patients/{alice.public_id}/appointments/new/", form)

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "time": ["nurse-ben already has an appointment at that time."]
    }
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    ("lock_check", "message"),
    [
        (True, "nurse-ben already has an appointment from 10:00 to 10:30."),
        (False, "nurse-ben already has an appointment at that time."),  # the constraint's
    ],
    ids=["row-lock check", "constraint"],
)
def test_confirming_a_proposal_over_a_booking_is_refused_clearly(
    request, dora, alice, injector, front_desk, lock_check: bool, message: str
) -> None:  # type: ignore[no-untyped-def]
    if not lock_check:
        request.getfixturevalue("no_lock_check")
    make_appointment(dora, _at(10), injector=injector)
    proposal = make_appointment(
        alice, _at(10, 15), injector=injector, status=AppointmentStatus.PROPOSED
    )

    with pytest.raises(ValidationError) as refused:
        services.set_status(proposal, AppointmentStatus.BOOKED, by=front_desk)

    assert refused.value.message_dict == {"starts_at": [message]}
    proposal.refresh_from_db()
    assert proposal.status == AppointmentStatus.PROPOSED
