"""One contract for every API error: RFC 9457 problem details (application/problem+json),
whether the API's own handlers or Django outside them answered; each listed in OpenAPI."""

import json
from datetime import date

import pytest
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.test import Client

from glabella.assistant import throttle as questions
from glabella.catalogue import api as catalogue_api
from glabella.config.api import api
from glabella.core.middleware import ApiProblemMiddleware
from glabella.testing import signed_botox
from glabella.treatments.models import Consultation, TreatmentRecord

from ..problems import MEDIA_TYPE

pytestmark = pytest.mark.django_db

PATIENTS = "/api/v1/patients"


def assert_problem(response, status: int, *, detail: str = "") -> dict:  # type: ignore[no-untyped-def,type-arg]
    assert response.status_code == status
    assert response["Content-Type"] == MEDIA_TYPE
    body = json.loads(response.content)
    assert body["type"] == "about:blank"
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    if detail:
        assert detail in body["detail"]
    return body


def post_json(client: Client, url: str, data: object):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(data), content_type="application/json")


def test_400_a_body_that_is_not_json(client: Client, director) -> None:
    client.force_login(director)
    response = client.post(PATIENTS, "{not json", content_type="application/json")
    assert_problem(response, 400)


def test_401_not_signed_in(client: Client) -> None:
    assert_problem(client.get(PATIENTS), 401, detail="Sign in")


def test_403_a_role_that_may_not(client: Client, front_desk, alice) -> None:
    client.force_login(front_desk)
    assert_problem(client.get(f"{PATIENTS}/{alice.public_id}/treatments"), 403)


def test_403_a_missing_csrf_token(director) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(director)
    response = post_json(client, PATIENTS, {"first_name": "A", "last_name": "B"})
    assert_problem(response, 403, detail="CSRF check failed")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/no-such-thing",  # no route at all: Django's 404, converted
        f"{PATIENTS}/00000000-0000-0000-0000-000000000000",  # the API's own 404
    ],
)
def test_404_nothing_there(client: Client, director, url: str) -> None:
    client.force_login(director)
    assert_problem(client.get(url), 404)


def test_405_a_method_the_address_does_not_take(client: Client) -> None:
    response = client.get("/api/v1/assistant/ask")
    assert_problem(response, 405)
    assert response["Allow"] == "POST"


def test_409_a_signed_record(client: Client, injector, dora) -> None:
    record = signed_botox(dora, by=injector)
    client.force_login(injector)
    response = client.patch(
        f"/api/v1/treatments/{record.public_id}",
        json.dumps({"aftercare_given": False}),
        content_type="application/json",
    )
    assert_problem(response, 409)


def test_413_a_body_over_the_limit(client: Client, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    assert_problem(post_json(client, "/api/v1/assistant/ask", {"question": "x" * 200}), 413)


def test_422_field_errors(client: Client, director) -> None:
    client.force_login(director)
    body = assert_problem(post_json(client, PATIENTS, {"first_name": "A"}), 422)
    assert "last_name" in body["errors"]


def test_429_too_many_questions(client: Client, clinic, settings, monkeypatch) -> None:
    settings.ASSISTANT_QUESTIONS_PER_MINUTE = 1
    monkeypatch.setattr(questions, "_now", lambda: 1_800_000_000.0)
    cache.clear()
    post_json(client, "/api/v1/assistant/ask", {"question": "does it hurt?"})
    assert_problem(post_json(client, "/api/v1/assistant/ask", {"question": "and?"}), 429)
    cache.clear()


def test_500_in_an_endpoint_is_logged_and_says_nothing_of_the_cause(
    client: Client, monkeypatch, caplog
) -> None:
    def broken() -> None:
        raise RuntimeError("SECRET internal detail")

    monkeypatch.setattr(catalogue_api, "ClinicalCore", broken)
    response = client.get("/api/v1/catalogue/products")
    body = assert_problem(response, 500)
    assert "SECRET" not in json.dumps(body)
    assert "SECRET internal detail" in caplog.text


def test_400_a_multipart_body_without_its_boundary(client: Client, director) -> None:
    client.force_login(director)
    response = client.post(PATIENTS, b"x=1", content_type="multipart/form-data")
    assert_problem(response, 400, detail="could not be read")


def test_500_outside_the_api_views_is_converted_too(rf) -> None:
    def django_error_page(request: HttpRequest) -> HttpResponse:
        return HttpResponseServerError("<h1>Server Error (500)</h1>")

    middleware = ApiProblemMiddleware(django_error_page)
    assert_problem(middleware(rf.get("/api/v1/anything")), 500)
    assert middleware(rf.get("/staff/"))["Content-Type"].startswith("text/html")


# --- every input that reaches a clinical rule is checked first ----------------------------


def test_a_consultation_before_the_patients_birth_is_a_field_error(
    client: Client, injector, alice
) -> None:
    client.force_login(injector)
    response = post_json(
        client, f"{PATIENTS}/{alice.public_id}/consultations", {"held_on": "1900-01-01"}
    )
    body = assert_problem(response, 422)
    assert body["errors"] == {
        "held_on": ["1900-01-01 is before the patient's date of birth (1985-06-15)."]
    }
    assert not Consultation.objects.exists()


@pytest.mark.parametrize("day", ["1800-01-01", "1985-06-14"])
def test_a_treatment_before_the_patients_birth_is_a_field_error(
    client: Client, injector, alice, day: str
) -> None:
    client.force_login(injector)
    response = post_json(
        client, f"{PATIENTS}/{alice.public_id}/treatments", {"product": "xeomin", "treated_on": day}
    )
    body = assert_problem(response, 422)
    assert body["errors"]["treated_on"] == [
        f"{date.fromisoformat(day)} is before the patient's date of birth (1985-06-15)."
    ]
    assert not TreatmentRecord.objects.exists()


def test_the_consultation_page_shows_the_same_field_error(client: Client, injector, alice) -> None:
    client.force_login(injector)
    response = client.post(
        f"/staff/patients/{alice.public_id}/consultations/new/", {"held_on": "1900-01-01"}
    )
    assert response.status_code in (200, 400)
    assert "before the patient&#x27;s date of birth" in response.content.decode()


# --- the OpenAPI document lists them -----------------------------------------------------------


def test_every_operation_documents_its_error_responses() -> None:
    schema = api.get_openapi_schema()
    assert "ProblemDetails" in schema["components"]["schemas"]
    problem = {"$ref": "#/components/schemas/ProblemDetails"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {400, 500} <= set(responses), (method, path)
            for status, response in responses.items():
                if status >= 400:
                    assert response["content"][MEDIA_TYPE]["schema"] == problem


def test_a_patient_operation_lists_the_statuses_it_can_answer() -> None:
    paths = api.get_openapi_schema()["paths"]
    get = paths["/api/v1/patients/{patient_id}"]["get"]["responses"]
    assert {200, 400, 401, 403, 404, 422, 500} <= set(get)
    edit = paths["/api/v1/treatments/{treatment_id}"]["patch"]["responses"]
    assert {409, 413, 422} <= set(edit)
    ask = paths["/api/v1/assistant/ask"]["post"]["responses"]
    assert {413, 422, 429} <= set(ask)
