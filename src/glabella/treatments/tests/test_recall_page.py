"""The recall list page: who is due (newest window first), the filters, paging, the CSV
export, the front desk's notes, contact consent, isolation, query count."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from glabella.accounts.models import Role
from glabella.audit.models import AuditEvent
from glabella.patients.models import Patient
from glabella.testing import chart_glabellar, make_staff
from glabella.treatments import services
from glabella.treatments.models import Recall, RecallStatus, TreatmentRecord

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
def second_injector(clinic):  # type: ignore[no-untyped-def]
    return make_staff("nurse-eve", clinic, Role.INJECTOR)


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


# --- statuses, windows, paging, CSV --------------------------------------------------------------


def _bulk(clinic: Any, injector: Any, count: int, *, opened_days_ago: int = 3) -> list[Recall]:
    """``count`` signed courses with their recalls, written directly (fast), one a day apart."""
    today = timezone.localdate()
    recalls = []
    for n in range(count):
        patient = _patient(clinic, f"Bulk{n:03d}")
        opens = today - timedelta(days=opened_days_ago + n)
        course = TreatmentRecord.objects.create(
            clinic=clinic, patient=patient, injector=injector, product="botox",
            treated_on=opens - timedelta(days=90), vial_units=100, diluent_ml=Decimal("2.5"),
            status="signed", signed_at=timezone.now(), recall_opens_on=opens,
            recall_closes_on=opens + timedelta(days=22),
        )  # fmt: skip
        recalls.append(
            Recall.objects.create(
                clinic=clinic,
                patient=patient,
                treatment=course,
                product="botox",
                injector=injector,
                opens_on=opens,
                closes_on=opens + timedelta(days=22),
            )  # fmt: skip
        )
    return recalls


def test_pages_of_fifty_newest_first(client, injector, clinic, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    _bulk(clinic, injector, 55)
    client.force_login(injector)
    client.get(URL)
    with django_assert_max_num_queries(MAX_QUERIES):
        first = client.get(URL).content.decode()
    older = re.search(r'href="\?[^"]*after=([^"&]+)">Older', first)
    assert older is not None
    second = client.get(URL, {"after": older.group(1)}).content.decode()
    newer = re.search(r'href="\?[^"]*before=([^"&]+)">Newer', second)
    assert newer is not None
    back = client.get(URL, {"before": newer.group(1)}).content.decode()
    junk = client.get(URL, {"after": "x'--"}).content.decode()

    assert _names(first) == [f"Bulk{n:03d}" for n in range(50)]
    assert "50 of 55" in first and "Newer" not in first
    assert _names(second) == [f"Bulk{n:03d}" for n in range(50, 55)]
    assert "Older" not in second
    assert _names(back) == _names(first)
    assert _names(junk) == _names(first)
    assert "Download CSV (55 rows)" in first


def test_booked_declined_and_do_not_contact_leave_the_list(client, injector, clinic) -> None:  # type: ignore[no-untyped-def]
    able, baker, cole, dunn = _bulk(clinic, injector, 4)
    Recall.objects.filter(pk=able.pk).update(status=RecallStatus.BOOKED)
    Recall.objects.filter(pk=baker.pk).update(status=RecallStatus.DECLINED)
    Recall.objects.filter(pk=cole.pk).update(status=RecallStatus.DO_NOT_CONTACT)
    Recall.objects.filter(pk=dunn.pk).update(status=RecallStatus.CONTACTED, contact_count=2)
    client.force_login(injector)

    assert _names(client.get(URL).content.decode()) == ["Bulk003"]
    for status, name in [("booked", "Bulk000"), ("declined", "Bulk001"),
                         ("do_not_contact", "Bulk002"), ("contacted", "Bulk003")]:  # fmt: skip
        assert _names(client.get(URL, {"status": status}).content.decode()) == [name]
    assert client.get(URL, {"status": "lost"}).status_code == 200  # a field error, not a 500
    assert 'id="id_status_error"' in client.get(URL, {"status": "lost"}).content.decode()


def test_the_window_filters(client, injector, clinic) -> None:  # type: ignore[no-untyped-def]
    recent = _bulk(clinic, injector, 1, opened_days_ago=2)[0]
    closed = _bulk(clinic, injector, 1, opened_days_ago=40)[0]
    ahead = _bulk(clinic, injector, 1, opened_days_ago=-10)[0]
    far = _bulk(clinic, injector, 1, opened_days_ago=-60)[0]
    client.force_login(injector)

    def shown(window: str) -> set[int]:
        page = client.get(URL, {"window": window}).content.decode()
        return {r.pk for r in (recent, closed, ahead, far) if str(r.patient.public_id) in page}

    assert shown("due") == {recent.pk, closed.pk}
    assert shown("open") == {recent.pk}
    assert shown("overdue") == {closed.pk}
    assert shown("upcoming") == {ahead.pk}
    assert shown("any") == {recent.pk, closed.pk, ahead.pk, far.pk}


def test_the_csv_export_streams_the_filtered_rows_and_is_audited(client, injector, clinic) -> None:  # type: ignore[no-untyped-def]
    recalls = _bulk(clinic, injector, 3)
    Patient.objects.filter(pk=recalls[1].patient_id).update(last_name="=HYPERLINK(1)")
    Recall.objects.filter(pk=recalls[2].pk).update(status=RecallStatus.BOOKED)
    client.force_login(injector)

    response = client.get("/staff/recall/export.csv", {"product": "botox"})

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="recall-north-')
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("last_name,first_name,date_of_birth,phone,email")
    assert len(lines) == 3  # the header and the two open recalls (the booked one left)
    assert lines[1].startswith("Bulk000,Pat,1980-01-01,(555) 010-2000,,sms,yes,botox,")
    assert "Glabellar" not in lines[1] and ",due,0," in lines[1]
    assert lines[2].startswith("'=HYPERLINK(1),Pat")  # not run as a formula
    event = AuditEvent.objects.get(action="export")
    assert (event.object_type, event.actor_label, event.detail["rows"]) == (
        "treatments.recall_list", "nurse-ben", 2,
    )  # fmt: skip
    assert event.detail["filters"]["product"] == "botox"


def test_a_bad_export_filter_is_a_400_and_nothing_is_exported(client, injector, clinic) -> None:  # type: ignore[no-untyped-def]
    client.force_login(injector)
    response = client.get("/staff/recall/export.csv", {"due_week": "2025-W99"})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="export").exists()


def test_others_cannot_export(client, other_director, due) -> None:  # type: ignore[no-untyped-def]
    client.force_login(other_director)
    response = client.get("/staff/recall/export.csv", {"clinic": "north"})
    assert response.status_code == 404
