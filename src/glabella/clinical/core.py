"""One entry point to the clinical core: names in, checked answers out.

Callers (the command line, pages, the API, later the treatment services) ask
this object rather than reaching into the data, so every name is resolved and
every number validated the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .assessment import AreaAssessment, assess_area
from .catalogue import Catalogue, load_catalogue
from .conversion import Conversion, compare_units
from .dosing import DoseSuggestion, suggest_dose
from .intervals import IntervalCheck, Schedule, check_interval, schedule_after
from .reconstitution import (
    Dilution,
    Draw,
    VialPlan,
    default_dilution,
    dilute,
    draw,
    units_in_volume,
    vials_needed,
)
from .schema import Intake, Product
from .screening import ScreeningResult, screen
from .settings import ClinicSettings, clinic_settings, default_settings


@dataclass(frozen=True)
class ClinicalCore:
    catalogue: Catalogue = field(default_factory=load_catalogue)
    settings: ClinicSettings | None = None

    @classmethod
    def for_clinic(cls, overrides: dict[str, Any]) -> ClinicalCore:
        catalogue = load_catalogue()
        return cls(catalogue=catalogue, settings=clinic_settings(catalogue, overrides))

    @property
    def clinic(self) -> ClinicSettings:
        return self.settings or default_settings(self.catalogue)

    def product(self, name: str) -> Product:
        return self.catalogue.product(name)

    def dilution(
        self, product: str, *, vial_units: int | None = None, diluent_ml: float | None = None
    ) -> Dilution:
        """The dilution asked for, or the label's default reconstitution where left out."""
        found = self.product(product)
        if diluent_ml is None:
            return default_dilution(found, vial_units)
        if vial_units is None:
            vial_units = _default_vial(found)
        return dilute(found, vial_units, diluent_ml)

    def draw(self, dilution: Dilution, units: float) -> Draw:
        return draw(dilution, units, self.clinic)

    def units_in_volume(self, dilution: Dilution, volume_ml: float) -> float:
        return units_in_volume(dilution, volume_ml)

    def vials_needed(self, product: str, total_units: float, vial_units: int) -> VialPlan:
        return vials_needed(self.product(product), total_units, vial_units)

    def suggest_dose(self, product: str, area: str, dilution: Dilution) -> DoseSuggestion:
        return suggest_dose(
            self.catalogue, self.product(product), self.catalogue.area(area), dilution, self.clinic
        )

    def compare_units(self, units: float, source: str, target: str) -> Conversion:
        return compare_units(self.catalogue, units, self.product(source), self.product(target))

    def schedule_after(self, treated_on: date, product: str) -> Schedule:
        return schedule_after(treated_on, self.product(product), self.clinic)

    def check_interval(
        self, last_treated_on: date, proposed_on: date, product: str
    ) -> IntervalCheck:
        return check_interval(last_treated_on, proposed_on, self.product(product), self.clinic)

    def screen(self, intake: Intake) -> ScreeningResult:
        return screen(self.catalogue, intake)

    def assess(self, area: str, *, static: int, dynamic: int) -> AreaAssessment:
        return assess_area(
            self.catalogue, self.catalogue.area(area), static=static, dynamic=dynamic
        )

    def in_use_hours(self, product: str) -> int:
        """How long a reconstituted vial may be used under the clinic's policy."""
        clinic = self.clinic
        if clinic.reconstituted_vial_mode == "clinic" and clinic.reconstituted_vial_hours:
            return clinic.reconstituted_vial_hours
        return self.product(product).storage.in_use_hours


def _default_vial(product: Product) -> int:
    default = product.default_reconstitution
    return default.vial_units if default else max(product.vial_sizes)
