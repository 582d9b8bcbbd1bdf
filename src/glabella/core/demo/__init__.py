"""The living demo: two clinics of synthetic staff and patients whose histories were
written through the same services as real input. ``glabella demo`` runs it."""

from .clinics import DEMO_CLINICS, DEMO_PASSWORD, DemoClinic
from .seed import ClinicSummary, DemoSizes, ensure_clinics, seed_demo

__all__ = [
    "DEMO_CLINICS",
    "DEMO_PASSWORD",
    "ClinicSummary",
    "DemoClinic",
    "DemoSizes",
    "ensure_clinics",
    "seed_demo",
]
