"""A clinic's own settings, starting from the shipped defaults."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, PositiveFloat, PositiveInt, ValidationError, model_validator

from .catalogue import Catalogue
from .errors import ClinicalError
from .schema import Record, Slug


class DoseTemplate(Record):
    """A clinic's own dose pattern for a product in an area the label does not cover."""

    product: Slug
    area: Slug
    name: str = Field(min_length=1)
    sites: PositiveInt
    units_per_site: PositiveFloat
    note: str = ""

    @property
    def total_units(self) -> float:
        return self.sites * self.units_per_site


class WindowWeeks(Record):
    """A clinic's own retreatment window for one product."""

    start_weeks: PositiveInt
    end_weeks: PositiveInt


class ClinicSettings(Record):
    review_after_days: PositiveInt
    retreatment_window_start_weeks: PositiveInt
    retreatment_window_end_weeks: PositiveInt
    minimum_interval_weeks: PositiveInt
    reconstituted_vial_mode: Literal["label", "clinic"]
    reconstituted_vial_hours: PositiveInt | None = None
    max_volume_per_site_ml: PositiveFloat
    min_measurable_ml: PositiveFloat
    dose_templates: tuple[DoseTemplate, ...] = ()
    product_windows: dict[Slug, WindowWeeks] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> ClinicSettings:
        if self.retreatment_window_start_weeks > self.retreatment_window_end_weeks:
            raise ValueError("the retreatment window must open before it closes")
        for product, window in self.product_windows.items():
            if window.start_weeks > window.end_weeks:
                raise ValueError(f"the retreatment window for {product} must open before it closes")
        if self.reconstituted_vial_mode == "clinic" and self.reconstituted_vial_hours is None:
            raise ValueError("a clinic vial policy needs reconstituted_vial_hours")
        return self

    def template_for(self, product: str, area: str) -> DoseTemplate | None:
        return next(
            (t for t in self.dose_templates if t.product == product and t.area == area), None
        )


def default_settings(catalogue: Catalogue) -> ClinicSettings:
    defaults = catalogue.clinic_defaults
    return ClinicSettings(
        review_after_days=defaults.review_after.days,
        retreatment_window_start_weeks=defaults.retreatment_window.start_weeks,
        retreatment_window_end_weeks=defaults.retreatment_window.end_weeks,
        minimum_interval_weeks=defaults.minimum_interval.weeks,
        reconstituted_vial_mode=defaults.reconstituted_vial.mode,
        reconstituted_vial_hours=defaults.reconstituted_vial.hours,
        max_volume_per_site_ml=defaults.dilution_limits.max_volume_per_site_ml,
        min_measurable_ml=defaults.dilution_limits.min_measurable_ml,
    )


def clinic_settings(catalogue: Catalogue, overrides: dict[str, Any]) -> ClinicSettings:
    """The defaults with a clinic's overrides applied; templates must name known things."""
    merged = default_settings(catalogue).model_dump() | overrides
    try:
        settings = ClinicSettings.model_validate(merged)
    except ValidationError as exc:
        raise ClinicalError(f"invalid clinic settings: {exc}") from exc
    for product in settings.product_windows:
        if product not in catalogue.products:
            raise ClinicalError(f"a retreatment window names unknown product {product!r}")
    for template in settings.dose_templates:
        if template.product not in catalogue.products:
            raise ClinicalError(f"dose template names unknown product {template.product!r}")
        if template.area not in catalogue.areas:
            raise ClinicalError(f"dose template names unknown area {template.area!r}")
    return settings
