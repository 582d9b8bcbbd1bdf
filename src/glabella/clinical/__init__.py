"""The clinical core: products, areas, doses, reconstitution, conversion, intervals,
screening and assessment, as data with sources and pure functions.

Plain Python with no Django import; everything else in Glabella asks this package.
"""

from .assessment import AreaAssessment
from .catalogue import Catalogue, load_catalogue
from .conversion import Conversion
from .core import ClinicalCore
from .dosing import DoseSuggestion
from .errors import (
    CatalogueError,
    ClinicalError,
    ConversionRefused,
    DoseUnavailable,
    InvalidAssessment,
    InvalidIntake,
    InvalidQuantity,
    UnknownArea,
    UnknownProduct,
)
from .intervals import IntervalCheck, Schedule
from .reconstitution import Dilution, Draw, VialPlan
from .schema import Intake, Outcome, Status
from .screening import ScreeningResult
from .settings import ClinicSettings, DoseTemplate

__all__ = [
    "AreaAssessment",
    "Catalogue",
    "CatalogueError",
    "ClinicSettings",
    "ClinicalCore",
    "ClinicalError",
    "Conversion",
    "ConversionRefused",
    "Dilution",
    "DoseSuggestion",
    "DoseTemplate",
    "DoseUnavailable",
    "Draw",
    "Intake",
    "IntervalCheck",
    "InvalidAssessment",
    "InvalidIntake",
    "InvalidQuantity",
    "Outcome",
    "Schedule",
    "ScreeningResult",
    "Status",
    "UnknownArea",
    "UnknownProduct",
    "VialPlan",
    "load_catalogue",
]
