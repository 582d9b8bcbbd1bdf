"""A proposal, or a booking held for the front desk, gets the patient's confirmation once
staff confirm it (not before, and once only)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from glabella.scheduling import services as scheduling
from glabella.scheduling.calendar_edits import set_opening_hours
from glabella.scheduling.models import AppointmentStatus
from glabella.testing import make_appointment as book

from ..models import MessageKind, Outbox

pytestmark = pytest.mark.django_db


def _next_weekday_at_ten() -> datetime:
    day = timezone.localdate() + timedelta(days=3)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(10)))


def test_confirming_a_proposal_queues_one_confirmation(
    alice, injector, front_desk, django_capture_on_commit_callbacks
):
    set_opening_hours(alice.clinic, {d: (time(9), time(17)) for d in range(5)}, by=front_desk)
    proposal = book(
        alice, _next_weekday_at_ten(), status=AppointmentStatus.PROPOSED, injector=injector
    )
    assert not Outbox.objects.filter(kind=MessageKind.BOOKING_CONFIRMATION).exists()

    with django_capture_on_commit_callbacks(execute=True):
        scheduling.set_status(proposal, AppointmentStatus.BOOKED, by=front_desk)

    confirmation = Outbox.objects.get(kind=MessageKind.BOOKING_CONFIRMATION)
    assert confirmation.subject_key == f"appointment:{proposal.pk}"
    assert confirmation.patient == alice


def test_a_refused_confirmation_queues_nothing(
    alice, injector, front_desk, django_capture_on_commit_callbacks
):
    set_opening_hours(alice.clinic, {d: (time(9), time(17)) for d in range(5)}, by=front_desk)
    ten = _next_weekday_at_ten()
    proposal = book(alice, ten, status=AppointmentStatus.PROPOSED, injector=injector)
    book(alice, ten, injector=injector)  # the injector is taken at that time meanwhile

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        scheduling.set_status(proposal, AppointmentStatus.BOOKED, by=front_desk)

    assert not Outbox.objects.filter(kind=MessageKind.BOOKING_CONFIRMATION).exists()
