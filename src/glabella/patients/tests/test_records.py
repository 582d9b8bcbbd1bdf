"""What each role receives, the audit events each operation writes, bad input, screening."""

import json
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from glabella.audit.models import Action, AuditEvent
from glabella.clinical import ClinicalCore, Outcome
from glabella.patients.models import CLINICAL_FIELDS, Patient
from glabella.patients.services import patient_intake

pytestmark = pytest.mark.django_db

CLINICAL_KEYS = set(CLINICAL_FIELDS)
SEARCH_QUERIES = 10  # session, user, memberships, audit insert (savepoint), search


def _events(**lookups) -> list[tuple[str, str, str, dict]]:  # type: ignore[no-untyped-def,type-arg]
    return [
        (e.action, e.actor_label, e.object_type, e.detail)
        for e in AuditEvent.objects.filter(**lookups).exclude(action=Action.SIGN_IN)
    ]


# --- what each role receives --------------------------------------------------------------


def test_front_desk_never_receives_clinical_fields(client: Client, front_desk, alice) -> None:
    client.force_login(front_desk)

    page = client.get(f"/staff/patients/{alice.public_id}/").content.decode()
    body = client.get(f"/api/v1/patients/{alice.public_id}").json()
    listed = client.get("/api/v1/patients?q=alice").json()

    assert "Alice Testpatient" in page
    assert "SECRET-NOTE" not in page and "cow_milk_protein" not in page
    assert "Clinical record" not in page
    assert body["id"] == str(alice.public_id)
    assert not CLINICAL_KEYS & set(body)
    assert [p["id"] for p in listed] == [str(alice.public_id)]
    assert not CLINICAL_KEYS & set(listed[0])


@pytest.mark.parametrize("persona", ["director", "injector"])
def test_clinicians_receive_the_clinical_record(client: Client, request, persona, alice) -> None:  # type: ignore[no-untyped-def]
    client.force_login(request.getfixturevalue(persona))

    page = client.get(f"/staff/patients/{alice.public_id}/").content.decode()
    body = client.get(f"/api/v1/patients/{alice.public_id}").json()

    assert "SECRET-NOTE" in page
    assert body["allergies"] == ["cow_milk_protein"]
    assert body["clinical_notes"].startswith("SECRET-NOTE")
    assert body["id"] == str(alice.public_id)
    assert "pk" not in body and "clinic" not in body


# --- audit --------------------------------------------------------------------------------


def test_viewing_records_a_view_with_the_section(
    client: Client, front_desk, injector, alice
) -> None:
    client.force_login(front_desk)
    client.get(f"/staff/patients/{alice.public_id}/")
    client.force_login(injector)
    client.get(f"/api/v1/patients/{alice.public_id}")

    assert sorted(_events(patient_id=alice.public_id)) == [
        ("view", "desk-cat", "patients.patient", {"section": "demographics"}),
        ("view", "nurse-ben", "patients.patient", {"section": "clinical"}),
    ]


def test_registering_records_one_creation(client: Client, front_desk, clinic) -> None:
    client.force_login(front_desk)

    response = client.post(
        "/api/v1/patients",
        json.dumps({"first_name": "Dee", "last_name": "Newpatient", "date_of_birth": "1991-03-04"}),
        content_type="application/json",
    )

    assert response.status_code == 201
    patient = Patient.objects.get(public_id=response.json()["id"])
    assert patient.clinic == clinic and patient.created_by == front_desk
    assert patient.consent_recorded_at is not None
    event = AuditEvent.objects.get(patient_id=patient.public_id)
    assert (event.action, event.actor, event.clinic, event.object_id) == (
        "create",
        front_desk,
        clinic,
        str(patient.public_id),
    )


def test_a_change_records_the_field_names_never_the_values(client: Client, injector, alice) -> None:
    client.force_login(injector)

    response = client.patch(
        f"/api/v1/patients/{alice.public_id}/clinical",
        json.dumps({"allergies": ["lactose", "cow_milk_protein"], "clinical_notes": "NEW-NOTE"}),
        content_type="application/json",
    )

    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.allergies == ["cow_milk_protein", "lactose"]
    assert _events(patient_id=alice.public_id) == [
        (
            "change",
            "nurse-ben",
            "patients.patient",
            {"section": "clinical", "fields": ["allergies", "clinical_notes"]},
        )
    ]
    assert "NEW-NOTE" not in json.dumps(AuditEvent.objects.get(action=Action.CHANGE).detail)


def test_a_search_records_its_length_not_its_text(client: Client, front_desk, alice) -> None:
    client.force_login(front_desk)

    page = client.get("/staff/patients/?q=Testpat")

    assert "Testpatient, Alice" in page.content.decode()
    assert _events(object_type="patients.search") == [
        ("view", "desk-cat", "patients.search", {"query_length": 7})
    ]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("alice test", True),
        ("010-1234", True),
        ("1985-06-15", True),
        ("06/15/1985", True),
        ("bob", False),
        ("1985-06-16", False),
    ],
)
def test_search_by_name_phone_or_date_of_birth(
    client: Client, director, alice, bob, query, found
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(director)

    patients = client.get("/staff/patients/", {"q": query}).context["patients"]

    assert patients == ([alice] if found else [])


def test_search_page_query_count_is_fixed(client: Client, director, clinic) -> None:
    client.force_login(director)
    for n in range(12):
        Patient.objects.create(
            clinic=clinic,
            first_name=f"Pat{n}",
            last_name="Sample",
            date_of_birth=date(1980, 1, n + 1),
        )
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/staff/patients/?q=sample")

    assert len(response.context["patients"]) == 12
    assert len(queries) == SEARCH_QUERIES


# --- bad input ----------------------------------------------------------------------------

VALID = {"first_name": "Eve", "last_name": "Newpatient", "date_of_birth": "1990-05-06"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"first_name": ""}, "first_name"),
        ({"last_name": None}, "last_name"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"date_of_birth": "1800-01-01"}, "date_of_birth"),
        ({"preferred_channel": "email"}, "email"),
        ({"preferred_channel": "pigeon"}, "preferred_channel"),
    ],
)
def test_bad_registrations_give_field_errors_and_save_nothing(
    client: Client, director, clinic, change, field
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(director)
    body = {k: v for k, v in {**VALID, **change}.items() if v is not None}

    api = client.post("/api/v1/patients", json.dumps(body), content_type="application/json")
    page = client.post("/staff/patients/new/", {"preferred_channel": "none", **body})

    assert api.status_code == 422
    assert api["Content-Type"] == "application/problem+json"
    assert field in api.json()["errors"]
    assert page.status_code == 200
    assert field in page.context["form"].errors
    assert page.context["form"]["last_name"].value() == body.get("last_name")  # typed input kept
    assert not Patient.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.CREATE).exists()


def test_an_unknown_allergy_is_a_field_error_and_nothing_changes(
    client: Client, injector, alice
) -> None:
    client.force_login(injector)

    api = client.patch(
        f"/api/v1/patients/{alice.public_id}/clinical",
        json.dumps({"allergies": ["peanuts"], "clinical_notes": "changed"}),
        content_type="application/json",
    )
    page = client.post(
        f"/staff/patients/{alice.public_id}/clinical/",
        {"allergies": "peanuts", "clinical_notes": "x"},
    )

    assert api.status_code == 422
    assert "peanuts" in api.json()["errors"]["allergies"][0]
    assert page.status_code == 200 and "allergies" in page.context["form"].errors
    alice.refresh_from_db()
    assert alice.allergies == ["cow_milk_protein"]
    assert alice.clinical_notes.startswith("SECRET-NOTE")
    assert not AuditEvent.objects.filter(action=Action.CHANGE).exists()


def test_a_null_field_in_a_patch_is_refused(client: Client, director, alice) -> None:
    client.force_login(director)

    response = client.patch(
        f"/api/v1/patients/{alice.public_id}/demographics",
        json.dumps({"first_name": "Al", "last_name": None}),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert "last_name" in response.json()["errors"]
    alice.refresh_from_db()
    assert alice.first_name == "Alice"


# --- screening ----------------------------------------------------------------------------


def test_patient_intake_feeds_screening(alice) -> None:
    intake = patient_intake(alice, on=date(2026, 6, 14))

    assert intake.age == 40  # the day before the 41st birthday
    assert intake.allergies == frozenset({"cow_milk_protein"})
    assert intake.medicines == frozenset({"anticoagulant_or_antiplatelet"})
    assert intake.dry_eye and not intake.pregnant
    result = ClinicalCore().screen(intake)
    assert result.for_product("dysport").outcome is Outcome.DO_NOT_TREAT
    assert patient_intake(alice, on=date(2026, 6, 15)).age == 41


def test_patients_cannot_be_deleted(alice) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        alice.delete()
    assert Patient.objects.filter(pk=alice.pk).exists()
