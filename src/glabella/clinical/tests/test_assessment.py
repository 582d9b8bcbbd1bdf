"""Assessment of an area: lines at rest and at maximum contraction to a recommendation."""

import re

import pytest

from glabella.clinical import ClinicalCore, InvalidAssessment, UnknownArea

CORE = ClinicalCore()
AREAS = list(CORE.catalogue.areas)
GRADES = range(4)
VALID_PAIRS = [(s, d) for s in GRADES for d in GRADES if s <= d]

EXPECTED = {
    (0, 2): "neuromodulator",
    (1, 3): "neuromodulator",
    (0, 3): "neuromodulator",
    (1, 2): "neuromodulator",
    (2, 3): "both",
    (2, 2): "referral",
    (3, 3): "referral",
    (0, 1): "none",
    (0, 0): "none",
    (1, 1): "none",
}


@pytest.mark.parametrize(("static", "dynamic"), EXPECTED, ids=lambda g: str(g))
def test_recommendation(static, dynamic):
    result = CORE.assess("glabellar", static=static, dynamic=dynamic)
    assert result.recommendation == EXPECTED[(static, dynamic)]


def test_every_valid_pair_is_in_the_table():
    assert sorted(EXPECTED) == sorted(VALID_PAIRS)


def test_the_issue_example_glabellar_2_at_rest_3_at_frown_is_both():
    result = CORE.assess("frown lines", static=2, dynamic=3)
    assert result.recommendation == "both"
    assert result.area == "glabellar"
    assert (result.static_name, result.dynamic_name) == ("moderate", "severe")
    assert result.contraction == "maximum frown"


@pytest.mark.parametrize("area", AREAS)
def test_every_area_can_be_assessed(area):
    result = CORE.assess(area, static=0, dynamic=2)
    assert result.area == area
    assert result.contraction == CORE.catalogue.areas[area].contraction


@pytest.mark.parametrize(("static", "dynamic"), [(1, 0), (2, 1), (3, 0), (3, 2)])
def test_deeper_at_rest_than_at_contraction_is_refused(static, dynamic):
    with pytest.raises(InvalidAssessment, match="deeper at rest"):
        CORE.assess("glabellar", static=static, dynamic=dynamic)


BAD_GRADES = [-1, 4, 10, 1.0, 2.5, True, False, "2", None]


@pytest.mark.parametrize("grade", BAD_GRADES, ids=repr)
def test_a_bad_grade_at_rest_is_refused(grade):
    with pytest.raises(InvalidAssessment):
        CORE.assess("glabellar", static=grade, dynamic=3)


@pytest.mark.parametrize("grade", BAD_GRADES, ids=repr)
def test_a_bad_grade_at_contraction_is_refused(grade):
    with pytest.raises(InvalidAssessment):
        CORE.assess("glabellar", static=0, dynamic=grade)


@pytest.mark.parametrize(("static", "dynamic"), VALID_PAIRS)
def test_every_reason_is_plain_words_with_sources(static, dynamic):
    result = CORE.assess("forehead", static=static, dynamic=dynamic)
    assert result.reason.strip()
    assert result.reason[0].isupper() and result.reason.endswith(".")
    assert not re.search(r"[_{}\[\]<>]|S-[A-Z]|\b(static|dynamic|grade)\b", result.reason)
    assert result.sources
    assert all(s in CORE.catalogue.sources for s in result.sources)


def test_each_recommendation_has_its_own_reason():
    reasons = {CORE.assess("glabellar", static=s, dynamic=d).reason for s, d in EXPECTED}
    assert len(reasons) == 4


@pytest.mark.parametrize("area", ["earlobe", "", "glabellarr"])
def test_an_unknown_area_is_refused(area):
    with pytest.raises(UnknownArea):
        CORE.assess(area, static=0, dynamic=2)
