"""Reading the recall list: one page of it on screen, or all of it as CSV. Both are audited
views of patient data (the export as an export)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from django.db import transaction
from django.db.models import Prefetch, QuerySet

from glabella.accounts.models import Clinic
from glabella.accounts.types import StaffUser
from glabella.audit.models import Action
from glabella.audit.services import record
from glabella.core.db_router import replica_alias
from glabella.patients.models import Patient

from ..models import InjectionSite, Recall, RecallQuerySet, RecallStatus, TreatmentRecord

PAGE_SIZE = 50
UPCOMING = timedelta(weeks=4)
Window = Literal["due", "open", "overdue", "upcoming", "any"]
WINDOWS: dict[str, str] = {
    "due": "Window opened by today",
    "open": "Window open today",
    "overdue": "Window closed",
    "upcoming": "Window opens in the next 4 weeks",
    "any": "Any window",
}


@dataclass(frozen=True)
class RecallFilters:
    injector_id: int | None = None
    product: str = ""
    due_week: date | None = None  # any day of a week: windows opening then (overrides window)
    status: str = ""  # a RecallStatus; "": still to contact (due or contacted)
    window: Window = "due"


@dataclass(frozen=True)
class RecallEntry:
    recall: Recall
    units_per_area: dict[str, Decimal]

    @property
    def treatment(self) -> TreatmentRecord:
        return self.recall.treatment

    @property
    def patient(self) -> Patient:
        return self.recall.patient


@dataclass(frozen=True)
class RecallCursor:
    """A row's place in the list's order (window opening, then id, both descending): the
    page after it or before it is read from the index from there, however deep (keyset
    paging; an OFFSET would read every row before the page)."""

    opens_on: date
    id: int

    def __str__(self) -> str:
        return f"{self.opens_on.isoformat()}.{self.id}"

    @classmethod
    def parse(cls, text: str) -> RecallCursor | None:
        day, _, pk = text.partition(".")
        try:
            return cls(date.fromisoformat(day), int(pk))
        except ValueError:
            return None

    @classmethod
    def of(cls, recall: Recall) -> RecallCursor:
        return cls(recall.opens_on, recall.pk)


@dataclass(frozen=True)
class RecallPage:
    entries: list[RecallEntry]
    total: int  # rows the filters select, on every page
    newer: RecallCursor | None  # the page before this one ends here (None: this is the first)
    older: RecallCursor | None  # the page after this one starts after here (None: the last)


def recall_rows(clinic: Clinic, filters: RecallFilters, *, today: date) -> QuerySet[Recall]:
    """The clinic's recalls the filters select, newest window first (not audited: for the
    services below and for messaging's selection)."""
    rows = Recall.objects.for_clinic(clinic)
    rows = rows.filter(status=filters.status) if filters.status else rows.open()
    if filters.due_week is not None:
        monday = filters.due_week - timedelta(days=filters.due_week.weekday())
        rows = rows.filter(opens_on__gte=monday, opens_on__lt=monday + timedelta(days=7))
    else:
        rows = _in_window(rows, filters.window, today)
    if filters.injector_id:
        rows = rows.filter(injector_id=filters.injector_id)
    if filters.product:
        rows = rows.filter(product=filters.product)
    return rows.order_by("-opens_on", "-id")


def _in_window(rows: RecallQuerySet, window: str, today: date) -> RecallQuerySet:
    if window == "due":
        return rows.filter(opens_on__lte=today)
    if window == "open":
        return rows.filter(opens_on__lte=today, closes_on__gte=today)
    if window == "overdue":
        return rows.filter(closes_on__lt=today)
    if window == "upcoming":
        return rows.filter(opens_on__gt=today, opens_on__lte=today + UPCOMING)
    return rows


def recall_list(
    clinic: Clinic,
    filters: RecallFilters,
    *,
    today: date,
    by: StaffUser,
    after: str = "",
    before: str = "",
    page: int = 1,
) -> RecallPage:
    """One page (``PAGE_SIZE`` rows) of the recall list, with each course's units per area:
    the rows after the cursor ``after`` (the next page), before ``before`` (the previous
    page), or the first page. A cursor that does not parse reads the first page. ``page``
    (a number, for the API) is read by offset: only for the first few pages."""
    rows = recall_rows(clinic, filters, today=today)
    start, end = RecallCursor.parse(after), RecallCursor.parse(before)
    numbered = start is None and end is None
    if end is not None:
        entries, newer, older = _before(rows, end)
    elif not numbered or page <= 1:
        entries, newer, older = _after(rows, start)
    else:
        entries, newer, older = _numbered(rows, page)
    total = rows.count()
    with transaction.atomic():
        record(
            action=Action.VIEW,
            clinic=clinic,
            actor=by,
            object_type="treatments.recall_list",
            detail={
                "rows": len(entries),
                "filters": _described(filters),
                **_where(page if numbered else None, start, end),
                "total": total,
            },
        )
    return RecallPage(entries, total, newer, older)


def recall_count(clinic: Clinic, filters: RecallFilters, *, today: date) -> int:
    """How many rows the list has with these filters: a count, which reads no patient's
    data (so it is not audited), and an index answers it."""
    return recall_rows(clinic, filters, today=today).count()


def _where(
    page: int | None, start: RecallCursor | None, end: RecallCursor | None
) -> dict[str, int | str]:
    if page is not None:
        return {"page": page}
    return {"after": str(start)} if start is not None else {"before": str(end)}


Rows = tuple[list[RecallEntry], RecallCursor | None, RecallCursor | None]


def _after(rows: QuerySet[Recall], start: RecallCursor | None) -> Rows:
    if start is not None:
        rows = rows.filter(opens_on__lte=start.opens_on).exclude(
            opens_on=start.opens_on, id__gte=start.id
        )
    shown = list(_with_details(rows)[: PAGE_SIZE + 1])
    entries = _entries(shown[:PAGE_SIZE])
    newer = RecallCursor.of(shown[0]) if start is not None and shown else None
    return entries, newer, RecallCursor.of(shown[PAGE_SIZE - 1]) if len(shown) > PAGE_SIZE else None


def _before(rows: QuerySet[Recall], end: RecallCursor) -> Rows:
    newer_rows = rows.filter(opens_on__gte=end.opens_on).exclude(
        opens_on=end.opens_on, id__lte=end.id
    )
    shown = list(_with_details(newer_rows.order_by("opens_on", "id"))[: PAGE_SIZE + 1])
    if not shown:  # nothing before it: the first page
        return _after(rows, None)
    page = shown[:PAGE_SIZE][::-1]
    newer = RecallCursor.of(page[0]) if len(shown) > PAGE_SIZE else None
    return _entries(page), newer, RecallCursor.of(page[-1])


def _numbered(rows: QuerySet[Recall], page: int) -> Rows:
    skip = (page - 1) * PAGE_SIZE
    shown = list(_with_details(rows)[skip : skip + PAGE_SIZE + 1])
    older = RecallCursor.of(shown[PAGE_SIZE - 1]) if len(shown) > PAGE_SIZE else None
    return _entries(shown[:PAGE_SIZE]), RecallCursor.of(shown[0]) if shown else None, older


def _entries(rows: list[Recall]) -> list[RecallEntry]:
    return [RecallEntry(r, _units_per_area(r.treatment)) for r in rows]


def _with_details(rows: QuerySet[Recall]) -> QuerySet[Recall]:
    sites = InjectionSite.objects.only("area", "units", "treatment_id")
    return rows.select_related("patient", "treatment", "injector").prefetch_related(
        Prefetch("treatment__sites", queryset=sites)
    )


CSV_COLUMNS = [
    "last_name", "first_name", "date_of_birth", "phone", "email", "preferred_channel",
    "consent_to_contact", "product", "treated_on", "injector", "units_per_area",
    "window_opens", "window_closes", "status", "contacts", "last_contacted_at",
]  # fmt: skip
EXPORT_CHUNK = 500


def export_recall_csv(
    clinic: Clinic, filters: RecallFilters, *, today: date, by: StaffUser
) -> Iterator[str]:
    """The whole filtered list as CSV lines, for a streamed download. The export is audited
    (filters and row count) before the first line is produced; rows are read in chunks,
    from the read replica when there is one (the audit event is written to the primary)."""
    rows = _with_details(recall_rows(clinic, filters, today=today)).using(replica_alias())
    with transaction.atomic():
        record(
            action=Action.EXPORT,
            clinic=clinic,
            actor=by,
            object_type="treatments.recall_list",
            detail={"rows": rows.count(), "filters": _described(filters), "format": "csv"},
        )
    return _csv_lines(rows)


class _Line:
    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: QuerySet[Recall]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(CSV_COLUMNS)
    for recall in rows.iterator(chunk_size=EXPORT_CHUNK):
        yield writer.writerow(_csv_row(recall))


def _csv_row(recall: Recall) -> list[str]:
    patient, course = recall.patient, recall.treatment
    units = _units_per_area(course)
    return [
        *(_safe(v) for v in (patient.last_name, patient.first_name)),
        patient.date_of_birth.isoformat(),
        *(_safe(v) for v in (patient.phone, patient.email)),
        patient.preferred_channel,
        "yes" if patient.consent_to_contact else "no",
        recall.product,
        course.treated_on.isoformat(),
        recall.injector.get_username(),
        "; ".join(f"{area} {n.normalize():f}" for area, n in units.items()),
        recall.opens_on.isoformat(),
        recall.closes_on.isoformat(),
        recall.status,
        str(recall.contact_count),
        recall.last_contacted_at.isoformat() if recall.last_contacted_at else "",
    ]


def _safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _units_per_area(treatment: TreatmentRecord) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for site in treatment.sites.all():
        totals[site.area] = totals.get(site.area, Decimal("0")) + site.units
    return totals


def _described(filters: RecallFilters) -> dict[str, str]:
    return {
        "injector": str(filters.injector_id or ""),
        "product": filters.product,
        "due_week": filters.due_week.isoformat() if filters.due_week else "",
        "status": filters.status,
        "window": filters.window if filters.due_week is None else "",
    }


STATUS_CHOICES = [("", "To contact (due or contacted)"), *RecallStatus.choices]
