"""The error responses of every operation, added to the API's OpenAPI document.

Each is problem details (``core/problems.py``). Which statuses an operation lists follows
from what it takes: every operation may answer 400 (a request it cannot read, a null
character) and 500; one with a body 413 and 422; one with parameters 422; one that needs a
signed-in user 401 and 403; one addressing a row by id 404; a change to a treatment record
409 (signed records are amended, not edited); the patient assistant 404 (unknown clinic) and
429 (questions per minute). A method a path does not take is answered 405, also as problem
details, though OpenAPI has no place to list it.
"""

from __future__ import annotations

from typing import Any

from glabella.core.problems import DETAILS, MEDIA_TYPE

PROBLEM_SCHEMA = {
    "title": "ProblemDetails",
    "description": "An RFC 9457 problem: what went wrong, for people and for programs.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "always about:blank"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "description": "the refused fields, each with its messages ('__all__': the whole)",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}
WRITES = {"post", "put", "patch", "delete"}


def document_errors(schema: Any) -> Any:
    schema.setdefault("components", {}).setdefault("schemas", {})["ProblemDetails"] = PROBLEM_SCHEMA
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in sorted(error_statuses(path, method, operation)):
                responses.setdefault(status, _response(status))
    return schema


def error_statuses(path: str, method: str, operation: dict[str, Any]) -> set[int]:
    statuses = {400, 500}
    name = operation.get("operationId", "")
    if "requestBody" in operation:
        statuses |= {413, 422}
    if operation.get("parameters"):
        statuses.add(422)
    if operation.get("security"):
        statuses |= {401, 403}
    if "{" in path:
        statuses.add(404)
    if method in WRITES and "_treatments_" in name:
        statuses.add(409)
    if "_assistant_" in name:
        statuses |= {404, 429}
    return statuses


def _response(status: int) -> dict[str, Any]:
    return {
        "description": DETAILS[status],
        "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}},
    }
