"""Brand-to-brand unit comparison, only as a literature range with its caveat.

This is the only place in Glabella that relates units of one product to another.
It never returns a single number: the answer is a range, its sources, and the
label caveat that units are not interchangeable.
"""

from __future__ import annotations

from .catalogue import Catalogue
from .errors import ConversionRefused
from .quantities import require_positive
from .schema import ConversionRatio, Product, Record, Status


class Conversion(Record):
    units: float
    from_product: str
    from_brand: str
    to_product: str
    to_brand: str
    low: float
    high: float
    ratio: str
    sources: tuple[str, ...]
    status: Status
    note: str
    caveat: str
    caveat_sources: tuple[str, ...]


def compare_units(
    catalogue: Catalogue, units: float, source: Product, target: Product
) -> Conversion:
    """The range of ``target`` units reported to match ``units`` of ``source``."""
    amount = require_positive("units", units, unit="U")
    _refuse_unsupported(catalogue, source, target)
    ratio, inverted = _find_ratio(catalogue, source, target)
    if inverted:
        low, high = amount * ratio.low, amount * ratio.high
    else:
        low, high = amount / ratio.high, amount / ratio.low
    caveat = catalogue.conversions.caveat
    return Conversion(
        units=amount,
        from_product=source.id,
        from_brand=source.brand,
        to_product=target.id,
        to_brand=target.brand,
        low=low,
        high=high,
        ratio=_describe_ratio(catalogue, ratio),
        sources=ratio.sources,
        status=ratio.status,
        note=ratio.note,
        caveat=caveat.value,
        caveat_sources=caveat.sources,
    )


def _refuse_unsupported(catalogue: Catalogue, source: Product, target: Product) -> None:
    if source.id == target.id:
        raise ConversionRefused(f"{source.brand} to {source.brand}: the units are the same")
    for refusal in catalogue.conversions.refusals:
        if refusal.product in (source.id, target.id):
            raise ConversionRefused(
                f"cannot compare {source.brand} and {target.brand} units: {refusal.reason}"
            )


def _find_ratio(
    catalogue: Catalogue, source: Product, target: Product
) -> tuple[ConversionRatio, bool]:
    for ratio in catalogue.conversions.ratios:
        if (ratio.from_product, ratio.to_product) == (source.id, target.id):
            return ratio, False
        if (ratio.from_product, ratio.to_product) == (target.id, source.id):
            return ratio, True
    raise ConversionRefused(
        f"cannot compare {source.brand} and {target.brand} units: no published ratio "
        "between these two products is on record"
    )


def _describe_ratio(catalogue: Catalogue, ratio: ConversionRatio) -> str:
    left = catalogue.products[ratio.from_product].brand
    right = catalogue.products[ratio.to_product].brand
    span = f"{ratio.low:g}" if ratio.low == ratio.high else f"{ratio.low:g}–{ratio.high:g}"
    return f"{span} {left} U : 1 {right} U"
