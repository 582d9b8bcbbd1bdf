"""The name search ignores case and accents, on SQLite and PostgreSQL alike (issue 9)."""

import importlib
import json
from datetime import date

import pytest
from django.apps import apps
from django.test import Client

from glabella.audit.models import AuditEvent
from glabella.core.text import fold
from glabella.patients.models import Patient

pytestmark = pytest.mark.django_db

fill_migration = importlib.import_module("glabella.patients.migrations.0002_patient_name_folded")


@pytest.fixture
def nunez(clinic) -> Patient:  # type: ignore[no-untyped-def]
    return Patient.objects.create(
        clinic=clinic, first_name="José", last_name="Ñúñez", date_of_birth=date(1970, 3, 3)
    )


@pytest.fixture
def garcia(clinic) -> Patient:  # type: ignore[no-untyped-def]
    return Patient.objects.create(
        clinic=clinic, first_name="José", last_name="García", date_of_birth=date(1971, 4, 4)
    )


@pytest.fixture
def other_nunez(other_clinic) -> Patient:  # type: ignore[no-untyped-def]
    return Patient.objects.create(
        clinic=other_clinic, first_name="Ana", last_name="Núñez", date_of_birth=date(1972, 5, 5)
    )


def _found(client: Client, query: str) -> list[Patient]:
    return client.get("/staff/patients/", {"q": query}).context["patients"]


def test_fold_strips_case_accents_and_extra_spaces() -> None:
    assert fold("  José   ÑÚÑEZ ") == "jose nunez"
    assert fold("Zoë O'Brien-Łopez") == "zoe o'brien-łopez"  # Ł has no decomposition


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Nunez", ["nunez"]),
        ("nuñez", ["nunez"]),
        ("NÚÑEZ", ["nunez"]),
        ("jose garcia", ["garcia"]),
        ("José García", ["garcia"]),
        ("JOSE", ["garcia", "nunez"]),
        ("garc", ["garcia"]),
        ("arcí", ["garcia"]),  # inside a name, as the search did before
        ("jose  ñu", ["nunez"]),
        ("josefa", []),
    ],
)
def test_names_match_without_case_or_accents(
    client: Client, request, director, nunez, garcia, query, expected
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(director)

    found = _found(client, query)

    assert found == [request.getfixturevalue(name) for name in expected]


def test_the_api_search_folds_too(client: Client, front_desk, nunez, garcia) -> None:
    client.force_login(front_desk)

    listed = client.get("/api/v1/patients", {"q": "nunez jose"}).json()

    assert [p["id"] for p in listed] == [str(nunez.public_id)]


def test_a_folded_search_never_finds_another_clinics_patient(
    client: Client, director, other_director, nunez, other_nunez
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(director)
    assert _found(client, "nunez") == [nunez]
    assert client.get("/api/v1/patients", {"q": "nunez"}).json()[0]["id"] == str(nunez.public_id)

    client.force_login(other_director)
    assert _found(client, "nunez") == [other_nunez]


def test_the_search_audit_keeps_only_the_length(client: Client, front_desk, nunez) -> None:
    client.force_login(front_desk)

    _found(client, " Ñúñez ")

    assert [e.detail for e in AuditEvent.objects.filter(object_type="patients.search")] == [
        {"query_length": 5}
    ]


def test_the_folded_name_follows_an_edit(client: Client, front_desk, nunez) -> None:
    client.force_login(front_desk)
    assert nunez.name_folded == "jose nunez"

    response = client.patch(
        f"/api/v1/patients/{nunez.public_id}/demographics",
        json.dumps({"last_name": "Peña  Ibáñez"}),
        content_type="application/json",
    )

    assert response.status_code == 200
    nunez.refresh_from_db()
    assert nunez.name_folded == "jose pena ibanez"
    assert _found(client, "ibanez") == [nunez]
    assert _found(client, "nunez") == []


def test_a_save_of_other_fields_leaves_the_folded_name(nunez) -> None:  # type: ignore[no-untyped-def]
    nunez.phone = "555 0100"
    nunez.save(update_fields=["phone"])

    assert Patient.objects.values_list("name_folded", "phone_digits").get(pk=nunez.pk) == (
        "jose nunez",
        "5550100",
    )


def test_the_migration_fills_patients_recorded_before_it(nunez, garcia, other_nunez) -> None:  # type: ignore[no-untyped-def]
    Patient.objects.update(name_folded="")  # as the rows stood before the migration

    fill_migration.fill_name_folded(apps, None)

    assert dict(Patient.objects.values_list("last_name", "name_folded")) == {
        "Ñúñez": "jose nunez",
        "García": "jose garcia",
        "Núñez": "ana nunez",
    }
    fill_migration.clear_name_folded(apps, None)
    assert set(Patient.objects.values_list("name_folded", flat=True)) == {""}
