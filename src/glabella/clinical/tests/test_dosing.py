"""Dose suggestions: the label's pattern, else the clinic's template, else a refusal."""

import pytest

from glabella.clinical import ClinicalCore, ClinicalError, DoseUnavailable, Status

CORE = ClinicalCore()
LABEL_PAIRS = [
    pytest.param(product.id, indication.area, id=f"{product.id}-{indication.area}")
    for product in CORE.catalogue.products.values()
    for indication in product.indications
]
UNLABELLED_PAIRS = [
    pytest.param(product.id, area.id, id=f"{product.id}-{area.id}")
    for product in CORE.catalogue.products.values()
    for area in CORE.catalogue.areas.values()
    if product.indication_for(area.id) is None
]
MASSETER_TEMPLATE = {
    "product": "botox",
    "area": "masseter",
    "name": "Masseter, 3 points per side",
    "sites": 6,
    "units_per_site": 4,
}


@pytest.mark.parametrize(("product", "area"), LABEL_PAIRS)
def test_label_dose_for_every_label_area(product, area):
    dilution = CORE.dilution(product)
    suggestion = CORE.suggest_dose(product, area, dilution)
    regimens = CORE.product(product).indication_for(area).regimens
    assert suggestion.basis == "label"
    assert suggestion.off_label is False
    assert [p.name for p in suggestion.plans] == [r.name for r in regimens]
    for plan, regimen in zip(suggestion.plans, regimens, strict=True):
        assert plan.total_units == regimen.total_units
        assert plan.total_volume_ml == pytest.approx(regimen.total_units / dilution.units_per_ml)
        assert plan.label_volume_ml == regimen.volume_ml
        assert plan.sources == regimen.sources
        assert plan.status == regimen.status
        if regimen.has_site_pattern:
            per_site = regimen.units_per_site / dilution.units_per_ml
            assert plan.volume_per_site_ml == pytest.approx(per_site)
            assert plan.syringe_marks_per_site == pytest.approx(per_site * 100)


def test_dysport_glabellar_is_50_units_in_5_sites_of_10():
    suggestion = CORE.suggest_dose("dysport", "glabellar", CORE.dilution("dysport"))
    (plan,) = suggestion.plans
    assert (plan.total_units, plan.sites, plan.units_per_site) == (50, 5, 10)
    assert plan.volume_per_site_ml == pytest.approx(0.083, abs=5e-4)
    assert suggestion.dilution.diluent_ml == 2.5


@pytest.mark.parametrize(("product", "total"), [("botox", 20), ("jeuveau", 20), ("xeomin", 20)])
def test_4_unit_products_give_0_1_ml_per_glabellar_site(product, total):
    (plan,) = CORE.suggest_dose(product, "frown lines", CORE.dilution(product)).plans
    assert plan.total_units == total
    assert plan.volume_per_site_ml == pytest.approx(0.1)
    assert plan.total_volume_ml == pytest.approx(0.5)
    assert plan.warnings == ()


def test_botox_forehead_is_given_with_glabellar():
    (plan,) = CORE.suggest_dose("botox", "forehead", CORE.dilution("botox")).plans
    assert plan.treated_with == ("glabellar",)
    assert plan.total_units == 20


def test_botox_platysma_has_three_regimens_with_no_site_pattern():
    suggestion = CORE.suggest_dose("botox", "platysma", CORE.dilution("botox"))
    assert [p.total_units for p in suggestion.plans] == [26, 31, 36]
    for plan in suggestion.plans:
        assert plan.sites is None
        assert plan.units_per_site is None
        assert plan.volume_per_site_ml is None
        assert plan.syringe_marks_per_site is None
        assert plan.status is Status.UNCONFIRMED
        assert plan.note


@pytest.mark.parametrize(("product", "area"), UNLABELLED_PAIRS)
def test_an_area_without_label_or_template_is_refused(product, area):
    with pytest.raises(DoseUnavailable, match="Define a clinic dose template"):
        CORE.suggest_dose(product, area, CORE.dilution(product))


@pytest.mark.parametrize("product", ["botox", "dysport", "daxxify"])
def test_the_refusal_names_the_literature_range_and_says_units_do_not_convert(product):
    with pytest.raises(DoseUnavailable) as caught:
        CORE.suggest_dose(product, "masseter", CORE.dilution(product))
    message = str(caught.value)
    assert "20–40 U per side" in message
    assert "Botox Cosmetic units" in message
    assert "not convertible" in message
    assert "S-YOELIN" in message


def test_a_dilution_for_another_product_is_refused():
    with pytest.raises(DoseUnavailable):
        CORE.suggest_dose("botox", "glabellar", CORE.dilution("dysport"))


def test_a_clinic_template_covers_an_off_label_area():
    clinic = ClinicalCore.for_clinic({"dose_templates": [MASSETER_TEMPLATE]})
    suggestion = clinic.suggest_dose("botox", "masseter", clinic.dilution("botox"))
    assert suggestion.basis == "clinic_template"
    assert suggestion.off_label is True
    (plan,) = suggestion.plans
    assert (plan.total_units, plan.sites, plan.units_per_site) == (24, 6, 4)
    assert plan.status is Status.CLINIC_DEFINED
    assert plan.note
    assert plan.volume_per_site_ml == pytest.approx(0.1)


def test_a_clinic_template_is_only_for_its_product():
    clinic = ClinicalCore.for_clinic({"dose_templates": [MASSETER_TEMPLATE]})
    with pytest.raises(DoseUnavailable):
        clinic.suggest_dose("dysport", "masseter", clinic.dilution("dysport"))


def test_the_label_wins_over_a_clinic_template():
    template = {**MASSETER_TEMPLATE, "area": "glabellar", "name": "Clinic glabellar"}
    clinic = ClinicalCore.for_clinic({"dose_templates": [template]})
    suggestion = clinic.suggest_dose("botox", "glabellar", clinic.dilution("botox"))
    assert suggestion.basis == "label"


def test_more_than_0_1_ml_per_site_warns():
    dilution = CORE.dilution("botox", vial_units=100, diluent_ml=5.0)
    (plan,) = CORE.suggest_dose("botox", "glabellar", dilution).plans
    assert plan.volume_per_site_ml == pytest.approx(0.2)
    assert any("per site is more than 0.1 mL" in w for w in plan.warnings)


def test_a_dose_larger_than_the_vial_warns():
    template = {**MASSETER_TEMPLATE, "sites": 6, "units_per_site": 10}
    clinic = ClinicalCore.for_clinic({"dose_templates": [template]})
    dilution = clinic.dilution("botox", vial_units=50, diluent_ml=1.25)
    (plan,) = clinic.suggest_dose("botox", "masseter", dilution).plans
    assert any("more than one 50 U vial" in w for w in plan.warnings)


# --- clinic settings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"retreatment_window_start_weeks": 16, "retreatment_window_end_weeks": 12},
        {"dose_templates": [{**MASSETER_TEMPLATE, "product": "myobloc"}]},
        {"dose_templates": [{**MASSETER_TEMPLATE, "area": "earlobe"}]},
        {"dose_templates": [{**MASSETER_TEMPLATE, "units_per_site": -4}]},
        {"reconstituted_vial_mode": "clinic", "reconstituted_vial_hours": None},
        {"minimum_interval_weeks": 0},
        {"no_such_setting": 1},
    ],
    ids=[
        "window-closes-before-it-opens",
        "template-unknown-product",
        "template-unknown-area",
        "template-negative-units",
        "clinic-vial-policy-without-hours",
        "zero-minimum-interval",
        "unknown-setting",
    ],
)
def test_invalid_clinic_settings_are_refused(overrides):
    with pytest.raises(ClinicalError):
        ClinicalCore.for_clinic(overrides)


def test_default_settings_come_from_clinic_defaults():
    clinic = CORE.clinic
    assert clinic.max_volume_per_site_ml == 0.1
    assert clinic.min_measurable_ml == 0.01
    assert clinic.dose_templates == ()


@pytest.mark.parametrize(("product", "hours"), [("botox", 24), ("daxxify", 72)])
def test_in_use_hours_follow_the_label_by_default(product, hours):
    assert CORE.in_use_hours(product) == hours


def test_a_clinic_vial_policy_overrides_the_label():
    clinic = ClinicalCore.for_clinic(
        {"reconstituted_vial_mode": "clinic", "reconstituted_vial_hours": 672}
    )
    assert clinic.in_use_hours("botox") == 672
