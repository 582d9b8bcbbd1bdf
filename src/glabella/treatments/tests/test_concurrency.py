"""Two requests racing on one record (PostgreSQL: SQLite serialises writers anyway).

Signing and charting lock the record row first (``select_for_update``), so a second
signature or a tap that lands while the record is being signed sees it signed and is
refused; exactly one review is proposed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from glabella.scheduling.models import Appointment
from glabella.testing import chart_glabellar, race
from glabella.treatments import services
from glabella.treatments.models import InjectionSite, TreatmentRecord

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; SQLite serialises writers")


@pytest.fixture
def ready_draft(carol, injector) -> TreatmentRecord:  # type: ignore[no-untyped-def]
    record = services.start_treatment(carol, {"product": "botox"}, by=injector)
    services.add_vial(record, "R1", timezone.localdate() + timedelta(days=60), by=injector)
    chart_glabellar(record, by=injector)
    return services.update_treatment(record, {"aftercare_given": True}, by=injector)


def test_two_signatures_at_once_sign_once_and_propose_one_review(ready_draft, injector):
    outcomes = race(
        lambda: services.sign_treatment(ready_draft, by=injector),
        lambda: services.sign_treatment(ready_draft, by=injector),
    )
    assert sorted(outcomes)[-1] == "ok"
    assert "signed" in sorted(outcomes)[0]
    assert Appointment.objects.filter(follows=ready_draft).count() == 1


def test_a_tap_racing_the_signature_never_changes_the_signed_record(ready_draft, injector):
    outcomes = race(
        lambda: services.sign_treatment(ready_draft, by=injector),
        lambda: services.add_site(ready_draft, {"x": 50, "y": 20, "units": 2}, by=injector),
    )
    signed = TreatmentRecord.objects.get(pk=ready_draft.pk)
    sites = InjectionSite.objects.filter(treatment=signed).count()
    if outcomes[1] == "ok":  # the tap came first: the signature then counted it (a deviation)
        assert signed.status == "draft" and sites == 6
    else:  # the signature came first: the tap was refused and the record is as signed
        assert signed.status == "signed" and sites == 5 and signed.total_units == 20
