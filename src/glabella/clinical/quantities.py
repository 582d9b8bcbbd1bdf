"""Checks for numbers that come from people: finite, positive, within bounds."""

import math

from .errors import InvalidQuantity


def require_positive(name: str, value: float, *, unit: str = "") -> float:
    """Return ``value`` as a float if it is a finite number above zero."""
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise InvalidQuantity(f"{name} must be a number, not {value!r}") from exc
    suffix = f" {unit}" if unit else ""
    if not math.isfinite(number):
        raise InvalidQuantity(f"{name} must be a finite number, not {value}")
    if number <= 0:
        raise InvalidQuantity(f"{name} must be more than 0{suffix}, not {value:g}{suffix}")
    return number


def round_for_display(value: float, places: int) -> float:
    """Round half away from zero, as people round, and drop a negative zero."""
    scaled = math.floor(abs(value) * 10**places + 0.5) / 10**places
    return math.copysign(scaled, value) + 0.0
