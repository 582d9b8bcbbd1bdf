"""The one versioned JSON API (/api/v1/); each app adds its router here.

Every error is RFC 9457 problem details (``core/problems.py``): the handlers below map each
exception to its status, and the OpenAPI document lists the error responses of every
operation (``openapi_errors.py``). Errors raised outside the API's views under /api/ are
converted by ``core.middleware.ApiProblemMiddleware``.
"""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from glabella.assistant.api import router as assistant_router
from glabella.assistant.clinics import NoClinic
from glabella.assistant.throttle import TooManyQuestions
from glabella.catalogue.api import router as catalogue_router
from glabella.clinical import ClinicalError, UnknownArea, UnknownProduct
from glabella.core.problems import problem_response
from glabella.patients.api import router as patients_router
from glabella.treatments.api import router as treatments_router
from glabella.treatments.services.records import RecordLocked

from .openapi_errors import document_errors

logger = logging.getLogger("django.request")


class GlabellaAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        return document_errors(super().get_openapi_schema(*args, **kwargs))


api = GlabellaAPI(
    title="Glabella API",
    version="1",
    description="JSON API of Glabella, software for neuromodulator clinics.",
    urls_namespace="api-v1",
)
api.add_router("/catalogue", catalogue_router)
api.add_router("/assistant", assistant_router)
api.add_router("/patients", patients_router)
# Its paths span patients (/patients/{id}/treatments), records, reviews, events and recall.
api.add_router("/", treatments_router)


def problem(
    request: HttpRequest, status: int, title: str, detail: str, errors: object = None
) -> HttpResponse:
    """An RFC 9457 problem-details response."""
    return problem_response(status, title, detail, errors)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return problem(request, 422, "Invalid input", "; ".join(exc.messages), errors)


@api.exception_handler(RecordLocked)
def record_locked(request: HttpRequest, exc: RecordLocked) -> HttpResponse:
    """A signed record conflicts with any edit: 409, and the way forward is an amendment."""
    return problem(request, 409, "Record signed", "; ".join(exc.messages), exc.message_dict)


@api.exception_handler(SchemaValidationError)
def schema_validation_error(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
    """Input that does not fit the schema: a message per field ("first_name", "address.zip")."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        # ("body", "payload", "first_name") -> "first_name"; ("query", "units") -> "units"
        field = ".".join(location[2:] if location[:1] == ["body"] else location[1:]) or "__all__"
        errors.setdefault(field, []).append(str(error.get("msg", "Invalid value.")))
    detail = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())
    return problem(request, 422, "Invalid input", detail, errors)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(request, 403, "Forbidden", str(exc) or "Your role does not allow this.")


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, "Not found", str(exc) or "Not found.")


@api.exception_handler(AuthenticationError)
def not_signed_in(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(request, 401, "Unauthorized", "Sign in as clinic staff first.")


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


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own refusals: a body it cannot read (400), a failed CSRF check (403), …"""
    detail = str(exc)
    if exc.status_code == 403 and "CSRF" in detail:
        detail = "CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header."
    return problem(request, exc.status_code, "", detail)


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Anything unforeseen: logged with its traceback, answered as a 500 without details."""
    logger.error("Internal Server Error: %s", request.path, exc_info=exc)
    return problem(request, 500, "", "")
