"""Dates at the ends of the calendar: a clean page or a 400, never a 500.

A whole value that is a date outside 1800–9000 is refused before any view
(``RequestGuardMiddleware``); the pages must still cope with the years inside."""

import pytest
from django.test import Client

from glabella.core.middleware import out_of_range_date
from glabella.patients.models import Patient

pytestmark = pytest.mark.django_db

REFUSED = [
    "0001-01-01",
    "0001-01-02",
    "9001-01-01",
    "9999-12-31",
    "10000-01-01",
    "1799-12-31T10:00",
]
TAKEN = ["1800-01-01", "2999-01-01", "9000-12-31", "2026-02-30", "x"]


def pages(patient_id: str) -> list[str]:
    return [
        "/staff/appointments/",
        "/staff/appointments/week/",
        "/staff/appointments/new/",
        f"/staff/patients/{patient_id}/appointments/new/",
        f"/staff/patients/{patient_id}/appointments/free-times/",
        "/staff/calendar/",
        "/staff/calendar/injector/",
    ]


@pytest.fixture
def staff(director) -> Client:  # type: ignore[no-untyped-def]
    client = Client(raise_request_exception=False)
    client.force_login(director)
    return client


@pytest.mark.parametrize("day", REFUSED)
def test_a_date_no_clinic_can_take_is_a_400(staff: Client, alice, day: str) -> None:
    for page in pages(str(alice.public_id)):
        response = staff.get(page, {"date": day})
        assert response.status_code == 400, page
        assert "Date out of range" in response.content.decode()


@pytest.mark.parametrize("day", TAKEN)
def test_the_pages_cope_with_the_years_they_take(staff: Client, alice, day: str) -> None:
    for page in pages(str(alice.public_id)):
        for name in ("date", "week"):
            assert staff.get(page, {name: day}).status_code < 500, (page, name)
    assert staff.get("/staff/audit/", {"date_from": day, "date_to": day}).status_code < 500


def test_the_api_answers_a_400_problem_for_a_date_in_a_json_body(staff: Client, alice) -> None:
    response = staff.post(
        f"/api/v1/patients/{alice.public_id}/consultations",
        '{"held_on": "0001-01-01"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "0001-01-01 is not a date this clinic can take" in response.json()["detail"]


def test_a_form_post_with_such_a_date_changes_nothing(staff: Client) -> None:
    response = staff.post(
        "/staff/patients/new/",
        {"first_name": "Old", "last_name": "Date", "date_of_birth": "0001-01-01"},
    )
    assert response.status_code == 400
    assert not Patient.objects.filter(last_name="Date").exists()


@pytest.mark.parametrize(
    "value", ["I was treated on 0001-01-01, is that ok?", "0001-01-01 or later", "2026-06-01"]
)
def test_a_date_inside_free_text_is_not_a_date_value(rf, value: str) -> None:
    form = rf.post("/ask", {"question": value})
    body = rf.post("/api/v1/assistant/ask", {"question": value}, content_type="application/json")
    assert out_of_range_date(form) is None
    assert out_of_range_date(body) is None
