"""Clinic.answer_variables: the values behind the assistant's ``{name}`` placeholders."""

from datetime import date
from decimal import Decimal

import pytest

from glabella.accounts.models import Clinic
from glabella.clinical import ClinicalCore

TREATED = date(2026, 3, 2)
NUMBERS = (
    "onset_days_min",
    "onset_days_max",
    "peak_days",
    "review_days",
    "duration_months_min",
    "duration_months_max",
    "daxxify_duration_months",
    "retreat_weeks_min",
    "retreat_weeks_max",
    "minimum_interval_weeks",
    "label_interval_months",
)
POLICIES = ("injectors", "touch_up_policy", "same_visit_policy")
PRICES = (
    "price_botox_unit",
    "price_dysport_unit",
    "price_xeomin_unit",
    "price_jeuveau_unit",
    "price_daxxify_unit",
    "price_letybo_unit",
    "consultation_fee",
)


def expected_from_core(core: ClinicalCore) -> dict[str, str]:
    """The same figures, read off the core's own answers (the schedule it gives)."""
    effect = core.catalogue.effect
    general = core.schedule_after(TREATED, "botox")
    daxxify = core.schedule_after(TREATED, "daxxify")
    label_days = core.product("botox").retreatment.min_days
    return {
        "onset_days_min": str(effect.onset.low_days),
        "onset_days_max": str(effect.onset.high_days),
        "peak_days": str(effect.peak.weeks * 7),
        "review_days": str((general.review_on - TREATED).days),
        "duration_months_min": str(effect.duration.low_months),
        "duration_months_max": str(effect.duration.high_months),
        "daxxify_duration_months": str(
            round((daxxify.window_opens_on - TREATED).days * 12 / 365.25)
        ),
        "retreat_weeks_min": str((general.window_opens_on - TREATED).days // 7),
        "retreat_weeks_max": str((general.window_closes_on - TREATED).days // 7),
        "minimum_interval_weeks": str(core.clinic.minimum_interval_weeks),
        "label_interval_months": str(round(label_days * 12 / 365.25)),
    }


def test_numbers_for_default_settings_are_the_cores_defaults() -> None:
    values = Clinic(name="Default", phone="1").answer_variables()
    numbers = {name: values[name] for name in NUMBERS}
    assert numbers == expected_from_core(ClinicalCore())
    assert numbers == {
        "onset_days_min": "2",
        "onset_days_max": "7",
        "peak_days": "14",
        "review_days": "14",
        "duration_months_min": "3",
        "duration_months_max": "4",
        "daxxify_duration_months": "6",
        "retreat_weeks_min": "12",
        "retreat_weeks_max": "16",
        "minimum_interval_weeks": "12",
        "label_interval_months": "3",
    }


@pytest.mark.django_db
def test_a_clinics_own_review_interval_and_windows_show() -> None:
    clinic = Clinic.objects.create(
        name="Own",
        slug="own",
        phone="1",
        clinical_settings={
            "review_after_days": 21,
            "retreatment_window_start_weeks": 13,
            "retreatment_window_end_weeks": 18,
            "minimum_interval_weeks": 14,
            "product_windows": {"daxxify": {"start_weeks": 20, "end_weeks": 26}},
        },
    )
    values = Clinic.objects.get(pk=clinic.pk).answer_variables()
    numbers = {name: values[name] for name in NUMBERS}
    assert numbers == expected_from_core(clinic.clinical_core())
    assert numbers["review_days"] == "21"
    assert numbers["retreat_weeks_min"] == "13"
    assert numbers["retreat_weeks_max"] == "18"
    assert numbers["minimum_interval_weeks"] == "14"
    assert numbers["daxxify_duration_months"] == "5"
    assert numbers["peak_days"] == "14"  # a class fact, not a clinic setting


@pytest.mark.parametrize("language", ["en", "es"])
def test_numbers_are_plain_digits_in_every_language(language: str) -> None:
    values = Clinic(name="Any", phone="1").answer_variables(language)
    assert all(values[name].isdigit() for name in NUMBERS)
    assert values["treatment_minutes"] == "30"
    assert values["consultation_minutes"] == "30"


def test_unset_prices_invite_the_patient_to_ask() -> None:
    english = Clinic(name="Any", phone="1").answer_variables()
    spanish = Clinic(name="Any", phone="1").answer_variables("es")
    assert {english[name] for name in PRICES} == {"ask us for the current price"}
    assert {spanish[name] for name in PRICES} == {"pregúntenos el precio actual"}


def test_set_prices_show_as_money_and_a_zero_fee_as_no_charge() -> None:
    clinic = Clinic(
        name="Any", phone="1", price_botox_unit=Decimal("13.50"), consultation_fee=Decimal("0")
    )
    assert clinic.answer_variables()["price_botox_unit"] == "$13.50"
    assert clinic.answer_variables()["consultation_fee"] == "no charge"
    assert clinic.answer_variables("es")["consultation_fee"] == "sin cargo"


def test_unset_policies_ask_the_patient_to_ask_in_each_language() -> None:
    english = Clinic(name="Any", phone="1").answer_variables()
    spanish = Clinic(name="Any", phone="1").answer_variables("es")
    assert all(english[name].startswith("Ask us") for name in POLICIES)
    assert all(spanish[name].startswith("Pregúntenos") for name in POLICIES)


def test_clinic_written_policies_show_in_the_answers_language() -> None:
    clinic = Clinic(
        name="Any",
        phone="1",
        injectors_en="Our nurse injectors, supervised by Dr Lee.",
        injectors_es="Nuestras enfermeras, supervisadas por la Dra. Lee.",
        touch_up_policy_en="Touch-ups at the review are free.",
    )
    assert clinic.answer_variables()["injectors"] == "Our nurse injectors, supervised by Dr Lee."
    assert clinic.answer_variables("es")["injectors"] == (
        "Nuestras enfermeras, supervisadas por la Dra. Lee."
    )
    assert clinic.answer_variables()["touch_up_policy"] == "Touch-ups at the review are free."
    # No Spanish text yet: the neutral Spanish invitation, never the English sentence.
    assert clinic.answer_variables("es")["touch_up_policy"].startswith("Pregúntenos")


def test_an_unknown_language_reads_as_english() -> None:
    values = Clinic(name="Any", phone="1").answer_variables("fr")
    assert values["booking_url"] == "our booking page"
    assert values["injectors"].startswith("Ask us")


def test_the_existing_keys_are_kept() -> None:
    values = Clinic(
        name="Kept", phone="555", emergency_number="112", booking_url="https://k.example/b"
    ).answer_variables()
    assert values["clinic_name"] == "Kept"
    assert values["phone"] == "555"
    assert values["emergency_number"] == "112"
    assert values["booking_url"] == "https://k.example/b"
    assert values["opening_hours"] == "our opening hours"
    assert set(PRICES) <= set(values)
