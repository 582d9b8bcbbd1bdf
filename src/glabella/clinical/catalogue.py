"""Loads and validates the clinical data files, and looks things up in them.

The data lives in ``clinical/data/*.toml``. Loading validates every file against
its schema and checks that every cited source exists, so a broken data file
fails at start-up (and in the tests), never in front of a patient.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import CatalogueError, UnknownArea, UnknownProduct
from .schema import (
    Area,
    AssessmentData,
    ClinicDefaults,
    ConversionData,
    EffectTimeline,
    Intake,
    Product,
    ScreeningData,
    Source,
    Sourced,
)

DATA_DIR = Path(__file__).parent / "data"

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Catalogue:
    sources: dict[str, Source]
    products: dict[str, Product]
    areas: dict[str, Area]
    conversions: ConversionData
    screening: ScreeningData
    assessment: AssessmentData
    clinic_defaults: ClinicDefaults
    effect: EffectTimeline

    def product(self, name: str) -> Product:
        """Find a product by id, brand or alias, ignoring case and spacing."""
        if name in self.products:
            return self.products[name]
        wanted = _normalise(name)
        for product in self.products.values():
            names = (product.id, product.brand, product.generic, *product.aliases)
            if wanted in {_normalise(n) for n in names}:
                return product
        known = ", ".join(self.products)
        raise UnknownProduct(f"unknown product {name!r}; known products: {known}")

    def area(self, name: str) -> Area:
        if name in self.areas:
            return self.areas[name]
        wanted = _normalise(name)
        for area in self.areas.values():
            if wanted in {_normalise(n) for n in (area.id, area.name, *area.aliases)}:
                return area
        known = ", ".join(self.areas)
        raise UnknownArea(f"unknown treatment area {name!r}; known areas: {known}")

    def source(self, source_id: str) -> Source:
        return self.sources[source_id]


def _normalise(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


@cache
def load_catalogue(data_dir: Path = DATA_DIR) -> Catalogue:
    """Read, validate and cross-check every data file (cached per folder)."""
    catalogue = Catalogue(
        sources=_load_keyed(data_dir / "sources.toml", Source),
        products=_load_products(data_dir / "products"),
        areas=_load_areas(data_dir / "areas.toml"),
        conversions=_parse(data_dir / "conversions.toml", ConversionData),
        screening=_parse(data_dir / "screening.toml", ScreeningData),
        assessment=_parse(data_dir / "assessment.toml", AssessmentData),
        clinic_defaults=_parse(data_dir / "clinic_defaults.toml", ClinicDefaults),
        effect=_parse(data_dir / "effect.toml", EffectTimeline),
    )
    _check_cross_references(catalogue)
    return catalogue


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogueError(f"{path.name}: {exc}") from exc


def _parse(path: Path, model: type[M], data: Any = None) -> M:
    try:
        return model.model_validate(_read_toml(path) if data is None else data)
    except ValidationError as exc:
        raise CatalogueError(f"{path.name}: {exc}") from exc


def _load_keyed(path: Path, model: type[M]) -> dict[str, M]:
    return {key: _parse(path, model, value) for key, value in _read_toml(path).items()}


def _load_products(folder: Path) -> dict[str, Product]:
    products = [_parse(path, Product) for path in folder.glob("*.toml")]
    products.sort(key=lambda product: product.display_order)
    if not products:
        raise CatalogueError(f"no product files in {folder}")
    return _unique_by_id(products, folder.name)


def _load_areas(path: Path) -> dict[str, Area]:
    raw = _read_toml(path).get("areas", [])
    return _unique_by_id([_parse(path, Area, item) for item in raw], path.name)


def _unique_by_id(items: list[Any], where: str) -> dict[str, Any]:
    keyed: dict[str, Any] = {}
    for item in items:
        if item.id in keyed:
            raise CatalogueError(f"{where}: {item.id!r} is defined twice")
        keyed[item.id] = item
    return keyed


def iter_evidence(value: object) -> Iterator[Sourced]:
    """Every sourced fact inside a data object, depth first."""
    if isinstance(value, Sourced):
        yield value
    if isinstance(value, BaseModel):
        for field in type(value).model_fields:
            yield from iter_evidence(getattr(value, field))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from iter_evidence(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from iter_evidence(item)


def _all_data_objects(catalogue: Catalogue) -> Iterator[object]:
    yield from catalogue.products.values()
    yield from catalogue.areas.values()
    yield catalogue.conversions
    yield catalogue.screening
    yield catalogue.assessment
    yield catalogue.clinic_defaults
    yield catalogue.effect


def _check_cross_references(catalogue: Catalogue) -> None:
    problems = [
        *_unknown_sources(catalogue),
        *_unknown_areas(catalogue),
        *_unknown_products(catalogue),
        *_duplicate_names(catalogue),
        *_unknown_screening_answers(catalogue),
    ]
    if problems:
        raise CatalogueError("; ".join(problems))


def _unknown_sources(catalogue: Catalogue) -> Iterator[str]:
    for obj in _all_data_objects(catalogue):
        for fact in iter_evidence(obj):
            for source_id in fact.sources:
                if source_id not in catalogue.sources:
                    yield f"unknown source {source_id}"


def _unknown_areas(catalogue: Catalogue) -> Iterator[str]:
    for product in catalogue.products.values():
        for indication in product.indications:
            for area in (indication.area, *_treated_with(indication)):
                if area not in catalogue.areas:
                    yield f"{product.id}: unknown area {area}"


def _treated_with(indication: Any) -> Iterator[str]:
    for regimen in indication.regimens:
        yield from regimen.treated_with


def _unknown_products(catalogue: Catalogue) -> Iterator[str]:
    named = [
        *(r.from_product for r in catalogue.conversions.ratios),
        *(r.to_product for r in catalogue.conversions.ratios),
        *(r.product for r in catalogue.conversions.refusals),
        *(a.reference.units_of for a in catalogue.areas.values() if a.reference),
    ]
    for rule in catalogue.screening.rules:
        if rule.products != "all":
            named.extend(rule.products)
    for limit in catalogue.screening.age_limits:
        if limit.products != "all":
            named.extend(limit.products)
    for product_id in named:
        if product_id not in catalogue.products:
            yield f"unknown product {product_id}"


def _unknown_screening_answers(catalogue: Catalogue) -> Iterator[str]:
    """Every rule must watch a real intake answer, and match values that answer can take."""
    screening = catalogue.screening
    vocabulary = {"allergies": screening.allergens, "medicines": screening.medicines}
    policy = screening.allergy
    rules = [*screening.rules, policy.toxin, policy.contained, policy.unknown_formulation]
    for rule in [*rules, screening.unknown_age]:
        if rule.when not in Intake.model_fields:
            yield f"screening rule {rule.id} watches unknown intake answer {rule.when!r}"
        for value in rule.matches:
            if value not in vocabulary.get(rule.when, {}):
                yield f"screening rule {rule.id} matches unknown value {value!r}"


def _duplicate_names(catalogue: Catalogue) -> Iterator[str]:
    seen: dict[str, str] = {}
    for product in catalogue.products.values():
        for name in (product.id, product.brand, product.generic, *product.aliases):
            key = _normalise(name)
            if seen.setdefault(key, product.id) != product.id:
                yield f"name {name!r} is used by {seen[key]} and {product.id}"
