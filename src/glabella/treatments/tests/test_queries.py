"""The named queries over treatment records: the previous record and the review of one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from glabella.scheduling.models import Appointment, AppointmentKind
from glabella.testing import signed_botox
from glabella.treatments import services
from glabella.treatments.models import TreatmentRecord

pytestmark = pytest.mark.django_db


def test_before_is_the_patients_other_records_up_to_its_day_newest_first(
    carol, alice, injector
) -> None:
    oldest = signed_botox(carol, by=injector, days_ago=300)
    older = signed_botox(carol, by=injector, days_ago=200)
    later = signed_botox(carol, by=injector, days_ago=100)
    signed_botox(alice, by=injector, days_ago=250)
    written_late = services.start_treatment(
        carol,
        {"product": "botox", "treated_on": timezone.localdate() - timedelta(days=150)},
        by=injector,
    )

    found = list(TreatmentRecord.objects.before(written_late))

    assert found == [older, oldest]
    assert later not in found and written_late not in found
    assert services.previous_record(written_late) == older
    assert list(TreatmentRecord.objects.signed().before(later)) == [older, oldest]


def test_reviews_of_a_record_are_its_review_visits_earliest_first(carol, injector) -> None:
    record = signed_botox(carol, by=injector)
    other = signed_botox(carol, by=injector, days_ago=200)

    reviews = list(Appointment.objects.reviews_of(record))

    assert [(a.kind, a.follows_id) for a in reviews] == [(AppointmentKind.REVIEW, record.pk)]
    assert not Appointment.objects.reviews_of(other).exists()
