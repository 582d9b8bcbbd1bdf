"""The course of a treatment through the services: sign, review, recall."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from glabella.scheduling.models import Appointment, AppointmentStatus
from glabella.testing import chart_glabellar, signed_botox
from glabella.treatments import services
from glabella.treatments.models import TreatmentRecord
from glabella.treatments.services import RecallFilters


def test_signing_books_the_review_and_opens_the_window(carol, injector):
    record = signed_botox(carol, by=injector)
    today = timezone.localdate()
    assert record.status == "signed"
    assert record.total_units == Decimal("20")
    assert record.review_on == today + timedelta(days=14)
    # The clinic's window opens at 12 weeks, but never before the label's 90 days.
    assert record.recall_opens_on == today + timedelta(days=90)
    assert record.recall_closes_on == today + timedelta(weeks=16)
    assert record.recall.opens_on == record.recall_opens_on
    assert record.recall.status == "due"
    review = Appointment.objects.get(follows=record)
    assert (review.kind, review.duration_minutes, review.status) == (
        "review",
        15,
        AppointmentStatus.PROPOSED,
    )
    assert review.starts_at.date() >= record.review_on


def test_a_signed_record_cannot_be_edited(carol, injector):
    record = signed_botox(carol, by=injector)
    with pytest.raises(ValidationError, match="amendment"):
        services.update_treatment(record, {"notes": "changed"}, by=injector)
    with pytest.raises(ValidationError):
        services.add_site(record, {"x": 50, "y": 33, "units": 4}, by=injector)


def test_patient_is_on_the_recall_list_when_the_window_opens(carol, injector, clinic):
    record = signed_botox(carol, by=injector, days_ago=90)
    later = timezone.localdate() + timedelta(days=1)
    rows = services.recall_list(clinic, RecallFilters(), today=later, by=injector).entries
    assert [r.treatment for r in rows] == [record]
    assert rows[0].units_per_area == {"glabellar": Decimal("20")}
    earlier = later - timedelta(days=30)
    assert services.recall_list(clinic, RecallFilters(), today=earlier, by=injector).entries == []


def test_expired_lot_is_refused(carol, injector):
    record = services.start_treatment(carol, {"product": "botox"}, by=injector)
    with pytest.raises(ValidationError, match="expired"):
        services.add_vial(record, "OLD1", timezone.localdate() - timedelta(days=1), by=injector)
    assert not record.vials.exists()


def test_deviation_needs_a_reason(carol, injector):
    record = services.start_treatment(carol, {"product": "botox"}, by=injector)
    services.add_vial(record, "C1", timezone.localdate() + timedelta(days=30), by=injector)
    chart_glabellar(record, by=injector, units="5")
    services.update_treatment(record, {"aftercare_given": True}, by=injector)
    with pytest.raises(ValidationError) as refused:
        services.sign_treatment(record, by=injector)
    assert set(refused.value.message_dict) == {"deviation_reason"}
    services.update_treatment(record, {"deviation_reason": "Strong corrugators"}, by=injector)
    assert services.sign_treatment(record, by=injector).is_signed


def test_too_soon_needs_a_reason(carol, injector):
    signed_botox(carol, by=injector, days_ago=30)
    record = services.start_treatment(carol, {"product": "botox"}, by=injector)
    services.add_vial(record, "C2", timezone.localdate() + timedelta(days=30), by=injector)
    chart_glabellar(record, by=injector)
    services.update_treatment(record, {"aftercare_given": True}, by=injector)
    with pytest.raises(ValidationError) as refused:
        services.sign_treatment(record, by=injector)
    assert set(refused.value.message_dict) == {"interval_reason"}
    assert TreatmentRecord.objects.get(pk=record.pk).status == "draft"


def test_screening_block_and_director_override(alice, injector, director):
    with pytest.raises(ValidationError, match="do not treat"):
        services.start_treatment(alice, {"product": "dysport"}, by=injector)
    services.override_block(alice, "dysport", "Allergist cleared her", by=director)
    record = services.start_treatment(alice, {"product": "dysport"}, by=injector)
    assert record.product == "dysport"


def test_only_the_records_injector_signs(carol, injector, director):
    record = services.start_treatment(carol, {"product": "botox"}, by=injector)
    with pytest.raises(ValidationError, match="injector"):
        services.sign_treatment(record, by=director)


def test_mirror_and_repeat_last(carol, injector):
    signed_botox(carol, by=injector, days_ago=100)
    record = services.start_treatment(carol, {"product": "botox"}, by=injector)
    assert services.repeat_last(record, by=injector) == 5
    fresh = services.start_treatment(carol, {"product": "botox"}, by=injector)
    services.add_site(fresh, {"x": 15, "y": 38, "units": 4}, by=injector)
    assert services.mirror_sites(fresh, by=injector) == 1
    assert sorted(fresh.sites.values_list("side", flat=True)) == ["left", "right"]


def test_absurd_units_are_refused(carol, injector):
    record = services.start_treatment(carol, {"product": "botox"}, by=injector)
    with pytest.raises(ValidationError, match="vial"):
        services.add_site(record, {"x": 50, "y": 33, "units": 10000}, by=injector)
    with pytest.raises(ValidationError, match="more than zero"):
        services.add_site(record, {"x": 50, "y": 33, "units": -4}, by=injector)
    assert not record.sites.exists()
