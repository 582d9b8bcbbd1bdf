"""Domain errors raised by the clinical core.

Every error carries a message written for the person at the keyboard; callers
(CLI, pages, API) show it as it is.
"""


class ClinicalError(ValueError):
    """Base class: a request the clinical core cannot answer as asked."""


class CatalogueError(ClinicalError):
    """A data file is missing, malformed or inconsistent."""


class UnknownProduct(ClinicalError):
    pass


class UnknownArea(ClinicalError):
    pass


class InvalidQuantity(ClinicalError):
    """A number outside its domain: negative units, zero diluent, NaN, ..."""


class DoseUnavailable(ClinicalError):
    """No label dose and no clinic template for this product and area."""


class ConversionRefused(ClinicalError):
    """No published ratio backs a unit conversion between these products."""


class InvalidIntake(ClinicalError):
    pass


class InvalidAssessment(ClinicalError):
    pass
