"""Permission matrix: every patient page and endpoint × every persona; refusals change nothing."""

import json

import pytest
from django.test import Client

from glabella.audit.models import AuditEvent
from glabella.patients.models import Patient
from glabella.testing import client_as

pytestmark = pytest.mark.django_db

PERSONAS = ["director", "injector", "front_desk", "other_director", "no_role", "anonymous"]
DEMOGRAPHICS = {"first_name": "Alicia"}
CLINICAL = {"allergies": ["lactose"]}

# (method, url template, body, expected status per persona in PERSONAS order)
PAGES = [
    ("get", "/staff/patients/?clinic=north&q=alice", None, [200, 200, 200, 404, 403, 302]),
    ("get", "/staff/patients/new/?clinic=north", None, [200, 200, 200, 404, 403, 302]),
    ("get", "/staff/patients/{id}/", None, [200, 200, 200, 404, 404, 302]),
    ("get", "/staff/patients/{id}/demographics/", None, [200, 200, 200, 404, 404, 302]),
    ("get", "/staff/patients/{id}/clinical/", None, [200, 200, 403, 404, 404, 302]),
]
API = [
    ("get", "/api/v1/patients?clinic=north&q=alice", None, [200, 200, 200, 404, 403, 401]),
    ("get", "/api/v1/patients/{id}", None, [200, 200, 200, 404, 404, 401]),
    ("patch", "/api/v1/patients/{id}/clinical", CLINICAL, [200, 200, 403, 404, 404, 401]),
    ("patch", "/api/v1/patients/{id}/demographics", DEMOGRAPHICS, [200, 200, 200, 404, 404, 401]),
]
WRITES = [
    (
        "post",
        "/staff/patients/{id}/clinical/",
        {"allergies": "lactose"},
        [302, 302, 403, 404, 404, 302],
    ),
    ("post", "/staff/patients/{id}/demographics/", None, [302, 302, 302, 404, 404, 302]),
]


def _cases(table):  # type: ignore[no-untyped-def]
    for method, url, body, statuses in table:
        for persona, status in zip(PERSONAS, statuses, strict=True):
            yield pytest.param(method, url, body, persona, status, id=f"{method} {url} {persona}")


def _snapshot(patient: Patient) -> dict[str, object]:
    return {f.name: getattr(patient, f.attname) for f in Patient._meta.concrete_fields}


@pytest.mark.parametrize(("method", "url", "body", "persona", "status"), list(_cases(PAGES + API)))
def test_reads_and_api_by_role(request, alice, method, url, body, persona, status) -> None:  # type: ignore[no-untyped-def]
    client = client_as(request, persona)
    before = _snapshot(alice)
    kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body else {}

    response = getattr(client, method)(url.format(id=alice.public_id), **kwargs)

    assert response.status_code == status
    if status >= 300:
        alice.refresh_from_db()
        assert _snapshot(alice) == before
        assert not AuditEvent.objects.filter(patient_id=alice.public_id).exists()
        assert not AuditEvent.objects.filter(object_type="patients.search").exists()
    if status == 302:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("method", "url", "body", "persona", "status"), list(_cases(WRITES)))
def test_page_writes_by_role(request, alice, method, url, body, persona, status) -> None:  # type: ignore[no-untyped-def]
    client = client_as(request, persona)
    before = _snapshot(alice)
    if body is None:  # the demographics form, resubmitted with one change
        body = {
            "first_name": "Alicia",
            "last_name": alice.last_name,
            "date_of_birth": "1985-06-15",
            "phone": alice.phone,
            "email": alice.email,
            "preferred_channel": "sms",
            "consent_to_contact": "on",
            "sex": "",
        }

    response = client.post(url.format(id=alice.public_id), body)

    assert response.status_code == status
    alice.refresh_from_db()
    if persona in ("director", "injector") or (persona == "front_desk" and "demographics" in url):
        assert response["Location"] == f"/staff/patients/{alice.public_id}/"
        assert _snapshot(alice) != before
    else:
        assert _snapshot(alice) == before
        assert not AuditEvent.objects.filter(patient_id=alice.public_id).exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_registering_by_role(request, clinic, persona) -> None:  # type: ignore[no-untyped-def]
    client = client_as(request, persona)
    body = {"first_name": "Cleo", "last_name": "Newpatient", "date_of_birth": "1990-01-02"}

    page = client.post("/staff/patients/new/?clinic=north", {**body, "preferred_channel": "none"})
    api = client.post(
        "/api/v1/patients?clinic=north", json.dumps(body), content_type="application/json"
    )

    allowed = persona in ("director", "injector", "front_desk")
    expected = {
        "other_director": (404, 404),
        "no_role": (403, 403),
        "anonymous": (302, 401),
    }.get(persona, (302, 201))
    assert (page.status_code, api.status_code) == expected
    assert Patient.objects.filter(last_name="Newpatient").count() == (2 if allowed else 0)


def test_another_clinics_patient_is_not_found_not_forbidden(client: Client, director, bob) -> None:
    client.force_login(director)

    page = client.get(f"/staff/patients/{bob.public_id}/")
    api = client.get(f"/api/v1/patients/{bob.public_id}")

    assert page.status_code == api.status_code == 404
    assert api["Content-Type"] == "application/problem+json"
    assert "SECRET" not in page.content.decode() + api.content.decode()
    assert not AuditEvent.objects.filter(patient_id=bob.public_id).exists()


def test_the_api_wants_a_csrf_token_with_the_session(director, alice) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    client.force_login(director)

    response = client.patch(
        f"/api/v1/patients/{alice.public_id}/demographics",
        json.dumps(DEMOGRAPHICS),
        content_type="application/json",
    )

    assert response.status_code == 403
    alice.refresh_from_db()
    assert alice.first_name == "Alice"


def test_the_api_wants_two_factor_when_required(settings, director, alice) -> None:  # type: ignore[no-untyped-def]
    settings.GLABELLA_REQUIRE_TWO_FACTOR = True
    client = Client()
    client.force_login(director)

    response = client.get(f"/api/v1/patients/{alice.public_id}")

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(patient_id=alice.public_id).exists()
