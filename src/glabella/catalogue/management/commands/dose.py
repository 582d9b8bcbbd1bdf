import tomllib
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from glabella.catalogue.cli import (
    ClinicalCommand,
    add_dilution_arguments,
    cite,
    flagged,
    marks,
    millilitres,
    units,
)
from glabella.clinical import ClinicalCore, DoseSuggestion
from glabella.clinical.dosing import DosePlan


class Command(ClinicalCommand):
    help = "Suggested dose for a product in an area: the label's pattern or the clinic's template."

    def add_arguments(self, parser: Any) -> None:
        add_dilution_arguments(parser, example="dysport")
        parser.add_argument("--area", required=True, help="treatment area, e.g. glabellar")
        parser.add_argument(
            "--clinic-settings",
            type=Path,
            metavar="FILE.toml",
            help="clinic settings with dose templates for off-label areas",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        core = self._core(options["clinic_settings"])
        dilution = core.dilution(
            options["product"], vial_units=options["vial"], diluent_ml=options["diluent"]
        )
        suggestion = core.suggest_dose(options["product"], options["area"], dilution)
        if options["json"]:
            self.emit_json(suggestion)
        else:
            self._print(suggestion)

    def _core(self, settings_file: Path | None) -> ClinicalCore:
        if settings_file is None:
            return ClinicalCore()
        try:
            overrides = tomllib.loads(settings_file.read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise CommandError(f"cannot read {settings_file}: {exc}", returncode=2) from exc
        return ClinicalCore.for_clinic(overrides)

    def _print(self, suggestion: DoseSuggestion) -> None:
        write = self.stdout.write
        basis = "label dose" if suggestion.basis == "label" else "clinic template, off-label"
        write(f"{suggestion.brand}, {suggestion.area_name} ({basis})")
        dilution = suggestion.dilution
        write(
            f"Dilution: {dilution.vial_units} U vial + {millilitres(dilution.diluent_ml)} saline "
            f"= {units(dilution.units_per_0_1_ml)} per 0.1 mL"
        )
        for plan in suggestion.plans:
            write("")
            write(flagged(plan.name, plan.status))
            write(f"  {_site_pattern(plan)}")
            write(f"  Total volume at this dilution: {millilitres(plan.total_volume_ml)}")
            if plan.treated_with:
                write(f"  Given together with: {', '.join(plan.treated_with)}")
            if plan.note:
                write(f"  Note: {plan.note}")
            if plan.sources:
                write(f"  Sources: {cite(plan.sources)}")
            for warning in plan.warnings:
                write(f"  Warning: {warning}")
        for warning in dilution.warnings:
            write(f"Warning: {warning}")


def _site_pattern(plan: DosePlan) -> str:
    per_site = (plan.units_per_site, plan.volume_per_site_ml, plan.syringe_marks_per_site)
    if plan.sites is None or None in per_site:
        return f"{units(plan.total_units)} in all; site pattern not on record"
    return (
        f"{plan.sites} sites × {units(per_site[0])} = {units(plan.total_units)}; "
        f"{millilitres(per_site[1])} per site ({marks(per_site[2])} marks on a U-100 syringe)"
    )
