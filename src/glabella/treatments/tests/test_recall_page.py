"""The recall list page: who is due (newest window first), the filters, paging, the CSV
export, the front desk's notes, contact consent, isolation, query count."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from glabella.accounts.models import Membership, Role
from glabella.audit.models import AuditEvent
from glabella.patients.models import Patient
from glabella.treatments import services
from glabella.treatments.models import TreatmentRecord

from .conftest import chart_glabellar

pytestmark = pytest.mark.django_db

URL = "/staff/recall/"
# session, user, memberships, injectors, count, rows, sites, audit and session save
# (savepoints)
MAX_QUERIES = 13


def _signed(patient: Patient, product: str, *, by: Any, days_ago: int) -> TreatmentRecord:
    treated_on = timezone.localdate() - timedelta(days=days_ago)
    record = services.start_treatment(
        patient, {"product": product, "treated_on": treated_on}, by=by
    )
    services.add_vial(record, f"L-{patient.last_name}", treated_on + timedelta(days=300), by=by)
    chart_glabellar(record, by=by)
    services.update_treatment(
        record, {"aftercare_given": True, "deviation_reason": "Usual pattern"}, by=by
    )
    return services.sign_treatment(record, by=by)


def _patient(clinic: Any, last_name: str, *, consent: bool = True) -> Patient:
    return Patient.objects.create(
        clinic=clinic,
        first_name="Pat",
        last_name=last_name,
        date_of_birth=date(1980, 1, 1),
        phone="(555) 010-2000",
        preferred_channel="sms",
        consent_to_contact=consent,
    )


@pytest.fixture
def second_injector(django_user_model, clinic):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user("nurse-eve", password="pw-long-enough")
    Membership.objects.create(user=user, clinic=clinic, role=Role.INJECTOR)
    return user


@pytest.fixture
def due(clinic, injector, second_injector) -> dict[str, TreatmentRecord]:  # type: ignore[no-untyped-def]
    """Four patients due (windows opened 5–14 days ago: the label's 90 days), one not yet."""
    return {
        "able": _signed(_patient(clinic, "Able"), "botox", by=injector, days_ago=95),
        "baker": _signed(_patient(clinic, "Baker"), "xeomin", by=injector, days_ago=98),
        "cole": _signed(_patient(clinic, "Cole", consent=False), "botox", by=second_injector,
                        days_ago=100),
        "dunn": _signed(_patient(clinic, "Dunn"), "botox", by=second_injector, days_ago=104),
        "early": _signed(_patient(clinic, "Early"), "botox", by=injector, days_ago=30),
    }  # fmt: skip


def _names(page: str) -> list[str]:
    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    return [part.split(", Pat")[0].rsplit(">", 1)[-1] for part in rows.split("</a>")[:-1]]


def test_lists_everyone_due_with_units_and_contact(client, injector, due) -> None:  # type: ignore[no-untyped-def]
    client.force_login(injector)
    page = client.get(URL).content.decode()

    assert _names(page) == ["Able", "Baker", "Cole", "Dunn"]  # newest window first
    able = due["able"]
    assert f'href="/staff/patients/{able.patient.public_id}/"' in page
    assert f"{able.treated_on:%Y-%m-%d}" in page
    assert (
        f"{able.recall_opens_on:%Y-%m-%d}" in page and f"{able.recall_closes_on:%Y-%m-%d}" in page
    )
    assert "Glabellar lines 20 U" in page
    assert "Xeomin" in page and "Botox Cosmetic" in page
    assert "Text message: (555) 010-2000" in page
    assert page.count('class="do-not-contact">Do not contact') == 1


def test_filters_by_injector_product_and_due_week(client, injector, second_injector, due) -> None:  # type: ignore[no-untyped-def]
    client.force_login(injector)
    dunn_week = due["dunn"].recall_opens_on.isocalendar()

    by_injector = client.get(URL, {"injector": "nurse-eve"}).content.decode()
    by_product = client.get(URL, {"product": "xeomin"}).content.decode()
    by_week = client.get(URL, {"due_week": f"{dunn_week[0]}-W{dunn_week[1]:02d}"}).content.decode()
    by_day = client.get(URL, {"due_week": due["dunn"].recall_opens_on.isoformat()}).content.decode()
    future_week = due["early"].recall_opens_on.isoformat()
    ahead = client.get(URL, {"due_week": future_week}).content.decode()

    assert _names(by_injector) == ["Cole", "Dunn"]
    assert _names(by_product) == ["Baker"]
    monday = due["dunn"].recall_opens_on - timedelta(days=due["dunn"].recall_opens_on.weekday())
    in_week = sorted(
        ((t.recall_opens_on, t.patient.last_name)
         for t in due.values() if monday <= t.recall_opens_on < monday + timedelta(days=7)),
        reverse=True,
    )  # fmt: skip
    assert _names(by_week) == [name for _, name in in_week]
    assert _names(by_day) == _names(by_week)
    assert _names(ahead) == ["Early"]
    listed = AuditEvent.objects.filter(object_type="treatments.recall_list").order_by("id")
    assert [e.detail for e in listed[:2]] == [
        {"rows": 2, "page": 1, "total": 2,
         "filters": {"injector": str(second_injector.pk), "product": "", "due_week": "",
                     "status": "", "window": "due"}},
        {"rows": 1, "page": 1, "total": 1,
         "filters": {"injector": "", "product": "xeomin", "due_week": "", "status": "",
                     "window": "due"}},
    ]  # fmt: skip


def test_a_bad_week_is_a_field_error(client, injector, due) -> None:  # type: ignore[no-untyped-def]
    client.force_login(injector)
    page = client.get(URL, {"due_week": "2025-W99", "product": "botax"}).content.decode()
    assert 'id="id_due_week_error"' in page and 'id="id_product_error"' in page
    assert not AuditEvent.objects.filter(object_type="treatments.recall_list").exists()


def test_front_desk_sees_the_list_and_is_audited(client, front_desk, due) -> None:  # type: ignore[no-untyped-def]
    client.force_login(front_desk)
    page = client.get(URL).content.decode()
    assert _names(page) == ["Able", "Baker", "Cole", "Dunn"]
    event = AuditEvent.objects.get(object_type="treatments.recall_list")
    assert (event.action, event.actor_label, event.detail["rows"]) == ("view", "desk-cat", 4)


def test_another_clinic_sees_nothing_of_this_one(client, other_director, due) -> None:  # type: ignore[no-untyped-def]
    client.force_login(other_director)
    page = client.get(URL).content.decode()
    assert _names(page) == []
    assert "Nobody is due" in page
    assert client.get(URL, {"clinic": "north"}).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [("director", 200), ("injector", 200), ("front_desk", 200), ("other_director", 200),
     ("no_role", 403), ("anonymous", 302)],
)  # fmt: skip
def test_who_may_open_the_recall_list(client, request, persona, status) -> None:  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(persona)
    if user is not None:
        client.force_login(user)
    response = client.get(URL)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/")
        assert not AuditEvent.objects.filter(object_type="treatments.recall_list").exists()


def test_query_count_does_not_grow_with_rows(  # type: ignore[no-untyped-def]
    client, injector, due, django_assert_max_num_queries
) -> None:
    client.force_login(injector)
    client.get(URL)  # the session is loaded once
    with django_assert_max_num_queries(MAX_QUERIES):
        page = client.get(URL).content.decode()
    assert len(_names(page)) == 4
