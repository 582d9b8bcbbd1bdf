"""The recall list read by keyset: pages go on from a row (window opening, id), forwards and
back, through ties on the opening date and under filters; the counts are counts; Today's
number is the list's total; each page read is audited."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from glabella.audit.models import AuditEvent
from glabella.dashboard.today import today_board
from glabella.patients.models import Patient
from glabella.treatments import services
from glabella.treatments.models import Recall, RecallStatus, TreatmentRecord
from glabella.treatments.services import RecallCursor, RecallFilters
from glabella.treatments.services.recall_list import PAGE_SIZE

pytestmark = pytest.mark.django_db


def _recall(clinic: Any, injector: Any, n: int, opens: date, product: str = "botox") -> Recall:
    patient = Patient.objects.create(
        clinic=clinic, first_name="Pat", last_name=f"Row{n:03d}", date_of_birth=date(1980, 1, 1)
    )
    course = TreatmentRecord.objects.create(
        clinic=clinic, patient=patient, injector=injector, product=product,
        treated_on=opens - timedelta(days=90), vial_units=100, diluent_ml=Decimal("2.5"),
        status="signed", signed_at=timezone.now(), recall_opens_on=opens,
        recall_closes_on=opens + timedelta(days=22),
    )  # fmt: skip
    return Recall.objects.create(
        clinic=clinic, patient=patient, treatment=course, product=product, injector=injector,
        opens_on=opens, closes_on=opens + timedelta(days=22),
    )  # fmt: skip


@pytest.fixture
def rows(clinic, injector) -> list[Recall]:  # type: ignore[no-untyped-def]
    """130 open recalls over five opening dates: 26 share each date (ties across pages)."""
    today = timezone.localdate()
    made = [_recall(clinic, injector, n, today - timedelta(days=n % 5)) for n in range(130)]
    return sorted(made, key=lambda r: (r.opens_on, r.pk), reverse=True)


def _page(clinic: Any, by: Any, filters: RecallFilters | None = None, **where: str) -> Any:
    return services.recall_list(
        clinic, filters or RecallFilters(), today=timezone.localdate(), by=by, **where
    )


def _ids(page: Any) -> list[int]:
    return [entry.recall.pk for entry in page.entries]


def test_older_pages_walk_the_whole_list_once_in_order(clinic, injector, rows) -> None:  # type: ignore[no-untyped-def]
    seen, page = [], _page(clinic, injector)
    assert page.newer is None  # the first page
    pages = [page]
    while page.older is not None:
        page = _page(clinic, injector, after=str(page.older))
        pages.append(page)

    for shown in pages:
        seen += _ids(shown)
    assert seen == [r.pk for r in rows]
    assert [len(p.entries) for p in pages] == [PAGE_SIZE, PAGE_SIZE, 30]
    assert {p.total for p in pages} == {130}


def test_newer_pages_come_back_to_the_same_pages(clinic, injector, rows) -> None:  # type: ignore[no-untyped-def]
    first = _page(clinic, injector)
    second = _page(clinic, injector, after=str(first.older))
    third = _page(clinic, injector, after=str(second.older))

    back_to_second = _page(clinic, injector, before=str(third.newer))
    back_to_first = _page(clinic, injector, before=str(back_to_second.newer))

    assert _ids(back_to_second) == _ids(second)
    assert _ids(back_to_first) == _ids(first)
    assert back_to_first.newer is None and back_to_first.older == first.older


def test_a_cursor_inside_a_run_of_equal_dates_splits_it_by_id(clinic, injector, rows) -> None:  # type: ignore[no-untyped-def]
    tied = [r for r in rows if r.opens_on == rows[0].opens_on]
    middle = tied[10]

    after = _page(clinic, injector, after=str(RecallCursor.of(middle)))
    before = _page(clinic, injector, before=str(RecallCursor.of(middle)))

    assert _ids(after)[:15] == [r.pk for r in tied[11:]]
    assert _ids(before) == [r.pk for r in tied[:10]]


def test_filters_hold_on_every_page(clinic, injector, rows) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    others = [_recall(clinic, injector, 200 + n, today - timedelta(days=n % 3), "dysport")
              for n in range(60)]  # fmt: skip
    Recall.objects.filter(pk=others[0].pk).update(status=RecallStatus.DECLINED)
    dysport = RecallFilters(product="dysport")

    first = _page(clinic, injector, dysport)
    second = _page(clinic, injector, dysport, after=str(first.older))

    expected = sorted(others[1:], key=lambda r: (r.opens_on, r.pk), reverse=True)
    assert _ids(first) + _ids(second) == [r.pk for r in expected]
    assert second.older is None and first.total == second.total == 59
    assert services.recall_count(clinic, dysport, today=today) == 59


def test_a_cursor_that_does_not_parse_reads_the_first_page(clinic, injector, rows) -> None:  # type: ignore[no-untyped-def]
    first = _page(clinic, injector)
    for junk in ("x'--", "2026-13-01.4", "2026-01-01", ".7"):
        assert _ids(_page(clinic, injector, after=junk)) == _ids(first)


def test_a_page_read_is_audited_with_where_it_started(clinic, injector, rows) -> None:  # type: ignore[no-untyped-def]
    first = _page(clinic, injector)
    _page(clinic, injector, after=str(first.older))

    events = AuditEvent.objects.filter(object_type="treatments.recall_list").order_by("id")
    assert [(e.detail["rows"], e.detail["total"]) for e in events] == [(50, 130), (50, 130)]
    assert events[0].detail["page"] == 1
    assert events[1].detail["after"] == str(first.older)


def test_todays_count_is_the_lists_total_and_reads_no_rows(clinic, director, rows) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    week = RecallFilters(due_week=today)
    before = AuditEvent.objects.filter(object_type="treatments.recall_list").count()

    board = today_board(clinic, today=today, by=director)

    listed = _page(clinic, director, week)
    monday = today - timedelta(days=today.weekday())
    in_week = [r for r in rows if monday <= r.opens_on < monday + timedelta(days=7)]
    assert board.recall_due_this_week == listed.total == len(in_week)
    # Only the list's own read above is audited: the count shows no patient.
    assert AuditEvent.objects.filter(object_type="treatments.recall_list").count() == before + 1
