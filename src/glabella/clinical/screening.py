"""Contraindication screening: intake answers to a verdict per product, with reasons."""

from __future__ import annotations

from collections.abc import Iterator

from .catalogue import Catalogue
from .errors import InvalidIntake
from .schema import AgeLimit, Intake, Outcome, Product, Record, ScreeningRule, Status


class Finding(Record):
    rule: str
    outcome: Outcome
    reason: str
    sources: tuple[str, ...]
    status: Status = Status.CONFIRMED


class ProductScreening(Record):
    product: str
    brand: str
    outcome: Outcome
    findings: tuple[Finding, ...]


class ScreeningResult(Record):
    intake: Intake
    products: tuple[ProductScreening, ...]

    def for_product(self, product_id: str) -> ProductScreening:
        return next(p for p in self.products if p.product == product_id)


def screen(catalogue: Catalogue, intake: Intake) -> ScreeningResult:
    """Judge every product in the catalogue against the intake answers."""
    _check_vocabulary(catalogue, intake)
    verdicts = tuple(
        _screen_product(catalogue, product, intake) for product in catalogue.products.values()
    )
    return ScreeningResult(intake=intake, products=verdicts)


def _screen_product(catalogue: Catalogue, product: Product, intake: Intake) -> ProductScreening:
    findings = (
        *_rule_findings(catalogue, product, intake),
        *_allergy_findings(catalogue, product, intake),
        *_age_findings(catalogue, product, intake),
    )
    worst = max((f.outcome for f in findings), key=lambda o: o.severity, default=Outcome.OK)
    return ProductScreening(
        product=product.id, brand=product.brand, outcome=worst, findings=findings
    )


def _check_vocabulary(catalogue: Catalogue, intake: Intake) -> None:
    data = catalogue.screening
    unknown_allergens = sorted(intake.allergies - data.allergens.keys())
    unknown_medicines = sorted(intake.medicines - data.medicines.keys())
    if unknown_allergens:
        raise InvalidIntake(
            f"unknown allergy {', '.join(unknown_allergens)}; "
            f"choose from {', '.join(data.allergens)}"
        )
    if unknown_medicines:
        raise InvalidIntake(
            f"unknown medicine {', '.join(unknown_medicines)}; "
            f"choose from {', '.join(data.medicines)}"
        )


def _applies(products: tuple[str, ...] | str, product: Product) -> bool:
    return products == "all" or product.id in products


def _finding(rule: ScreeningRule, reason: str | None = None) -> Finding:
    return Finding(
        rule=rule.id,
        outcome=rule.outcome,
        reason=reason or rule.reason,
        sources=rule.sources,
        status=rule.status,
    )


def _rule_findings(catalogue: Catalogue, product: Product, intake: Intake) -> Iterator[Finding]:
    for rule in catalogue.screening.rules:
        if _applies(rule.products, product) and _triggered(rule, intake):
            yield _finding(rule)


def _triggered(rule: ScreeningRule, intake: Intake) -> bool:
    answer = getattr(intake, rule.when)
    if isinstance(answer, frozenset):
        return bool(answer & set(rule.matches))
    return bool(answer)


def _allergy_findings(catalogue: Catalogue, product: Product, intake: Intake) -> Iterator[Finding]:
    policy = catalogue.screening.allergy
    contains = {c.allergen: c for c in product.components.contains}
    free_of = {c.allergen for c in product.components.free_of}
    for allergen in sorted(intake.allergies):
        name = catalogue.screening.allergens[allergen]
        if allergen in policy.toxin.matches:
            yield _finding(policy.toxin)
        elif allergen in contains:
            component = contains[allergen]
            yield Finding(
                rule=policy.contained.id,
                outcome=policy.contained.outcome,
                reason=f"{policy.contained.reason} {product.brand} contains {component.name}.",
                sources=(*policy.contained.sources, *component.sources),
            )
        elif allergen in free_of:
            continue
        elif allergen == "other" or not product.components.complete:
            yield _finding(
                policy.unknown_formulation, f"{name}: {policy.unknown_formulation.reason}"
            )


def _age_findings(catalogue: Catalogue, product: Product, intake: Intake) -> Iterator[Finding]:
    if intake.age is None:
        yield _finding(catalogue.screening.unknown_age)
        return
    for limit in catalogue.screening.age_limits:
        if _applies(limit.products, product):
            yield from _age_limit_findings(limit, intake.age)


def _age_limit_findings(limit: AgeLimit, age: int) -> Iterator[Finding]:
    too_young = limit.min_age is not None and age < limit.min_age
    too_old = limit.max_age_exclusive is not None and age >= limit.max_age_exclusive
    if too_young and limit.below_outcome:
        yield _age_finding(limit, "age_below_label", limit.below_outcome, limit.reason_below)
    if too_old and limit.above_outcome:
        yield _age_finding(limit, "age_above_label", limit.above_outcome, limit.reason_above)


def _age_finding(limit: AgeLimit, rule: str, outcome: Outcome, reason: str) -> Finding:
    return Finding(
        rule=rule, outcome=outcome, reason=reason, sources=limit.sources, status=limit.status
    )
