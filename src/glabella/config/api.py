"""The one versioned JSON API (/api/v1/); each app adds its router here."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from glabella.clinical import ClinicalError, UnknownArea, UnknownProduct
from glabella.core.api import router as catalogue_router

api = NinjaAPI(
    title="Glabella API",
    version="1",
    description="JSON API of Glabella, software for neuromodulator clinics.",
    urls_namespace="api-v1",
)
api.add_router("/catalogue", catalogue_router)


@api.exception_handler(ClinicalError)
def clinical_error(request: HttpRequest, exc: ClinicalError) -> HttpResponse:
    """Domain errors become RFC 9457 problem details."""
    not_found = isinstance(exc, UnknownProduct | UnknownArea)
    status = 404 if not_found else 422
    return api.create_response(
        request,
        {
            "type": "about:blank",
            "title": "Not found" if not_found else "Cannot answer as asked",
            "status": status,
            "detail": str(exc),
        },
        status=status,
    )
