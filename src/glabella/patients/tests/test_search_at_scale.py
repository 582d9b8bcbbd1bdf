"""The patient search as it must hold at a million patients: accent- and case-blind on the
folded name the model keeps (on create, on edit, through a merge), short words matched at the
start of a word, and on PostgreSQL each kind of search served by its index."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection

from glabella.audit.models import AuditEvent
from glabella.patients.merging import merge_patients
from glabella.patients.models import Patient
from glabella.patients.services import SEARCH_LIMIT, search_patients, update_demographics
from glabella.treatments import services as treatments
from glabella.treatments.services import RecallFilters

pytestmark = pytest.mark.django_db


def _patient(clinic: Any, first: str, last: str, **more: Any) -> Patient:
    return Patient.objects.create(
        clinic=clinic, first_name=first, last_name=last, date_of_birth=date(1975, 6, 1), **more
    )


def _found(clinic: Any, query: str, by: Any) -> list[str]:
    return [p.full_name for p in search_patients(clinic, query, by=by)]


@pytest.fixture
def people(clinic) -> dict[str, Patient]:  # type: ignore[no-untyped-def]
    return {
        "jose": _patient(clinic, "José", "Núñez", phone="+1 555 010 2000"),
        "muller": _patient(clinic, "Jürgen", "Müller"),
        "zoe": _patient(clinic, "Zoë", "Garçon"),
        "joanna": _patient(clinic, "Joanna", "Smith"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Jose", ["José Núñez"]),
        ("muller", ["Jürgen Müller"]),
        ("MÜLL", ["Jürgen Müller"]),
        ("jurgen muller", ["Jürgen Müller"]),
        ("zoe garcon", ["Zoë Garçon"]),
        ("jo", ["José Núñez", "Joanna Smith"]),  # two letters: a word starting with them
        ("nu jo", ["José Núñez"]),
        ("oa", []),  # two letters inside a word: not a match
        ("oan", ["Joanna Smith"]),  # three letters match anywhere
        ("0102", ["José Núñez"]),
        ("1975-06-01", ["José Núñez", "Jürgen Müller", "Zoë Garçon", "Joanna Smith"]),
    ],
)
def test_the_search_ignores_accents_and_case(clinic, front_desk, people, query, expected) -> None:  # type: ignore[no-untyped-def]
    assert sorted(_found(clinic, query, front_desk)) == sorted(expected)


def test_a_search_gives_one_page_in_name_order(clinic, front_desk) -> None:  # type: ignore[no-untyped-def]
    for n in range(SEARCH_LIMIT + 5):
        _patient(clinic, "Ann", f"Zed{n:03d}")
    merged = _patient(clinic, "Ann", "Aaron")
    Patient.objects.filter(pk=merged.pk).update(merged_into=_patient(clinic, "Ann", "Abel"))

    found = _found(clinic, "ann", front_desk)
    everyone = _found(clinic, "", front_desk)

    expected = ["Ann Abel", *(f"Ann Zed{n:03d}" for n in range(SEARCH_LIMIT - 1))]
    assert found == everyone == expected


def test_every_search_is_audited_with_its_length_only(clinic, front_desk, people) -> None:  # type: ignore[no-untyped-def]
    _found(clinic, "Müller", front_desk)

    event = AuditEvent.objects.filter(object_type="patients.search").latest("id")
    assert event.detail == {"query_length": 6}


def test_the_folded_name_follows_an_edit(clinic, front_desk, people) -> None:  # type: ignore[no-untyped-def]
    update_demographics(people["muller"], {"last_name": "Schröder"}, by=front_desk)

    assert Patient.objects.get(pk=people["muller"].pk).name_folded == "jurgen schroder"
    assert _found(clinic, "schroder", front_desk) == ["Jürgen Schröder"]
    assert _found(clinic, "muller", front_desk) == []


def test_a_merged_record_leaves_the_search_the_kept_one_stays(clinic, front_desk, people) -> None:  # type: ignore[no-untyped-def]
    twin = _patient(clinic, "Jose", "Nunez")
    assert len(_found(clinic, "jose nunez", front_desk)) == 2

    merge_patients(people["jose"], twin, by=front_desk)

    assert _found(clinic, "jose nunez", front_desk) == ["José Núñez"]


# --- the plans on PostgreSQL ---------------------------------------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigram and partial indexes are PostgreSQL's"
)


def _plan(queryset: Any, *off: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for setting in off:
            cursor.execute(f"SET LOCAL {setting} = off")
    return str(queryset.explain())


def _many(clinic: Any) -> None:
    Patient.objects.bulk_create(
        Patient(clinic=clinic, first_name=f"Name{n}", last_name=f"Family{n}",
                name_folded=f"name{n} family{n}", date_of_birth=date(1980, 1, 1 + n % 28),
                phone_digits=f"1555{n:07d}", phone_key=f"55{n:07d}")
        for n in range(500)
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE patients_patient")


@postgres_only
@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("müller", "patient_name_trgm"),
        ("ju mu", "patient_name_trgm"),
        ("0102", "patient_phone_trgm"),
        ("+1 555 010 2000", "patient_clinic_phone_key"),
        ("1975-06-01", "patient_clinic_dob"),
    ],
)
def test_each_search_is_served_by_its_index(clinic, people, query, index) -> None:  # type: ignore[no-untyped-def]
    _many(clinic)
    # The match alone: on a table this small the clinic's own index would win the plan; at a
    # million rows the bench shows the trigram index chosen with the clinic's condition.
    found = Patient.objects.matching(query)

    assert index in _plan(found)


@postgres_only
@pytest.mark.parametrize(
    "filters",
    [
        RecallFilters(),
        RecallFilters(window="overdue", product="botox"),
        RecallFilters(due_week=date(2026, 11, 18)),
    ],
)
def test_the_open_recall_list_reads_its_partial_index_in_order(clinic, filters) -> None:  # type: ignore[no-untyped-def]
    rows = treatments.recall_rows(clinic, filters, today=date(2026, 11, 18))

    plan = _plan(rows[:51], "enable_sort", "enable_bitmapscan")

    assert "recall_open_list" in plan and "Sort" not in plan
