"""Duplicate matching (issue 9): date of birth plus a folded name and a phone (any format)
or email; exact, uncertain and none; registration flags possible duplicates."""

from __future__ import annotations

import importlib
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from glabella.patients.models import DuplicateFlag, DuplicateReason, Patient, phone_key
from glabella.patients.services import MatchOutcome, match_patient, register_patient

pytestmark = pytest.mark.django_db

BORN = date(1970, 3, 3)
fill_migration = importlib.import_module(
    "glabella.patients.migrations.0003_patient_duplicates_and_merging"
)


@pytest.fixture
def nunez(clinic) -> Patient:  # type: ignore[no-untyped-def]
    return Patient.objects.create(
        clinic=clinic, first_name="José", last_name="Ñúñez", date_of_birth=BORN,
        phone="(555) 010-2000", email="Jose.Nunez@Example.com",
    )  # fmt: skip


def _match(clinic: Any, **given: Any) -> Any:
    details = {"first_name": "Jose", "last_name": "Nunez", "date_of_birth": BORN, **given}
    return match_patient(clinic, **details)


@pytest.mark.parametrize(
    ("given", "why"),
    [
        ({"phone": "555-010-2000"}, "accents dropped, same phone"),
        ({"first_name": "JOSÉ", "last_name": "ñúñez", "phone": "+1 555.010.2000"}, "case, +1"),
        ({"first_name": "jose", "last_name": "NUNEZ", "phone": "5550102000"}, "bare digits"),
        ({"email": "jose.nunez@example.COM"}, "email in another case"),
        ({"first_name": "Nunez", "last_name": "Jose", "phone": "555 010 2000"}, "names swapped"),
    ],
)
def test_an_exact_match_ignores_case_accents_and_phone_format(clinic, nunez, given, why) -> None:  # type: ignore[no-untyped-def]
    result = _match(clinic, **given)
    assert (result.outcome, result.patient) == (MatchOutcome.EXACT, nunez), why
    assert [(c.patient, c.reason) for c in result.candidates] == [
        (nunez, DuplicateReason.SAME_PERSON)
    ]


def test_same_name_and_birth_with_other_contact_is_uncertain(clinic, nunez) -> None:  # type: ignore[no-untyped-def]
    for given in ({"phone": "555-999-0000"}, {"email": "other@example.com"}, {}):
        result = _match(clinic, **given)
        assert (result.outcome, result.patient) == (MatchOutcome.UNCERTAIN, None)
        assert [(c.patient, c.reason) for c in result.candidates] == [
            (nunez, DuplicateReason.SAME_NAME_OTHER_CONTACT)
        ]


def test_same_birth_and_phone_under_another_name_is_uncertain(clinic, nunez) -> None:  # type: ignore[no-untyped-def]
    result = _match(clinic, first_name="Maria", last_name="Lopez", phone="+1 (555) 010 2000")
    assert result.outcome == MatchOutcome.UNCERTAIN
    assert [(c.patient, c.reason) for c in result.candidates] == [
        (nunez, DuplicateReason.SAME_CONTACT_OTHER_NAME)
    ]


def test_two_exact_records_are_uncertain(clinic, nunez) -> None:  # type: ignore[no-untyped-def]
    twin = Patient.objects.create(
        clinic=clinic, first_name="Jose", last_name="Nunez", date_of_birth=BORN,
        phone="555 010 2000",
    )  # fmt: skip
    result = _match(clinic, phone="5550102000")
    assert (result.outcome, result.patient) == (MatchOutcome.UNCERTAIN, None)
    assert {c.patient for c in result.candidates} == {nunez, twin}


@pytest.mark.parametrize(
    "given",
    [
        {"date_of_birth": date(1970, 3, 4), "phone": "555-010-2000"},  # another birthday
        {"first_name": "Ana", "last_name": "Lopez", "phone": "555-777-1234"},
    ],
)
def test_no_match_without_the_birth_date_and_name_or_contact(clinic, nunez, given) -> None:  # type: ignore[no-untyped-def]
    assert _match(clinic, **given).outcome == MatchOutcome.NONE


def test_another_clinic_and_merged_records_are_never_matched(clinic, other_clinic, nunez) -> None:  # type: ignore[no-untyped-def]
    assert _match(other_clinic, phone="555-010-2000").outcome == MatchOutcome.NONE
    kept = Patient.objects.create(clinic=clinic, first_name="X", last_name="Y", date_of_birth=BORN)
    Patient.objects.filter(pk=nunez.pk).update(merged_into=kept)
    assert _match(clinic, phone="555-010-2000").outcome == MatchOutcome.NONE


def test_phone_key_is_the_last_nine_digits() -> None:
    assert phone_key("+1 (555) 010-2000") == phone_key("555.010.2000") == "550102000"
    assert phone_key("+34 612 345 678") == phone_key("612345678") == "612345678"
    assert phone_key("") == "" and phone_key("12-34") == "1234"


def test_the_lookup_reads_the_clinic_and_birth_date_index(clinic, nunez) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "sqlite":
        pytest.skip("the plan is read with SQLite's EXPLAIN QUERY PLAN")
    with CaptureQueriesContext(connection) as queries:
        _match(clinic, phone="555-010-2000", email="a@example.com")
    (lookup,) = queries.captured_queries  # one query
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {lookup['sql']}")
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "USING INDEX patient_clinic_dob" in plan, plan


def test_registering_a_possible_duplicate_queues_it(clinic, front_desk, nunez) -> None:  # type: ignore[no-untyped-def]
    data = {"first_name": "Jose", "last_name": "Nunez", "date_of_birth": BORN,
            "phone": "555 999 0000"}  # fmt: skip
    second = register_patient(clinic, data, by=None, source="online")

    flag = DuplicateFlag.objects.get()
    assert (flag.patient, flag.candidate, flag.reason, flag.source, flag.status) == (
        second, nunez, DuplicateReason.SAME_NAME_OTHER_CONTACT, "online", "open",
    )  # fmt: skip
    other = register_patient(
        clinic, {"first_name": "Ana", "last_name": "Lopez", "date_of_birth": BORN}, by=front_desk
    )
    assert DuplicateFlag.objects.filter(patient=other).count() == 0


def test_the_migration_fills_the_phone_key(clinic, nunez) -> None:  # type: ignore[no-untyped-def]
    Patient.objects.filter(pk=nunez.pk).update(phone_key="")
    fill_migration.fill_phone_key(apps, None)
    assert Patient.objects.get(pk=nunez.pk).phone_key == "550102000"
