"""RFC 9457 problem details: the one shape of every error the API answers.

``{"type": "about:blank", "title": ..., "status": ..., "detail": ..., "errors": {...}}`` with
the media type ``application/problem+json``; ``errors`` (field -> messages) only where input
was refused field by field. The API's own handlers (config/api.py) and the middleware for
errors raised outside the API's views (core/middleware.py) both build it here.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse

MEDIA_TYPE = "application/problem+json"

# What each status says when nothing more specific is known.
DETAILS = {
    400: "The request could not be read.",
    401: "Sign in as clinic staff first.",
    403: "You may not do this.",
    404: "There is nothing at this address.",
    405: "This address does not take that method.",
    409: "The request conflicts with the record's current state.",
    413: "The request is too large.",
    415: "The request body is not in a form this address takes.",
    422: "The input was refused.",
    429: "Too many requests. Please wait and try again.",
    500: "Something went wrong on our side. The error is logged; please try again later.",
}


def title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_body(
    status: int, title_text: str = "", detail: str = "", errors: Any = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title_text or title(status),
        "status": status,
        "detail": detail or DETAILS.get(status, title(status)),
    }
    if errors:
        body["errors"] = errors
    return body


def problem_response(
    status: int, title_text: str = "", detail: str = "", errors: Any = None
) -> JsonResponse:
    return JsonResponse(
        problem_body(status, title_text, detail, errors),
        status=status,
        content_type=MEDIA_TYPE,
        encoder=DjangoJSONEncoder,
    )
