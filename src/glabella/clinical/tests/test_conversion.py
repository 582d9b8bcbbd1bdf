"""Brand-to-brand unit comparison: a literature range with sources and caveat, or a refusal."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glabella.clinical import ClinicalCore, ConversionRefused, InvalidQuantity

CORE = ClinicalCore()
RATIO_PAIRS = [
    (ratio.from_product, ratio.to_product) for ratio in CORE.catalogue.conversions.ratios
]
SUPPORTED = [*RATIO_PAIRS, *((b, a) for a, b in RATIO_PAIRS)]


@pytest.mark.parametrize(
    ("units", "source", "target", "low", "high"),
    [
        (50, "dysport", "botox", 16.67, 20.0),
        (20, "botox", "dysport", 50.0, 60.0),
        (20, "xeomin", "botox", 20.0, 20.0),
        (20, "botox", "xeomin", 20.0, 20.0),
        (20, "jeuveau", "botox", 20.0, 20.0),
        (20, "Botox Cosmetic", "Jeuveau", 20.0, 20.0),
    ],
)
def test_reported_range(units, source, target, low, high):
    result = CORE.compare_units(units, source, target)
    assert result.low == pytest.approx(low, abs=0.005)
    assert result.high == pytest.approx(high, abs=0.005)
    assert result.units == units


def test_dysport_to_botox_carries_sources_and_the_caveat():
    result = CORE.compare_units(50, "dysport", "botox")
    assert (result.from_product, result.to_product) == ("dysport", "botox")
    assert (result.from_brand, result.to_brand) == ("Dysport", "Botox Cosmetic")
    assert result.sources
    assert all(s in CORE.catalogue.sources for s in result.sources)
    assert "not interchangeable" in result.caveat
    assert result.caveat_sources
    assert "2.5–3" in result.ratio


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("daxxify", "botox"),
        ("botox", "daxxify"),
        ("daxxify", "dysport"),
        ("letybo", "botox"),
        ("botox", "letybo"),
    ],
)
def test_products_without_a_published_ratio_are_refused_with_the_reason(source, target):
    refusal = next(r for r in CORE.catalogue.conversions.refusals if r.product in (source, target))
    with pytest.raises(ConversionRefused) as caught:
        CORE.compare_units(20, source, target)
    assert refusal.reason in str(caught.value)


@pytest.mark.parametrize(
    ("source", "target"), [("dysport", "xeomin"), ("xeomin", "dysport"), ("jeuveau", "xeomin")]
)
def test_a_pair_with_no_ratio_on_record_is_refused(source, target):
    with pytest.raises(ConversionRefused, match="no published ratio"):
        CORE.compare_units(20, source, target)


@pytest.mark.parametrize("product", ["botox", "dysport", "daxxify"])
def test_the_same_product_is_refused(product):
    with pytest.raises(ConversionRefused, match="the same"):
        CORE.compare_units(20, product, product)


@pytest.mark.parametrize("units", [-1, 0, math.nan, math.inf])
def test_units_must_be_finite_and_positive(units):
    with pytest.raises(InvalidQuantity):
        CORE.compare_units(units, "dysport", "botox")


def test_negative_units_are_refused_before_the_pair_is_judged():
    with pytest.raises(InvalidQuantity):
        CORE.compare_units(-5, "daxxify", "botox")


amounts = st.floats(min_value=0.01, max_value=1000)
factors = st.floats(min_value=0.01, max_value=100)
pairs = st.sampled_from(SUPPORTED)


@settings(deadline=None)
@given(amounts, pairs)
def test_low_never_exceeds_high(units, pair):
    result = CORE.compare_units(units, *pair)
    assert 0 < result.low <= result.high
    assert math.isfinite(result.high)


@settings(deadline=None)
@given(amounts, factors, pairs)
def test_range_scales_linearly_with_units(units, factor, pair):
    base = CORE.compare_units(units, *pair)
    scaled = CORE.compare_units(units * factor, *pair)
    assert math.isclose(scaled.low, base.low * factor, rel_tol=1e-9)
    assert math.isclose(scaled.high, base.high * factor, rel_tol=1e-9)


@settings(deadline=None)
@given(amounts, pairs)
def test_there_and_back_spans_the_start(units, pair):
    there = CORE.compare_units(units, *pair)
    back_low = CORE.compare_units(there.low, pair[1], pair[0])
    back_high = CORE.compare_units(there.high, pair[1], pair[0])
    assert back_low.low <= units * (1 + 1e-9)
    assert back_high.high >= units * (1 - 1e-9)
