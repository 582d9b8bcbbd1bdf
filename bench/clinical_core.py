"""Clinical core: catalogue load and per-call cost of each question, against baselines.

Baselines, measured in the same run: reading the TOML files without validation
(for the load), and validating an intake without judging it (for the calls).
"""

import tomllib
from datetime import date

from bench.timing import measure, print_table
from glabella.clinical import ClinicalCore, Intake
from glabella.clinical.catalogue import DATA_DIR, load_catalogue


def _parse_toml_only() -> None:
    for path in DATA_DIR.rglob("*.toml"):
        tomllib.loads(path.read_text())


def _load_cold() -> None:
    load_catalogue.cache_clear()
    load_catalogue()


def main() -> None:
    baseline_load = measure("baseline: parse the TOML files only", _parse_toml_only, 30)
    load = measure("load + validate + cross-check the catalogue", _load_cold, 30)
    print_table("Catalogue load (cold)", [baseline_load, load], baseline_load)

    core = ClinicalCore()
    dilution = core.dilution("botox", vial_units=100, diluent_ml=2.5)
    intake = {"age": 45, "pregnant": False, "allergies": ["cow_milk_protein"]}
    baseline = measure("baseline: validate an intake", lambda: Intake.model_validate(intake), 2000)
    calls = [
        baseline,
        measure(
            "dilution (vial + diluent)", lambda: core.dilution("dysport", diluent_ml=2.5), 2000
        ),
        measure("draw 20 U", lambda: core.draw(dilution, 20), 2000),
        measure(
            "suggest dose (dysport, glabellar)",
            lambda: core.suggest_dose("dysport", "glabellar", core.dilution("dysport")),
            2000,
        ),
        measure(
            "compare units (dysport → botox)",
            lambda: core.compare_units(50, "dysport", "botox"),
            2000,
        ),
        measure(
            "check interval",
            lambda: core.check_interval(date(2026, 1, 5), date(2026, 3, 1), "botox"),
            2000,
        ),
        measure(
            "screen all six products", lambda: core.screen(Intake.model_validate(intake)), 2000
        ),
        measure("assess an area", lambda: core.assess("glabellar", static=2, dynamic=3), 2000),
    ]
    print_table("Clinical core calls (warm)", calls, baseline)
