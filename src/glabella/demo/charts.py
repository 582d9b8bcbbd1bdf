"""Where the demo's injection sites go and how many units each gets: the clinical core's
suggested plan (label or clinic template), or its literature reference for an off-label
area, laid out on the face chart. Pure: no database.

Points are given for the patient's right side (x < 50 on the chart) and the midline; the
history mirrors them onto the left with the record service, as an injector would.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from glabella.clinical import ClinicalCore, Dilution, DoseUnavailable

Point = tuple[int, int]

RIGHT_POINTS: dict[str, tuple[Point, ...]] = {
    "glabellar": ((44, 30), (41, 28)),
    "lateral_canthal": ((18, 36), (16, 40), (18, 44)),
    "forehead": ((38, 14), (28, 16), (44, 20)),
    "masseter": ((18, 62), (22, 66), (17, 70), (22, 73)),
    "bunny_lines": ((45, 44),),
}
CENTRE_POINTS: dict[str, tuple[Point, ...]] = {
    "glabellar": ((50, 33),),
    "forehead": ((50, 15),),
}


class Variant(StrEnum):
    LABEL = "label"
    STRONGER = "stronger"
    LIGHTER = "lighter"


VARIANT_FACTOR = {Variant.LABEL: Decimal("1"), Variant.STRONGER: Decimal("1.25")}
VARIANT_FACTOR[Variant.LIGHTER] = Decimal("0.75")
QUARTER = Decimal("0.25")


@dataclass(frozen=True)
class AreaDose:
    area: str
    right: tuple[Point, ...]
    centre: tuple[Point, ...]
    units_per_site: Decimal
    off_label_detail: str = ""  # the literature reference used, when the core has no plan

    @property
    def sites(self) -> int:
        return 2 * len(self.right) + len(self.centre)

    @property
    def total_units(self) -> Decimal:
        return self.units_per_site * self.sites


def area_dose(
    core: ClinicalCore, product: str, area: str, variant: Variant = Variant.LABEL
) -> AreaDose:
    """The core's first plan for ``area`` (changed by ``variant``), else its reference."""
    dilution = core.dilution(product)
    try:
        plan = core.suggest_dose(product, area, dilution).plans[0]
    except DoseUnavailable:
        return _from_reference(core, product, area, variant)
    total = Decimal(str(plan.total_units))
    sites = plan.sites or _even_split(area, total)
    right, centre = _layout(area, sites)
    per_site = Decimal(str(plan.units_per_site)) if plan.units_per_site else total / sites
    return AreaDose(area, right, centre, quarter(per_site * VARIANT_FACTOR[variant]))


def _even_split(area: str, total: Decimal) -> int:
    """The most sites the chart lays out in ``area`` that share ``total`` in quarter units."""
    most = 2 * len(RIGHT_POINTS[area]) + len(CENTRE_POINTS.get(area, ()))
    for sites in range(most, 0, -1):
        if (total / sites) % QUARTER == 0:
            return sites
    raise DoseUnavailable(f"{total} U does not split into quarter units in {area}")


def _from_reference(core: ClinicalCore, product: str, area: str, variant: Variant) -> AreaDose:
    reference = core.catalogue.area(area).reference
    if reference is None or reference.units_of != product:
        raise DoseUnavailable(f"no dose for {area} in {product} units in the clinical core")
    right = RIGHT_POINTS[area][: reference.points_per_side or len(RIGHT_POINTS[area])]
    low, high = Decimal(str(reference.low)), Decimal(str(reference.high))
    start = Decimal(str(reference.start)) if reference.start else low
    amount = min(max(start * VARIANT_FACTOR[variant], low), high)
    per_site = amount / len(right) if reference.per == "side" else amount
    detail = f"{reference.low:g}–{reference.high:g} U per {reference.per}"
    return AreaDose(area, right, (), quarter(per_site), off_label_detail=detail)


def _layout(area: str, sites: int) -> tuple[tuple[Point, ...], tuple[Point, ...]]:
    centre = CENTRE_POINTS.get(area, ())[: sites % 2]
    per_side = (sites - len(centre)) // 2
    right = RIGHT_POINTS[area][:per_side]
    if len(right) != per_side or 2 * per_side + len(centre) != sites:
        raise DoseUnavailable(f"the demo chart cannot lay out {sites} sites in {area}")
    return right, centre


def dilution_for(core: ClinicalCore, product: str, doses: list[AreaDose]) -> Dilution:
    """The label dilution, or less diluent when a site's units would need more than the
    clinic's largest volume per site (as an injector does for the masseter)."""
    default = core.dilution(product)
    largest = max(dose.units_per_site for dose in doses)
    limit = Decimal(str(core.clinic.max_volume_per_site_ml))
    if largest / Decimal(str(default.units_per_ml)) <= limit:
        return default
    diluent = Decimal(default.vial_units) * limit / largest
    diluent = Decimal(math.floor(diluent / QUARTER)) * QUARTER
    return core.dilution(product, vial_units=default.vial_units, diluent_ml=float(diluent))


def vials_for(core: ClinicalCore, product: str, total: Decimal, vial_units: int) -> int:
    return core.vials_needed(product, float(total), vial_units).vials


def quarter(units: Decimal) -> Decimal:
    """Units in the quarter-unit steps the record accepts (at least one quarter)."""
    steps = (units / QUARTER).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return max(steps, Decimal("1")) * QUARTER
