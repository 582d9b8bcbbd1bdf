"""The clinical commands, run in process as the console script runs them; two smoke tests
run the installed `glabella` executable itself."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from glabella.testing import run_cli as run

GLABELLA = shutil.which("glabella", path=str(Path(sys.executable).parent)) or "glabella"


def run_executable(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  (fixed executable, test-controlled arguments)
        [GLABELLA, *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_reconstitute_reports_four_units_per_tenth_of_a_millilitre() -> None:
    result = run("reconstitute", "--product", "botox", "--vial", "100", "--diluent", "2.5")
    assert result.returncode == 0, result.stderr
    assert "Concentration: 4 U per 0.1 mL (40 U per mL)" in result.stdout


def test_reconstitute_with_units_gives_volume_and_syringe_marks() -> None:
    result = run(
        "reconstitute",
        "--product",
        "botox",
        "--vial",
        "100",
        "--diluent",
        "2.5",
        "--units",
        "20",
        "--json",
    )
    answer = json.loads(result.stdout)
    assert answer["dilution"]["units_per_0_1_ml"] == 4.0
    assert answer["draw"] == {
        "units": 20.0,
        "volume_ml": 0.5,
        "syringe_marks": 50.0,
        "warnings": [],
    }


def test_convert_dysport_to_botox_gives_range_source_and_caveat() -> None:
    result = run("convert", "50", "--from", "dysport", "--to", "botox")
    assert result.returncode == 0, result.stderr
    assert "about 16.7–20 U Botox Cosmetic" in result.stdout
    assert "S-AAO" in result.stdout
    assert "not interchangeable" in result.stdout


def test_convert_daxxify_is_refused_with_the_reason() -> None:
    result = run_executable("convert", "40", "--from", "daxxify", "--to", "botox")
    assert result.returncode == 2
    assert "No potency ratio has been published for Daxxify" in result.stderr
    assert result.stdout == ""


def test_dose_for_dysport_glabellar_lines() -> None:
    result = run("dose", "--product", "dysport", "--area", "glabellar", "--diluent", "2.5")
    assert result.returncode == 0, result.stderr
    assert "12 U per 0.1 mL" in result.stdout
    assert "5 sites × 10 U = 50 U; 0.083 mL per site" in result.stdout


def test_dose_uses_a_clinic_template_for_an_off_label_area(tmp_path: Path) -> None:
    settings = tmp_path / "clinic.toml"
    settings.write_text(
        '[[dose_templates]]\nproduct = "botox"\narea = "masseter"\nname = "Masseter"\n'
        "sites = 4\nunits_per_site = 5\n"
    )
    result = run(
        "dose",
        "--product",
        "botox",
        "--area",
        "masseter",
        "--clinic-settings",
        str(settings),
        "--json",
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["basis"] == "clinic_template"
    assert answer["plans"][0]["total_units"] == 20.0


def test_products_lists_all_six_brands() -> None:
    result = run_executable("products")
    assert result.returncode == 0, result.stderr
    for brand in ("Botox Cosmetic", "Dysport", "Xeomin", "Jeuveau", "Daxxify", "Letybo"):
        assert brand in result.stdout


def test_screen_dysport_with_milk_protein_allergy_is_do_not_treat() -> None:
    result = run("screen", "--age", "40", "--allergy", "cow_milk_protein", "--json")
    verdicts = {p["product"]: p["outcome"] for p in json.loads(result.stdout)["products"]}
    assert verdicts["dysport"] == "do_not_treat"
    assert verdicts["botox"] != "do_not_treat"


def test_screen_reads_answers_from_a_json_file(tmp_path: Path) -> None:
    answers = tmp_path / "intake.json"
    answers.write_text(json.dumps({"age": 30, "pregnant": True}))
    result = run("screen", "--answers", str(answers), "--product", "botox")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Botox Cosmetic: DO NOT TREAT")


def test_schedule_gives_review_window_and_a_too_soon_reason() -> None:
    result = run(
        "schedule",
        "--product",
        "botox",
        "--treated",
        "2026-11-26",
        "--proposed",
        "2027-02-10",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["schedule"]["review_on"] == "2026-12-10"
    assert answer["schedule"]["window_opens_on"] == "2027-02-18"
    assert answer["schedule"]["window_closes_on"] == "2027-03-18"
    assert answer["schedule"]["earliest_retreatment_on"] == "2027-02-24"
    assert answer["proposed"]["too_soon"] is True
    assert len(answer["proposed"]["reasons"]) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("dose", "--product", "nosuch", "--area", "glabellar"), "unknown product 'nosuch'"),
        (("convert", "-5", "--from", "dysport", "--to", "botox"), "units must be more than 0"),
        (
            ("reconstitute", "--product", "botox", "--vial", "100", "--diluent", "0"),
            "diluent volume must be more than 0",
        ),
        (
            (
                "reconstitute",
                "--product",
                "botox",
                "--vial",
                "100",
                "--diluent",
                "2.5",
                "--units",
                "150",
            ),
            "more than the 100 U in one Botox Cosmetic vial",
        ),
        (
            ("reconstitute", "--product", "botox", "--vial", "150", "--diluent", "2.5"),
            "does not come in a 150 U vial",
        ),
        (("reconstitute", "--product", "botox", "--vial", "abc"), "invalid int value"),
        (("dose", "--product", "botox", "--area", "elbow"), "unknown treatment area 'elbow'"),
        (("screen", "--allergy", "peanuts"), "unknown allergy peanuts"),
        (("screen", "--age", "200"), "age"),
        (("schedule", "--product", "botox", "--treated", "2026-13-01"), "YYYY-MM-DD"),
        (
            (
                "schedule",
                "--product",
                "botox",
                "--treated",
                "2026-05-01",
                "--proposed",
                "2026-04-01",
            ),
            "before the last treatment",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
