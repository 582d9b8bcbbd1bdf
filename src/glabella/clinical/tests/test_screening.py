"""Contraindication screening: intake answers to a verdict per product, with reasons."""

import pytest

from glabella.clinical import ClinicalCore, Intake, InvalidIntake, Outcome

CORE = ClinicalCore()
PRODUCTS = sorted(CORE.catalogue.products)
OK, REVIEW, STOP = Outcome.OK, Outcome.REVIEW, Outcome.DO_NOT_TREAT


def _screen(**answers):
    answers.setdefault("age", 40)
    return CORE.screen(Intake(**answers))


def _outcomes(**answers):
    result = _screen(**answers)
    return {p.product: p.outcome for p in result.products}


def _every(outcome):
    return dict.fromkeys(PRODUCTS, outcome)


def _only(products, outcome, otherwise=OK):
    return {p: outcome if p in products else otherwise for p in PRODUCTS}


CASES = {
    "clean adult": ({}, _every(OK)),
    "pregnant": ({"pregnant": True}, _every(STOP)),
    "breastfeeding": ({"breastfeeding": True}, _every(STOP)),
    "site infection": ({"site_infection": True}, _every(STOP)),
    "neuromuscular disorder": ({"neuromuscular_disorder": True}, _every(REVIEW)),
    "swallowing or breathing": ({"swallowing_or_breathing_difficulty": True}, _every(REVIEW)),
    "previous reaction": ({"previous_reaction": True}, _every(REVIEW)),
    "aminoglycoside": ({"medicines": {"aminoglycoside"}}, _every(REVIEW)),
    "curare-like": ({"medicines": {"curare_like"}}, _every(REVIEW)),
    "anticholinergic": ({"medicines": {"anticholinergic"}}, _every(REVIEW)),
    "blood thinner": ({"medicines": {"anticoagulant_or_antiplatelet"}}, _every(OK)),
    "toxin allergy": ({"allergies": {"botulinum_toxin"}}, _every(STOP)),
    "human albumin": (
        {"allergies": {"human_albumin"}},
        {
            "botox": STOP,
            "dysport": STOP,
            "jeuveau": STOP,
            "daxxify": OK,
            "xeomin": REVIEW,
            "letybo": REVIEW,
        },
    ),
    "other allergy": ({"allergies": {"other"}}, _every(REVIEW)),
    "cardiovascular": (
        {"cardiovascular_disease": True},
        _only({"botox", "daxxify", "jeuveau"}, REVIEW),
    ),
    "age 16": ({"age": 16}, _every(STOP)),
    "age 17": ({"age": 17}, _every(STOP)),
    "age 18": ({"age": 18}, _every(OK)),
    "age 64": ({"age": 64}, _every(OK)),
    "age 65": ({"age": 65}, _only({"dysport"}, REVIEW)),
    "age 70": ({"age": 70}, _only({"dysport"}, REVIEW)),
    "age missing": ({"age": None}, _every(REVIEW)),
    "worst wins": (
        {"pregnant": True, "neuromuscular_disorder": True, "medicines": {"anticholinergic"}},
        _every(STOP),
    ),
    "review beats a note": (
        {"medicines": {"anticoagulant_or_antiplatelet", "aminoglycoside"}},
        _every(REVIEW),
    ),
}


@pytest.mark.parametrize(("answers", "expected"), CASES.values(), ids=CASES.keys())
def test_outcome_per_product(answers, expected):
    assert _outcomes(**answers) == expected


@pytest.mark.parametrize(
    ("allergen", "product"), [("cow_milk_protein", "dysport"), ("rtp004_peptide", "daxxify")]
)
def test_an_ingredient_allergy_rules_out_only_the_product_that_contains_it(allergen, product):
    outcomes = _outcomes(allergies={allergen})
    assert outcomes.pop(product) is STOP
    assert STOP not in outcomes.values()


def test_every_product_is_screened():
    assert sorted(p.product for p in _screen().products) == PRODUCTS


def test_a_clean_adult_has_no_findings():
    for product in _screen().products:
        assert product.findings == ()


def test_dysport_cow_milk_finding_names_the_ingredient():
    dysport = _screen(allergies={"cow_milk_protein"}).for_product("dysport")
    (finding,) = dysport.findings
    assert finding.outcome is STOP
    assert "Dysport contains cow's milk protein" in finding.reason


def test_daxxify_is_free_of_human_albumin():
    daxxify = _screen(allergies={"human_albumin"}).for_product("daxxify")
    assert daxxify.findings == ()


def test_a_blood_thinner_is_ok_with_a_finding():
    for product in _screen(medicines={"anticoagulant_or_antiplatelet"}).products:
        (finding,) = product.findings
        assert finding.rule == "blood_thinners"
        assert finding.outcome is OK
        assert "bruising" in finding.reason


def test_age_70_gives_dysport_a_label_age_finding_only():
    result = _screen(age=70)
    (finding,) = result.for_product("dysport").findings
    assert finding.rule == "age_above_label"
    assert "65" in finding.reason
    assert result.for_product("botox").findings == ()


def test_missing_age_asks_to_confirm_adulthood():
    for product in _screen(age=None).products:
        assert [f.rule for f in product.findings] == ["unknown_age"]


EVERYTHING = {
    "age": 16,
    "pregnant": True,
    "breastfeeding": True,
    "neuromuscular_disorder": True,
    "swallowing_or_breathing_difficulty": True,
    "cardiovascular_disease": True,
    "site_infection": True,
    "previous_reaction": True,
    "allergies": set(CORE.catalogue.screening.allergens),
    "medicines": set(CORE.catalogue.screening.medicines),
}


@pytest.mark.parametrize("answers", [EVERYTHING, {**EVERYTHING, "age": 80}, {"age": None}])
def test_every_finding_has_a_reason_and_a_known_source(answers):
    result = _screen(**answers)
    findings = [f for p in result.products for f in p.findings]
    assert findings
    for finding in findings:
        assert finding.reason.strip()
        assert finding.sources
        assert all(s in CORE.catalogue.sources for s in finding.sources)


def test_every_finding_outcome_is_no_worse_than_the_verdict():
    for product in _screen(**EVERYTHING).products:
        assert product.outcome is STOP
        assert all(f.outcome.severity <= product.outcome.severity for f in product.findings)


@pytest.mark.parametrize(
    "answers",
    [
        {"allergies": {"peanut"}},
        {"medicines": {"paracetamol"}},
        {"allergies": {"human_albumin", "shellfish"}},
    ],
)
def test_unknown_allergy_or_medicine_is_refused(answers):
    with pytest.raises(InvalidIntake):
        _screen(**answers)


def test_outcome_severity_orders_ok_review_stop():
    assert OK.severity < REVIEW.severity < STOP.severity
