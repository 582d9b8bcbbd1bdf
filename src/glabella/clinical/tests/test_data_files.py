"""The shipped data files load, validate and agree with themselves; a broken folder is refused."""

import math
import re
import shutil
from pathlib import Path

import pytest

from glabella.clinical import CatalogueError, ClinicalCore, Intake, Status, load_catalogue
from glabella.clinical.catalogue import DATA_DIR, iter_evidence

CATALOGUE = load_catalogue()

DATA_OBJECTS = {
    **{f"product:{key}": value for key, value in CATALOGUE.products.items()},
    **{f"area:{key}": value for key, value in CATALOGUE.areas.items()},
    "conversions": CATALOGUE.conversions,
    "screening": CATALOGUE.screening,
    "assessment": CATALOGUE.assessment,
    "clinic_defaults": CATALOGUE.clinic_defaults,
}
FACTS = [
    pytest.param(fact, id=f"{name}#{index}")
    for name, obj in DATA_OBJECTS.items()
    for index, fact in enumerate(iter_evidence(obj))
]
REGIMENS = [
    (product, indication, regimen)
    for product in CATALOGUE.products.values()
    for indication in product.indications
    for regimen in indication.regimens
]
SITE_PATTERNS = [
    pytest.param(regimen, id=f"{product.id}:{indication.area}:{regimen.name}")
    for product, indication, regimen in REGIMENS
    if regimen.has_site_pattern
]
STATED_VOLUMES = [
    pytest.param(product, regimen, id=f"{product.id}:{indication.area}:{regimen.name}")
    for product, indication, regimen in REGIMENS
    if regimen.volume_ml is not None and product.default_reconstitution is not None
]
RECONSTITUTIONS = [
    pytest.param(recon, id=f"{product.id}:{recon.vial_units}U/{recon.diluent_ml:g}mL")
    for product in CATALOGUE.products.values()
    for recon in product.reconstitutions
]


def test_every_data_file_loads_and_validates():
    assert CATALOGUE.sources
    assert CATALOGUE.areas
    assert CATALOGUE.conversions.ratios
    assert CATALOGUE.screening.rules


def test_all_six_products_are_present():
    expected = {"botox", "dysport", "xeomin", "jeuveau", "daxxify", "letybo"}
    assert set(CATALOGUE.products) == expected


def test_there_are_facts_to_check():
    assert len(FACTS) > 100
    assert len(SITE_PATTERNS) >= 8
    assert len(STATED_VOLUMES) >= 8


@pytest.mark.parametrize("fact", FACTS)
def test_confirmed_fact_has_a_source(fact):
    if fact.status is Status.CONFIRMED:
        assert fact.sources


@pytest.mark.parametrize("fact", FACTS)
def test_every_cited_source_exists(fact):
    missing = [s for s in fact.sources if s not in CATALOGUE.sources]
    assert not missing


@pytest.mark.parametrize("fact", FACTS)
def test_unsettled_fact_has_a_note(fact):
    if fact.status in (Status.UNCONFIRMED, Status.CONFLICT):
        assert fact.note.strip()


@pytest.mark.parametrize("regimen", SITE_PATTERNS)
def test_site_pattern_adds_up_to_the_total(regimen):
    assert regimen.total_units == pytest.approx(regimen.sites * regimen.units_per_site)


@pytest.mark.parametrize(("product", "regimen"), STATED_VOLUMES)
def test_regimen_volume_matches_the_default_reconstitution(product, regimen):
    recon = product.default_reconstitution
    computed = regimen.total_units / (recon.vial_units / recon.diluent_ml)
    agrees = math.isclose(computed, regimen.volume_ml, abs_tol=0.005 + 1e-9)
    # A disagreement is acceptable only where the data itself carries it as a conflict
    # (Daxxify: 40 U at 100 U/1.2 mL is 0.48 mL, while the label says 0.5 mL).
    assert agrees or recon.status is Status.CONFLICT, (computed, regimen.volume_ml)


@pytest.mark.parametrize("recon", RECONSTITUTIONS)
def test_stated_strength_agrees_with_vial_and_diluent(recon):
    units_per_ml = recon.vial_units / recon.diluent_ml
    assert round(recon.stated_units / units_per_ml, 2) == pytest.approx(recon.stated_ml)


def test_daxxify_100_unit_reconstitution_is_carried_as_a_conflict():
    daxxify = CATALOGUE.products["daxxify"]
    recon = next(r for r in daxxify.reconstitutions if r.vial_units == 100)
    assert recon.diluent_ml == 1.2
    assert recon.status is Status.CONFLICT
    assert recon.note
    # 100 U / 1.2 mL is 8.33 U per 0.1 mL, not the 8 U the label doses.
    assert (recon.vial_units / recon.diluent_ml) / 10 != pytest.approx(recon.stated_units)


def test_botox_100_units_in_2_5_ml_is_exactly_4_units_per_0_1_ml():
    recon = CATALOGUE.products["botox"].default_reconstitution
    assert (recon.vial_units, recon.diluent_ml) == (100, 2.5)
    assert recon.vial_units / recon.diluent_ml / 10 == 4.0
    assert (recon.stated_units, recon.stated_ml) == (4, 0.1)


# --- a broken data folder is refused -------------------------------------------------------
# load_catalogue is cached per folder path, so every case gets its own copy.


def _copy_data(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    shutil.copytree(DATA_DIR, folder)
    return folder


def _edit(path: Path, pattern: str, replacement: str) -> None:
    """Apply one regex substitution to a copied data file, failing loudly if nothing matched."""
    text = path.read_text(encoding="utf-8")
    edited, count = re.subn(pattern, replacement, text, count=1, flags=re.DOTALL)
    assert count == 1, f"{pattern!r} not in {path.name}"
    path.write_text(edited, encoding="utf-8")


BREAKAGES = {
    "regimen cites an unknown source": (
        "products/botox.toml",
        r"(\[\[indications\.regimens\]\].*?sources = \[)",
        r'\1"S-DOES-NOT-EXIST", ',
    ),
    "confirmed fact without sources": (
        "products/botox.toml",
        r'(\[maker\]\nvalue = "[^"\n]*"\n)sources = \[[^\]]*\]\n',
        r"\1",
    ),
    "reconstitution for a vial the product lacks": (
        "products/botox.toml",
        r"vial_units = 50\n",
        "vial_units = 150\n",
    ),
    "malformed toml": ("areas.toml", r"\[\[areas\]\]\n", "[[areas]\nid = = 'broken'\n"),
    "indication for an unknown area": (
        "products/dysport.toml",
        r'area = "glabellar"',
        'area = "nowhere"',
    ),
    "ratio names an unknown product": ("conversions.toml", r'from = "dysport"', 'from = "myobloc"'),
    "two products share a name": ("products/letybo.toml", r"aliases = \[", 'aliases = ["ona", '),
    "unsettled fact without a note": (
        "products/dysport.toml",
        r'(status = "unconfirmed"\n)note = "[^\n]*"\n',
        r"\1",
    ),
}


def test_an_unbroken_copy_of_the_data_loads(tmp_path):
    copy = load_catalogue(_copy_data(tmp_path, "intact"))
    assert set(copy.products) == set(CATALOGUE.products)


@pytest.mark.parametrize(("file", "pattern", "new"), BREAKAGES.values(), ids=BREAKAGES.keys())
def test_broken_data_folder_is_refused(tmp_path, file, pattern, new):
    folder = _copy_data(tmp_path, "broken")
    _edit(folder / file, pattern, new)
    with pytest.raises(CatalogueError):
        load_catalogue(folder)


def test_missing_product_folder_is_refused(tmp_path):
    folder = _copy_data(tmp_path, "no-products")
    shutil.rmtree(folder / "products")
    with pytest.raises(CatalogueError):
        load_catalogue(folder)


# --- known gaps: these fail today (see the report) --------------------------------------------


def test_two_product_files_with_the_same_id_are_refused(tmp_path):
    # catalogue._load_products keys products by id, so a second file for "botox" silently
    # replaces the first: here Botox's glabellar dose becomes 200 U without any error.
    folder = _copy_data(tmp_path, "duplicate-id")
    second = folder / "products/botox_v2.toml"
    shutil.copy(folder / "products/botox.toml", second)
    _edit(second, r"total_units = 20\n", "total_units = 200\n")
    with pytest.raises(CatalogueError):
        load_catalogue(folder)


def test_screening_rule_matching_an_unknown_medicine_is_refused(tmp_path):
    # A typo in `matches` makes the rule unable to fire; nothing checks it against [medicines].
    folder = _copy_data(tmp_path, "bad-match")
    _edit(folder / "screening.toml", r'"aminoglycoside"', '"aminoglycosid"')
    with pytest.raises(CatalogueError):
        load_catalogue(folder)


def test_screening_rule_on_an_unknown_intake_answer_is_refused(tmp_path):
    # A typo in `when` loads, then screen() raises AttributeError in front of the patient.
    folder = _copy_data(tmp_path, "bad-when")
    _edit(folder / "screening.toml", r'when = "pregnant"', 'when = "pregnnant"')
    try:
        catalogue = load_catalogue(folder)
    except CatalogueError:
        return
    ClinicalCore(catalogue=catalogue).screen(Intake(age=40))
