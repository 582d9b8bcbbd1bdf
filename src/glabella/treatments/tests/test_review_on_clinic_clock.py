"""The two-week review is proposed at the signing's hour on the clinic's own clock, whatever
zone the site or the request runs in."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from glabella.accounts.models import Role
from glabella.scheduling.calendar_edits import set_opening_hours
from glabella.scheduling.models import Appointment
from glabella.testing import make_clinic, make_patient, make_staff, signed_botox

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")


def test_the_review_keeps_the_new_york_hour_of_the_signature(db, time_machine):
    time_machine.move_to(datetime(2026, 3, 2, 15, 0, tzinfo=UTC), tick=False)  # 10:00 in NY
    clinic = make_clinic("ny", name="NY", time_zone="America/New_York")
    nurse = make_staff("ny-nurse", clinic, Role.INJECTOR)
    set_opening_hours(clinic, {day: (time(9), time(17)) for day in range(5)}, by=nurse)
    patient = make_patient(clinic, "Nia", "York", date(1985, 5, 5))

    with timezone.override(UTC):  # the site's clock, not the clinic's
        record = signed_botox(patient, by=nurse)

    review = Appointment.objects.get(follows=record)
    assert timezone.localtime(review.starts_at, NEW_YORK).time() == time(10, 0)
