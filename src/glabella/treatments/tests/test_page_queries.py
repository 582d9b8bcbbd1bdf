"""Database queries per staff page stay fixed as a patient's history grows (no query per
record, site or vial), and under the ceilings measured when they were pinned. The session is
read once and not written back (core/session_refresh.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from glabella.patients.models import Patient
from glabella.testing import signed_botox

pytestmark = pytest.mark.django_db

# Sessions, user, memberships, the page's own reads and its audit event(s).
CEILINGS = {"today": 19, "patient": 18, "record": 15}


def _pages(patient: Patient, courses: int, injector: Any) -> dict[str, str]:
    # Courses 100 days apart, the last one about 100 days ago (past every minimum interval).
    records = [
        signed_botox(patient, by=injector, days_ago=100 * (courses - n)) for n in range(courses)
    ]
    return {
        "today": "/staff/",
        "patient": f"/staff/patients/{patient.public_id}/",
        "record": f"/staff/treatments/{records[-1].public_id}/",
    }


def _queries(client: Client, url: str) -> list[str]:
    client.get(url)  # the first visit may save the session; measure the next
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("courses", [1, 4])
def test_staff_pages_have_a_fixed_number_of_queries(
    courses: int, injector: Any, carol: Patient
) -> None:
    client = Client()
    client.force_login(injector)
    for name, url in _pages(carol, courses, injector).items():
        queries = _queries(client, url)
        assert len(queries) <= CEILINGS[name], (name, len(queries))
        session_writes = [q for q in queries if "django_session" in q and "SELECT" not in q]
        assert session_writes == [], name
