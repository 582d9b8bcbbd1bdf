"""The face chart's pure rules: where a tap lands, mirroring, totals per area and how a
charted dose compares with the clinical core's suggestion. No database.

Chart coordinates are percentages of the chart's width (x) and height (y), drawn as the
viewer sees the patient: the patient's right side is on the viewer's left (x < 50).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from glabella.clinical import ClinicalCore, Dilution, DoseUnavailable

MIDLINE = Decimal("50")
CENTRE_HALF_WIDTH = Decimal("3")  # a site this close to the midline has no other side


@dataclass(frozen=True)
class Region:
    area: str
    x0: int
    y0: int
    x1: int
    y1: int

    def contains(self, x: Decimal, y: Decimal) -> bool:
        return self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1


# Drawn regions of the chart (templates/treatments/_face.svg uses the same boxes); the first
# region that contains a tap names its area. Mirror-image regions are listed per side.
REGIONS = (
    Region("glabellar", 40, 27, 60, 38),
    Region("brow_lift", 24, 24, 36, 31),
    Region("brow_lift", 64, 24, 76, 31),
    Region("forehead", 22, 7, 78, 26),
    Region("lateral_canthal", 10, 33, 24, 47),
    Region("lateral_canthal", 76, 33, 90, 47),
    Region("bunny_lines", 42, 40, 58, 50),
    Region("gummy_smile", 38, 54, 62, 60),
    Region("lip_flip", 38, 61, 62, 67),
    Region("masseter", 12, 56, 28, 76),
    Region("masseter", 72, 56, 88, 76),
    Region("depressor_anguli_oris", 30, 70, 42, 80),
    Region("depressor_anguli_oris", 58, 70, 70, 80),
    Region("chin", 43, 76, 57, 86),
    Region("platysma", 28, 89, 72, 100),
)


def area_at(x: Decimal, y: Decimal) -> str | None:
    return next((r.area for r in REGIONS if r.contains(x, y)), None)


def side_of(x: Decimal) -> str:
    if abs(x - MIDLINE) <= CENTRE_HALF_WIDTH:
        return "centre"
    return "right" if x < MIDLINE else "left"


def mirror_x(x: Decimal) -> Decimal | None:
    """The x of the matching point on the other side, or None for a midline site."""
    if side_of(x) == "centre":
        return None
    return Decimal("100") - x


@dataclass(frozen=True)
class ChartedSite:
    area: str
    units: Decimal


@dataclass(frozen=True)
class AreaTotal:
    area: str
    area_name: str
    sites: int
    units: Decimal
    volume_ml: Decimal


def volume_for(units: Decimal, dilution: Dilution) -> Decimal:
    return (units / Decimal(str(dilution.units_per_ml))).quantize(Decimal("0.001"))


def area_totals(
    sites: Iterable[ChartedSite], dilution: Dilution, core: ClinicalCore
) -> list[AreaTotal]:
    """Units, sites and volume per area, in the order areas were first charted."""
    units: dict[str, Decimal] = {}
    counts: dict[str, int] = {}
    for site in sites:
        units[site.area] = units.get(site.area, Decimal("0")) + site.units
        counts[site.area] = counts.get(site.area, 0) + 1
    return [
        AreaTotal(
            area=area,
            area_name=core.catalogue.area(area).name,
            sites=counts[area],
            units=total,
            volume_ml=volume_for(total, dilution),
        )
        for area, total in units.items()
    ]


@dataclass(frozen=True)
class Deviation:
    area: str
    units: Decimal
    suggested: tuple[Decimal, ...]  # empty: the core has no dose for this product and area

    @property
    def message(self) -> str:
        if not self.suggested:
            return (
                f"{self.area}: {self.units} U, and the clinical core has no label dose or clinic "
                "template for this product here"
            )
        options = " or ".join(f"{u} U" for u in self.suggested)
        return f"{self.area}: {self.units} U where the core suggests {options}"


def deviations(
    totals: Iterable[AreaTotal], product: str, dilution: Dilution, core: ClinicalCore
) -> list[Deviation]:
    """Areas whose charted total matches none of the core's suggested plans."""
    found = []
    for total in totals:
        suggested = _suggested_totals(core, product, total.area, dilution)
        if total.units not in suggested:
            found.append(Deviation(area=total.area, units=total.units, suggested=suggested))
    return found


def _suggested_totals(
    core: ClinicalCore, product: str, area: str, dilution: Dilution
) -> tuple[Decimal, ...]:
    try:
        suggestion = core.suggest_dose(product, area, dilution)
    except DoseUnavailable:
        return ()
    return tuple(Decimal(str(plan.total_units)) for plan in suggestion.plans)
