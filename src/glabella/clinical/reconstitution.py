"""Reconstitution arithmetic: concentration, volumes, syringe marks, vials.

All volumes are in millilitres and all units are the product's own units.
"""

from __future__ import annotations

import math

from pydantic import computed_field

from .errors import InvalidQuantity
from .quantities import require_positive, round_for_display
from .schema import Product, Reconstitution, Record, Status
from .settings import ClinicSettings

# A U-100 insulin syringe is marked in 100 divisions per millilitre.
U100_MARKS_PER_ML = 100


class Dilution(Record):
    product: str
    brand: str
    vial_units: int
    diluent_ml: float
    units_per_ml: float
    label: Reconstitution | None
    warnings: tuple[str, ...] = ()

    @computed_field  # type: ignore[prop-decorator]
    @property
    def units_per_0_1_ml(self) -> float:
        return self.units_per_ml / 10

    def volume_for(self, units: float) -> float:
        return units / self.units_per_ml

    def units_in(self, volume_ml: float) -> float:
        return volume_ml * self.units_per_ml


class Draw(Record):
    """A dose drawn from a reconstituted vial."""

    units: float
    volume_ml: float
    syringe_marks: float
    warnings: tuple[str, ...] = ()


class VialPlan(Record):
    vial_units: int
    vials: int
    units_needed: float
    units_left_over: float


def dilute(product: Product, vial_units: int, diluent_ml: float) -> Dilution:
    """The concentration of ``vial_units`` reconstituted with ``diluent_ml`` of saline."""
    vial = _require_vial(product, vial_units)
    diluent = require_positive("diluent volume", diluent_ml, unit="mL")
    label = _label_reconstitution(product, vial, diluent)
    return Dilution(
        product=product.id,
        brand=product.brand,
        vial_units=vial,
        diluent_ml=diluent,
        units_per_ml=vial / diluent,
        label=label,
        warnings=tuple(_dilution_warnings(product, vial, diluent, label)),
    )


def default_dilution(product: Product, vial_units: int | None = None) -> Dilution:
    """The label's default reconstitution, or the one for ``vial_units``."""
    for recon in product.reconstitutions:
        if vial_units is None and recon.default or recon.vial_units == vial_units:
            return dilute(product, recon.vial_units, recon.diluent_ml)
    size = vial_units if vial_units is not None else "any"
    raise InvalidQuantity(
        f"{product.brand} has no label reconstitution volume on record for {size} U vials; "
        "give the diluent volume"
    )


def draw(dilution: Dilution, units: float, settings: ClinicSettings) -> Draw:
    """Volume and U-100 syringe marks for ``units`` from a reconstituted vial."""
    wanted = require_positive("units", units, unit="U")
    if wanted > dilution.vial_units:
        raise InvalidQuantity(
            f"{wanted:g} U is more than the {dilution.vial_units} U in one {dilution.brand} vial"
        )
    volume = dilution.volume_for(wanted)
    warnings = []
    if volume < settings.min_measurable_ml:
        warnings.append(
            f"{volume:.3f} mL is less than {settings.min_measurable_ml:g} mL, the smallest "
            "volume a U-100 insulin syringe measures; use a more dilute vial"
        )
    return Draw(
        units=wanted,
        volume_ml=volume,
        syringe_marks=syringe_marks(volume),
        warnings=tuple(warnings),
    )


def units_in_volume(dilution: Dilution, volume_ml: float) -> float:
    volume = require_positive("volume", volume_ml, unit="mL")
    if volume > dilution.diluent_ml and not math.isclose(volume, dilution.diluent_ml):
        raise InvalidQuantity(
            f"{volume:g} mL is more than the {dilution.diluent_ml:g} mL in the vial"
        )
    return dilution.units_in(volume)


def syringe_marks(volume_ml: float) -> float:
    """Marks on a U-100 insulin syringe for a volume (not the toxin's units)."""
    return require_positive("volume", volume_ml, unit="mL") * U100_MARKS_PER_ML


def vials_needed(product: Product, total_units: float, vial_units: int) -> VialPlan:
    vial = _require_vial(product, vial_units)
    needed = require_positive("units", total_units, unit="U")
    vials = math.ceil(round_for_display(needed / vial, 9))
    return VialPlan(
        vial_units=vial,
        vials=vials,
        units_needed=needed,
        units_left_over=vials * vial - needed,
    )


def _require_vial(product: Product, vial_units: int) -> int:
    if vial_units not in product.vial_sizes:
        sizes = ", ".join(str(size) for size in product.vial_sizes)
        raise InvalidQuantity(
            f"{product.brand} does not come in a {vial_units} U vial (sizes: {sizes} U)"
        )
    return vial_units


def _label_reconstitution(product: Product, vial: int, diluent: float) -> Reconstitution | None:
    return next(
        (
            r
            for r in product.reconstitutions
            if r.vial_units == vial and math.isclose(r.diluent_ml, diluent)
        ),
        None,
    )


def _dilution_warnings(
    product: Product, vial: int, diluent: float, label: Reconstitution | None
) -> list[str]:
    warnings = []
    vial_facts = next(v for v in product.vials if v.units == vial)
    if vial_facts.use != "cosmetic":
        warnings.append(f"the {vial} U vial of {product.brand} is a {vial_facts.use} vial")
    label_volumes = [r.diluent_ml for r in product.reconstitutions if r.vial_units == vial]
    if label is not None and label.status is not Status.CONFIRMED:
        warnings.append(f"label volume {label.status}: {label.note}")
    elif label is None and label_volumes:
        listed = " or ".join(f"{v:g} mL" for v in label_volumes)
        warnings.append(
            f"{diluent:g} mL is not a label reconstitution volume for the {vial} U vial "
            f"(label: {listed})"
        )
    elif label is None:
        warnings.append(f"no label reconstitution volume is on record for the {vial} U vial")
    return warnings
