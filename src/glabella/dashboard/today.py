"""What the staff landing page shows: today's visits and what waits for someone, per block only
when the role may see it. Patient rows come from the services that audit their reading;
elsewhere only counts are taken."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from glabella.accounts.models import Clinic
from glabella.accounts.roles import Capability, can
from glabella.accounts.types import StaffUser
from glabella.assistant.models import Handoff
from glabella.assistant.services.contact import open_messages
from glabella.audit.services import record_read
from glabella.scheduling import services as scheduling
from glabella.scheduling.models import Appointment
from glabella.treatments import services as treatments
from glabella.treatments.models import AdverseEvent, TreatmentRecord, TreatmentStatus

APPOINTMENTS = Capability.APPOINTMENTS_READ
RECALL = Capability.RECALL_READ
CLINICAL = Capability.PATIENTS_READ_CLINICAL
INBOX = Capability.ASSISTANT_INBOX
PATIENT_PAGES = Capability.PATIENTS_READ_DEMOGRAPHICS
SIGNS = Capability.TREATMENTS_SIGN
# Enough to see the morning at a glance; the day sheet has the rest.
SHORT_LIST = 8


@dataclass(frozen=True)
class Visits:
    shown: list[Appointment]
    count: int
    to_confirm: int

    @property
    def more(self) -> int:
        return self.count - len(self.shown)


@dataclass(frozen=True)
class FollowUps:
    open_adverse_events: int
    urgent_messages: int


@dataclass(frozen=True)
class Messages:
    """Open messages handed to staff, urgent first, with the patient's contact details."""

    shown: list[Handoff]
    count: int
    links_patients: bool

    @property
    def more(self) -> int:
        return self.count - len(self.shown)


@dataclass(frozen=True)
class Drafts:
    """The signed-in injector's own treatment records still unsigned, oldest first."""

    shown: list[TreatmentRecord]
    count: int

    @property
    def more(self) -> int:
        return self.count - len(self.shown)


@dataclass(frozen=True)
class TodayBoard:
    """``None`` for a block the role may not see."""

    day: date
    visits: Visits | None
    recall_due_this_week: int | None
    follow_ups: FollowUps | None
    messages: Messages | None
    drafts: Drafts | None = None

    @property
    def open_inbox(self) -> int | None:
        return self.messages.count if self.messages is not None else None


def today_board(clinic: Clinic, *, today: date, by: StaffUser) -> TodayBoard:
    # One transaction for the board's audited reads: one commit instead of one per section.
    with transaction.atomic():
        return _board(clinic, today=today, by=by)


def _board(clinic: Clinic, *, today: date, by: StaffUser) -> TodayBoard:
    return TodayBoard(
        day=today,
        visits=_visits(clinic, today, by) if can(by, clinic, APPOINTMENTS) else None,
        recall_due_this_week=_recall_due(clinic, today) if can(by, clinic, RECALL) else None,
        follow_ups=_follow_ups(clinic) if can(by, clinic, CLINICAL) else None,
        messages=_messages(clinic, by) if can(by, clinic, INBOX) else None,
        drafts=_drafts(clinic, by) if can(by, clinic, SIGNS) else None,
    )


def _drafts(clinic: Clinic, by: StaffUser) -> Drafts:
    rows = TreatmentRecord.objects.for_clinic(clinic).filter(
        injector=by, status=TreatmentStatus.DRAFT
    )
    shown = list(rows.select_related("patient").order_by("created_at", "id")[:SHORT_LIST])
    count = len(shown) if len(shown) < SHORT_LIST else rows.count()
    if shown:  # patients' names are shown: audited like any read of them
        record_read(clinic, "treatments.my_drafts", by=by, rows=len(shown), total=count)
    return Drafts(shown=shown, count=count)


def _visits(clinic: Clinic, today: date, by: StaffUser) -> Visits:
    sheet = scheduling.appointments_on(clinic, today, by=by, today=today)
    return Visits(
        shown=sheet.appointments[:SHORT_LIST],
        count=len(sheet.appointments),
        to_confirm=len(sheet.to_confirm),
    )


def _recall_due(clinic: Clinic, today: date) -> int:
    # A count, served by the recall list's index: no patient's data leaves the database.
    return treatments.recall_count(clinic, treatments.RecallFilters(due_week=today), today=today)


def _follow_ups(clinic: Clinic) -> FollowUps:
    # Only numbers leave the database here, no patient's data, so there is nothing to audit;
    # opening the adverse events page reads the rows through its audited service.
    return FollowUps(
        open_adverse_events=AdverseEvent.objects.for_clinic(clinic).open().count(),
        urgent_messages=len(treatments.urgent_handoffs(clinic)),
    )


def _messages(clinic: Clinic, by: StaffUser) -> Messages:
    # The patients' words and contact details are shown here: the service audits the read.
    shown, count = open_messages(clinic, by=by, limit=SHORT_LIST)
    return Messages(shown=shown, count=count, links_patients=can(by, clinic, PATIENT_PAGES))
