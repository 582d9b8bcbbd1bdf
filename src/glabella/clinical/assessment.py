"""Assessment of an area: lines at rest and at maximum contraction to a recommendation."""

from __future__ import annotations

from typing import Literal

from .catalogue import Catalogue
from .errors import InvalidAssessment
from .schema import Area, Record

Recommendation = Literal["neuromodulator", "referral", "both", "none"]


class AreaAssessment(Record):
    area: str
    area_name: str
    static: int
    dynamic: int
    static_name: str
    dynamic_name: str
    contraction: str
    recommendation: Recommendation
    reason: str
    sources: tuple[str, ...]


def assess_area(catalogue: Catalogue, area: Area, *, static: int, dynamic: int) -> AreaAssessment:
    """Recommend a neuromodulator, a filler/resurfacing referral, both, or nothing."""
    data = catalogue.assessment
    names = {level.grade: level.name for level in data.levels}
    _check_grade("at rest", static, names)
    _check_grade("at maximum contraction", dynamic, names)
    if static > dynamic:
        raise InvalidAssessment(
            "lines cannot be deeper at rest than at maximum contraction "
            f"(at rest {static}, at maximum contraction {dynamic})"
        )
    recommendation = _recommend(catalogue, static=static, dynamic=dynamic)
    rule = next(o for o in data.outcomes if o.recommendation == recommendation)
    return AreaAssessment(
        area=area.id,
        area_name=area.name,
        static=static,
        dynamic=dynamic,
        static_name=names[static],
        dynamic_name=names[dynamic],
        contraction=area.contraction,
        recommendation=recommendation,
        reason=rule.reason,
        sources=rule.sources,
    )


def _check_grade(when: str, grade: int, names: dict[int, str]) -> None:
    if isinstance(grade, bool) or not isinstance(grade, int) or grade not in names:
        raise InvalidAssessment(
            f"severity {when} must be a whole grade from {min(names)} to {max(names)}, "
            f"not {grade!r}"
        )


def _recommend(catalogue: Catalogue, *, static: int, dynamic: int) -> Recommendation:
    data = catalogue.assessment
    muscle = (
        dynamic >= data.neuromodulator_min_dynamic
        and dynamic - static >= data.neuromodulator_min_gain
    )
    skin = static >= data.referral_min_static
    if muscle and skin:
        return "both"
    if muscle:
        return "neuromodulator"
    if skin:
        return "referral"
    return "none"
