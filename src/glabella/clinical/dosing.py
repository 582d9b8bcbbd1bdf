"""Dose suggestion for a product in an area: the label's pattern, else the clinic's template."""

from __future__ import annotations

from typing import Literal

from .catalogue import Catalogue
from .errors import DoseUnavailable
from .reconstitution import Dilution, syringe_marks
from .schema import Area, Product, Record, ReferenceDose, Regimen, Status
from .settings import ClinicSettings, DoseTemplate


class DosePlan(Record):
    name: str
    total_units: float
    sites: int | None
    units_per_site: float | None
    total_volume_ml: float
    volume_per_site_ml: float | None
    syringe_marks_per_site: float | None
    label_volume_ml: float | None
    treated_with: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    status: Status = Status.CONFIRMED
    note: str = ""
    warnings: tuple[str, ...] = ()


class DoseSuggestion(Record):
    product: str
    brand: str
    area: str
    area_name: str
    basis: Literal["label", "clinic_template"]
    off_label: bool
    dilution: Dilution
    plans: tuple[DosePlan, ...]


def suggest_dose(
    catalogue: Catalogue,
    product: Product,
    area: Area,
    dilution: Dilution,
    settings: ClinicSettings,
) -> DoseSuggestion:
    """Label dose and sites where the label covers the area, otherwise the clinic template."""
    if dilution.product != product.id:
        raise DoseUnavailable(f"the dilution is for {dilution.brand}, not {product.brand}")
    indication = product.indication_for(area.id)
    template = settings.template_for(product.id, area.id)
    if indication is not None:
        plans = tuple(_plan_from_regimen(r, dilution, settings) for r in indication.regimens)
        basis: Literal["label", "clinic_template"] = "label"
    elif template is not None:
        plans = (_plan_from_template(template, dilution, settings),)
        basis = "clinic_template"
    else:
        raise DoseUnavailable(_no_dose_message(catalogue, product, area))
    return DoseSuggestion(
        product=product.id,
        brand=product.brand,
        area=area.id,
        area_name=area.name,
        basis=basis,
        off_label=indication is None,
        dilution=dilution,
        plans=plans,
    )


def _plan_from_regimen(regimen: Regimen, dilution: Dilution, settings: ClinicSettings) -> DosePlan:
    return _plan(
        dilution,
        settings,
        name=regimen.name,
        total_units=regimen.total_units,
        sites=regimen.sites,
        units_per_site=regimen.units_per_site,
        label_volume_ml=regimen.volume_ml,
        treated_with=regimen.treated_with,
        sources=regimen.sources,
        status=regimen.status,
        note=regimen.note,
    )


def _plan_from_template(
    template: DoseTemplate, dilution: Dilution, settings: ClinicSettings
) -> DosePlan:
    return _plan(
        dilution,
        settings,
        name=template.name,
        total_units=template.total_units,
        sites=template.sites,
        units_per_site=template.units_per_site,
        label_volume_ml=None,
        status=Status.CLINIC_DEFINED,
        note=template.note or "The clinic's own template (off-label).",
    )


def _plan(
    dilution: Dilution,
    settings: ClinicSettings,
    *,
    total_units: float,
    sites: int | None,
    units_per_site: float | None,
    **facts: object,
) -> DosePlan:
    per_site_ml = dilution.volume_for(units_per_site) if units_per_site else None
    return DosePlan.model_validate(
        {
            **facts,
            "total_units": total_units,
            "sites": sites,
            "units_per_site": units_per_site,
            "total_volume_ml": dilution.volume_for(total_units),
            "volume_per_site_ml": per_site_ml,
            "syringe_marks_per_site": syringe_marks(per_site_ml) if per_site_ml else None,
            "warnings": _volume_warnings(total_units, per_site_ml, dilution, settings),
        }
    )


def _volume_warnings(
    total_units: float,
    per_site_ml: float | None,
    dilution: Dilution,
    settings: ClinicSettings,
) -> tuple[str, ...]:
    warnings = []
    if total_units > dilution.vial_units:
        warnings.append(f"{total_units:g} U needs more than one {dilution.vial_units} U vial")
    if per_site_ml is not None and per_site_ml > settings.max_volume_per_site_ml + 1e-9:
        warnings.append(
            f"{per_site_ml:.3f} mL per site is more than {settings.max_volume_per_site_ml:g} mL; "
            "larger volumes spread further"
        )
    if per_site_ml is not None and per_site_ml < settings.min_measurable_ml - 1e-9:
        warnings.append(
            f"{per_site_ml:.3f} mL per site is less than a U-100 syringe measures "
            f"({settings.min_measurable_ml:g} mL)"
        )
    return tuple(warnings)


def _no_dose_message(catalogue: Catalogue, product: Product, area: Area) -> str:
    message = (
        f"{product.brand} has no label dose for {area.name.lower()} and the clinic has no "
        "template for it"
    )
    if area.reference is not None:
        message += f". Literature (off-label, {area.reference.status}): " + _describe_reference(
            catalogue, area.reference
        )
    return message + ". Define a clinic dose template to plan this area."


def _describe_reference(catalogue: Catalogue, reference: ReferenceDose) -> str:
    brand = catalogue.products[reference.units_of].brand
    span = (
        f"{reference.low:g}"
        if reference.low == reference.high
        else (f"{reference.low:g}–{reference.high:g}")
    )
    sources = ", ".join(reference.sources)
    return (
        f"{span} U per {reference.per} in {brand} units, not convertible to other brands "
        f"[{sources}]"
    )
