"""The one versioned JSON API (/api/v1/); each app adds its router here."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from glabella.assistant.api import router as assistant_router
from glabella.assistant.clinics import NoClinic
from glabella.assistant.throttle import TooManyQuestions
from glabella.clinical import ClinicalError, UnknownArea, UnknownProduct
from glabella.core.api import router as catalogue_router

api = NinjaAPI(
    title="Glabella API",
    version="1",
    description="JSON API of Glabella, software for neuromodulator clinics.",
    urls_namespace="api-v1",
)
api.add_router("/catalogue", catalogue_router)
api.add_router("/assistant", assistant_router)


def problem(
    request: HttpRequest, status: int, title: str, detail: str, errors: object = None
) -> HttpResponse:
    """An RFC 9457 problem-details response."""
    body: dict[str, object] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return problem(request, 422, "Invalid input", "; ".join(exc.messages), errors)


@api.exception_handler(TooManyQuestions)
def too_many_questions(request: HttpRequest, exc: TooManyQuestions) -> HttpResponse:
    return problem(request, 429, "Too many requests", str(exc))


@api.exception_handler(NoClinic)
def no_clinic(request: HttpRequest, exc: NoClinic) -> HttpResponse:
    return problem(request, 404, "Not found", str(exc))


@api.exception_handler(ClinicalError)
def clinical_error(request: HttpRequest, exc: ClinicalError) -> HttpResponse:
    """Domain errors become RFC 9457 problem details."""
    if isinstance(exc, UnknownProduct | UnknownArea):
        return problem(request, 404, "Not found", str(exc))
    return problem(request, 422, "Cannot answer as asked", str(exc))
