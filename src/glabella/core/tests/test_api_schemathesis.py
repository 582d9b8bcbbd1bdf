"""Schemathesis against the API's OpenAPI document: for every operation a bounded number of
generated requests (valid and invalid), sent in process through the WSGI application, in
turn as the medical director, an injector, the front desk and nobody signed in, some
addressing real rows; none may answer a server error, and every error must be problem
details (README "Security hardening")."""

import itertools
import json
import uuid
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import get_token
from django.test import Client
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings

from glabella.config.api import api
from glabella.core.problems import MEDIA_TYPE
from glabella.patients.models import Patient
from glabella.treatments import services

EXAMPLES_PER_OPERATION = 5
# JSON round trip: the document as served (status codes as strings).
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())))
schema.app = get_wsgi_application()
turns = itertools.count()


@pytest.fixture(autouse=True)
def one_connection():  # type: ignore[no-untyped-def]
    """Keep the test's database connection (and its transaction) across the WSGI requests,
    as Django's test client does: each request's end would otherwise close it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def rows(dora: Patient, injector) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Real ids to put in the path now and then, so requests reach past the lookups."""
    draft = services.start_treatment(dora, {"product": "botox"}, by=injector)
    return {"patient_id": str(dora.public_id), "treatment_id": str(draft.public_id)}


@pytest.fixture
def role_headers(director, injector, front_desk, rf) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    """Request headers of each role's signed-in session (CSRF token included), and of nobody."""
    token = get_token(rf.get("/"))
    headers = []
    for user in (director, injector, front_desk):
        client = Client()
        client.force_login(user)
        session = client.cookies["sessionid"].value
        headers.append({"Cookie": f"sessionid={session}; csrftoken={token}", "X-CSRFToken": token})
    return [*headers, {}]


def _with_real_rows(case: Any, rows: dict[str, str], turn: int) -> None:
    parameters = case.path_parameters or {}
    if turn % 2:
        return
    for name in parameters:
        if name in rows and _is_uuid(parameters[name]):
            parameters[name] = rows[name]


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_a_server_error(case, role_headers, rows) -> None:  # type: ignore[no-untyped-def]
    this_turn = next(turns)
    _with_real_rows(case, rows, this_turn)
    response = case.call(headers=role_headers[this_turn // 2 % len(role_headers)])
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:300])
    if response.status_code >= 400:
        content_type = response.headers.get("content-type", [""])[0]
        assert content_type == MEDIA_TYPE, (case.method, case.formatted_path, content_type)
