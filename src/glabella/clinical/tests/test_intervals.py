"""Review date, retreatment window and the minimum interval between treatments."""

from datetime import date, timedelta

import pytest

from glabella.clinical import ClinicalCore, ClinicalError

CORE = ClinicalCore()
TREATED = date(2025, 3, 3)
PRODUCTS = list(CORE.catalogue.products)


@pytest.mark.parametrize("product", [p for p in PRODUCTS if p != "daxxify"])
def test_schedule_after_a_treatment(product):
    schedule = CORE.schedule_after(TREATED, product)
    assert schedule.treated_on == TREATED
    assert schedule.review_on == TREATED + timedelta(days=14)
    assert schedule.window_opens_on == TREATED + timedelta(weeks=12)
    assert schedule.window_closes_on == TREATED + timedelta(weeks=16)


@pytest.mark.parametrize("product", PRODUCTS)
def test_earliest_retreatment_is_the_later_of_clinic_minimum_and_label(product):
    label_days = CORE.product(product).retreatment.min_days
    expected = TREATED + timedelta(days=max(12 * 7, label_days))
    assert CORE.schedule_after(TREATED, product).earliest_retreatment_on == expected
    assert expected == TREATED + timedelta(days=90)  # every label says 90 days today


def test_78_days_after_is_too_soon_for_two_reasons():
    check = CORE.check_interval(TREATED, TREATED + timedelta(days=78), "botox")
    assert check.days_since_last == 78
    assert check.too_soon is True
    assert check.needs_override_reason is True
    assert len(check.reasons) == 2
    assert "clinic's minimum of 12 weeks" in check.reasons[0]
    assert "90 days for Botox Cosmetic" in check.reasons[1]
    assert check.earliest_on == TREATED + timedelta(days=90)


def test_between_the_clinic_minimum_and_the_label_is_too_soon_for_one_reason():
    check = CORE.check_interval(TREATED, TREATED + timedelta(days=85), "dysport")
    assert check.too_soon is True
    assert len(check.reasons) == 1
    assert "90 days for Dysport" in check.reasons[0]


@pytest.mark.parametrize("days", [90, 100, 365])
def test_on_or_after_the_earliest_date_is_fine(days):
    check = CORE.check_interval(TREATED, TREATED + timedelta(days=days), "botox")
    assert check.too_soon is False
    assert check.reasons == ()
    assert check.days_since_last == days


def test_same_day_is_too_soon():
    check = CORE.check_interval(TREATED, TREATED, "xeomin")
    assert check.days_since_last == 0
    assert check.too_soon is True


def test_a_proposed_date_before_the_last_treatment_is_refused():
    with pytest.raises(ClinicalError, match="before the last treatment"):
        CORE.check_interval(TREATED, TREATED - timedelta(days=1), "botox")


def test_a_longer_clinic_minimum_is_honoured():
    clinic = ClinicalCore.for_clinic({"minimum_interval_weeks": 16})
    schedule = clinic.schedule_after(TREATED, "botox")
    assert schedule.earliest_retreatment_on == TREATED + timedelta(weeks=16)
    check = clinic.check_interval(TREATED, TREATED + timedelta(days=100), "botox")
    assert check.too_soon is True
    assert check.reasons == (
        "100 days since the last treatment is less than the clinic's minimum of 16 weeks",
    )
    assert check.earliest_on == TREATED + timedelta(days=112)


def test_a_shorter_clinic_minimum_still_respects_the_label():
    clinic = ClinicalCore.for_clinic({"minimum_interval_weeks": 8})
    assert clinic.schedule_after(TREATED, "botox").earliest_retreatment_on == TREATED + timedelta(
        days=90
    )
    check = clinic.check_interval(TREATED, TREATED + timedelta(days=60), "botox")
    assert check.too_soon is True
    assert len(check.reasons) == 1
    assert "90 days" in check.reasons[0]


def test_clinic_review_and_window_overrides_are_honoured():
    clinic = ClinicalCore.for_clinic(
        {
            "review_after_days": 21,
            "retreatment_window_start_weeks": 10,
            "retreatment_window_end_weeks": 20,
        }
    )
    schedule = clinic.schedule_after(TREATED, "xeomin")
    assert schedule.review_on == TREATED + timedelta(days=21)
    assert schedule.window_opens_on == TREATED + timedelta(weeks=10)
    assert schedule.window_closes_on == TREATED + timedelta(weeks=20)


def test_daxxify_is_recalled_when_its_longer_effect_wears_off():
    schedule = CORE.schedule_after(TREATED, "daxxify")
    assert schedule.window_opens_on == TREATED + timedelta(weeks=24)
    assert schedule.window_closes_on == TREATED + timedelta(weeks=28)
    assert schedule.earliest_retreatment_on == TREATED + timedelta(days=90)


def test_a_clinic_window_for_one_product_wins():
    clinic = ClinicalCore.for_clinic(
        {"product_windows": {"daxxify": {"start_weeks": 20, "end_weeks": 26}}}
    )
    assert clinic.schedule_after(TREATED, "daxxify").window_opens_on == TREATED + timedelta(
        weeks=20
    )
    assert clinic.schedule_after(TREATED, "botox").window_opens_on == TREATED + timedelta(weeks=12)


@pytest.mark.parametrize(
    "windows",
    [
        {"nonesuch": {"start_weeks": 1, "end_weeks": 2}},
        {"botox": {"start_weeks": 9, "end_weeks": 3}},
    ],
)
def test_bad_product_windows_are_refused(windows):
    with pytest.raises(ClinicalError):
        ClinicalCore.for_clinic({"product_windows": windows})
