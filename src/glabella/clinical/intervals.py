"""Review date, retreatment window and the minimum interval between treatments."""

from __future__ import annotations

from datetime import date, timedelta

from .errors import ClinicalError
from .schema import Product, Record
from .settings import ClinicSettings


class Schedule(Record):
    treated_on: date
    review_on: date
    window_opens_on: date
    window_closes_on: date
    earliest_retreatment_on: date


class IntervalCheck(Record):
    last_treated_on: date
    proposed_on: date
    days_since_last: int
    earliest_on: date
    too_soon: bool
    reasons: tuple[str, ...]

    @property
    def needs_override_reason(self) -> bool:
        return self.too_soon


def schedule_after(treated_on: date, product: Product, settings: ClinicSettings) -> Schedule:
    """What follows a treatment: the review, the retreatment window, the earliest next date."""
    opens_weeks, closes_weeks = retreatment_window(product, settings)
    return Schedule(
        treated_on=treated_on,
        review_on=treated_on + timedelta(days=settings.review_after_days),
        window_opens_on=treated_on + timedelta(weeks=opens_weeks),
        window_closes_on=treated_on + timedelta(weeks=closes_weeks),
        earliest_retreatment_on=_earliest(treated_on, product, settings),
    )


def retreatment_window(product: Product, settings: ClinicSettings) -> tuple[int, int]:
    """Weeks after a treatment when recall opens and closes: the clinic's window for this
    product if it set one, else the product's own (a longer-lasting toxin), else the
    clinic's general window."""
    own = settings.product_windows.get(product.id)
    if own is not None:
        return own.start_weeks, own.end_weeks
    if product.recall_window is not None:
        return product.recall_window.start_weeks, product.recall_window.end_weeks
    return settings.retreatment_window_start_weeks, settings.retreatment_window_end_weeks


def check_interval(
    last_treated_on: date, proposed_on: date, product: Product, settings: ClinicSettings
) -> IntervalCheck:
    """Whether ``proposed_on`` is sooner than the clinic's or the label's minimum interval."""
    if proposed_on < last_treated_on:
        raise ClinicalError(
            f"the proposed date {proposed_on} is before the last treatment on {last_treated_on}"
        )
    days = (proposed_on - last_treated_on).days
    reasons = []
    clinic_days = settings.minimum_interval_weeks * 7
    if days < clinic_days:
        reasons.append(
            f"{days} days since the last treatment is less than the clinic's minimum of "
            f"{settings.minimum_interval_weeks} weeks"
        )
    if days < product.retreatment.min_days:
        reasons.append(
            f"{days} days is less than the {product.retreatment.min_days} days for "
            f"{product.brand} ({product.retreatment.label_wording})"
        )
    return IntervalCheck(
        last_treated_on=last_treated_on,
        proposed_on=proposed_on,
        days_since_last=days,
        earliest_on=_earliest(last_treated_on, product, settings),
        too_soon=bool(reasons),
        reasons=tuple(reasons),
    )


def _earliest(treated_on: date, product: Product, settings: ClinicSettings) -> date:
    days = max(settings.minimum_interval_weeks * 7, product.retreatment.min_days)
    return treated_on + timedelta(days=days)
