"""What the treatments API accepts and returns: explicit fields, public UUIDs only.

Units, volumes and chart positions are decimals, sent and returned as JSON strings
("4.00") so that no quarter unit is lost to floating point; inputs also accept numbers.
Staff are named by their login name.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from ninja import Field, Schema

from .models import Decision, EventKind, Severity


def _public_id_of(name: str) -> Callable[[Any], UUID | None]:
    """A resolver giving the public id of the row's ``name`` link (None when unset)."""

    def resolve(row: Any) -> UUID | None:
        linked = getattr(row, name)
        return linked.public_id if linked is not None else None

    return resolve


def _login_of(name: str) -> Callable[[Any], str]:
    """A resolver naming the staff member in the row's ``name`` link by their login."""

    def resolve(row: Any) -> str:
        return str(getattr(row, name).get_username())

    return resolve


patient_id = _public_id_of("patient")

# --- consultations and overrides ---------------------------------------------------------


class AssessedAreaIn(Schema):
    area: str = Field(..., description="an area of the clinical catalogue, e.g. glabellar")
    static: int = Field(..., description="severity at rest, 0–3")
    dynamic: int = Field(..., description="severity at maximum contraction, 0–3")
    decision: Decision
    note: str = Field("", max_length=300)


class ConsultationIn(Schema):
    held_on: date | None = Field(None, description="today when left out")
    areas: list[AssessedAreaIn] = []
    product: str = Field("", description="the product chosen, if one was")
    product_reason: str = Field("", description="required with a product")
    notes: str = ""


class FindingOut(Schema):
    rule: str
    outcome: str
    reason: str


class VerdictOut(Schema):
    product: str
    brand: str
    outcome: str
    findings: list[FindingOut]


class AssessedAreaOut(Schema):
    area: str
    static: int
    dynamic: int
    recommendation: str
    recommendation_reason: str
    decision: str
    note: str


class ConsultationOut(Schema):
    id: UUID = Field(..., alias="public_id")
    patient: UUID
    clinician: str
    held_on: date
    screening: list[VerdictOut] = Field(..., description="the core's verdicts on the day held")
    areas: list[AssessedAreaOut]
    product: str
    product_reason: str
    notes: str
    created_at: datetime

    resolve_patient = staticmethod(patient_id)
    resolve_clinician = staticmethod(_login_of("clinician"))


class OverrideIn(Schema):
    product: str
    reason: str
    consultation: UUID | None = Field(None, description="the consultation it belongs to")


class OverriddenFindingOut(Schema):
    rule: str
    reason: str


class OverrideOut(Schema):
    id: UUID = Field(..., alias="public_id")
    patient: UUID
    consultation: UUID | None
    product: str
    reason: str
    findings: list[OverriddenFindingOut]
    director: str
    created_at: datetime

    resolve_patient = staticmethod(patient_id)
    resolve_consultation = staticmethod(_public_id_of("consultation"))
    resolve_director = staticmethod(_login_of("created_by"))


# --- treatment records --------------------------------------------------------------------


class VialIn(Schema):
    lot_number: str = Field(..., max_length=40)
    expires_on: date


class SiteIn(Schema):
    x: Decimal = Field(
        ..., description="percent of the chart's width; x < 50 is the patient's right"
    )
    y: Decimal = Field(..., description="percent of the chart's height")
    units: Decimal = Field(..., description="units of the record's product, in quarter steps")
    area: str | None = Field(None, description="the area; by default the region at x, y")


class TreatmentIn(Schema):
    product: str = Field(..., description="a product of the clinical catalogue, e.g. botox")
    treated_on: date | None = Field(None, description="today when left out")
    vial_units: int | None = Field(None, description="units per vial; the label's by default")
    diluent_ml: Decimal | None = Field(None, description="the label's reconstitution by default")
    vials: list[VialIn] = []
    sites: list[SiteIn] = []
    deviation_reason: str = ""
    interval_reason: str = ""
    aftercare_given: bool = False
    aftercare_notes: str = ""
    notes: str = ""


class TreatmentPatch(Schema):
    product: str | None = None
    treated_on: date | None = None
    vial_units: int | None = None
    diluent_ml: Decimal | None = None
    deviation_reason: str | None = None
    interval_reason: str | None = None
    aftercare_given: bool | None = None
    aftercare_notes: str | None = None
    notes: str | None = None


class SiteOut(Schema):
    id: UUID = Field(..., alias="public_id")
    area: str
    side: str
    x: Decimal
    y: Decimal
    units: Decimal


class VialOut(Schema):
    id: UUID = Field(..., alias="public_id")
    lot_number: str
    expires_on: date


class AreaTotalOut(Schema):
    area: str
    area_name: str
    sites: int
    units: Decimal
    volume_ml: Decimal


class AmendmentIn(Schema):
    reason: str = Field(..., max_length=300)
    text: str


class AmendmentOut(Schema):
    id: UUID = Field(..., alias="public_id")
    reason: str
    text: str
    author: str
    created_at: datetime

    resolve_author = staticmethod(_login_of("created_by"))


class AppointmentOut(Schema):
    id: UUID = Field(..., alias="public_id")
    kind: str
    status: str
    starts_at: datetime
    duration_minutes: int


class _TreatmentFields(Schema):
    id: UUID = Field(..., alias="public_id")
    product: str
    treated_on: date
    status: str
    injector: str
    total_units: Decimal | None = Field(..., description="set when signed")
    signed_at: datetime | None
    touch_up_of: UUID | None
    recall_opens_on: date | None


class TreatmentSummaryOut(_TreatmentFields):
    resolve_injector = staticmethod(_login_of("injector"))
    resolve_touch_up_of = staticmethod(_public_id_of("touch_up_of"))


class TreatmentOut(_TreatmentFields):
    """Built by the API from the record and ``check_record`` (no resolvers)."""

    patient: UUID
    consultation: UUID | None
    vial_units: int
    diluent_ml: Decimal
    units_per_ml: float | None = Field(..., description="None while the dilution is invalid")
    deviation_reason: str
    interval_reason: str
    aftercare_given: bool
    aftercare_notes: str
    notes: str
    review_on: date | None
    recall_closes_on: date | None
    earliest_retreatment_on: date | None
    sites: list[SiteOut]
    vials: list[VialOut]
    totals: list[AreaTotalOut] = Field(..., description="units and volume per area")
    charted_units: Decimal = Field(..., description="units of all sites")
    charted_volume_ml: Decimal
    vial_units_available: int
    deviations: list[str]
    warnings: list[str]
    problems: dict[str, str] = Field(
        ..., description="what stands between the draft and a signature"
    )
    ready_to_sign: bool
    amendments: list[AmendmentOut]
    review_appointment: AppointmentOut | None


# --- reviews and adverse events -----------------------------------------------------------


class ReviewIn(Schema):
    reviewed_on: date | None = Field(None, description="today when left out")
    onset_days: int | None = Field(None, description="days to onset, as the patient reports")
    effect: dict[str, int] = Field(..., description="each treated area: 0–3 at maximum contraction")
    satisfaction: int | None = Field(None, description="1–5")
    notes: str = ""


class WoreOffIn(Schema):
    wore_off_on: date


class ReviewOut(Schema):
    id: UUID = Field(..., alias="public_id")
    treatment: UUID
    reviewed_on: date
    onset_days: int | None
    effect: dict[str, int]
    satisfaction: int | None
    touch_up: UUID | None
    wore_off_on: date | None
    notes: str
    created_at: datetime

    resolve_treatment = staticmethod(_public_id_of("treatment"))
    resolve_touch_up = staticmethod(_public_id_of("touch_up"))


class AdverseEventIn(Schema):
    kind: EventKind
    severity: Severity
    onset_on: date | None = Field(None, description="today when left out")
    description: str
    actions: str = ""
    treatment: UUID | None = Field(None, description="a treatment record of this patient")
    vial: UUID | None = Field(None, description="a vial of that record (its only one by default)")


class ResolveIn(Schema):
    resolved_on: date
    actions: str = ""


class AdverseEventOut(Schema):
    id: UUID = Field(..., alias="public_id")
    patient: UUID
    kind: str
    severity: str
    onset_on: date
    description: str
    actions: str
    treatment: UUID | None
    lot_number: str | None
    resolved_on: date | None
    is_open: bool
    created_at: datetime

    resolve_patient = staticmethod(patient_id)
    resolve_treatment = staticmethod(_public_id_of("treatment"))

    @staticmethod
    def resolve_lot_number(event: Any) -> str | None:
        return event.vial.lot_number if event.vial else None


# --- recall ---------------------------------------------------------------------------------


class RecallQuery(Schema):
    clinic: str | None = Field(None, description="your clinic's slug, if you work at several")
    injector: str | None = Field(None, description="the injector's login name")
    product: str | None = Field(None, description="a product of the catalogue, e.g. botox")
    due_week: date | None = Field(
        None, description="any day of a week: whose window opens that week (default: due now)"
    )
    status: Literal["", "due", "contacted", "booked", "declined", "do_not_contact", "treated"] = (
        Field("", description="a recall status; empty: still to contact (due or contacted)")
    )
    window: Literal["due", "open", "overdue", "upcoming", "any"] = Field(
        "due",
        description="due: opened by today; open: open today; overdue: closed; upcoming: opens "
        "in the next 4 weeks; any (ignored with due_week)",
    )
    page: int = Field(1, ge=1, le=100_000, description="pages of 50, newest window first")


class RecallPatientOut(Schema):
    id: UUID = Field(..., alias="public_id")
    first_name: str
    last_name: str
    phone: str
    email: str
    preferred_channel: str
    consent_to_contact: bool


class RecallOut(Schema):
    patient: RecallPatientOut
    status: str = Field(..., description="due, contacted, booked, declined, do_not_contact")
    contact_count: int
    last_contacted_at: datetime | None
    treatment: UUID = Field(..., description="the last course")
    product: str
    treated_on: date
    injector: str
    units_per_area: dict[str, Decimal]
    recall_opens_on: date
    recall_closes_on: date | None

    @staticmethod
    def resolve_treatment(entry: Any) -> UUID:
        return entry.treatment.public_id

    @staticmethod
    def resolve_product(entry: Any) -> str:
        return entry.treatment.product

    @staticmethod
    def resolve_treated_on(entry: Any) -> date:
        return entry.treatment.treated_on

    @staticmethod
    def resolve_injector(entry: Any) -> str:
        return entry.treatment.injector.get_username()

    @staticmethod
    def resolve_status(entry: Any) -> str:
        return str(entry.recall.status)

    @staticmethod
    def resolve_contact_count(entry: Any) -> int:
        return int(entry.recall.contact_count)

    @staticmethod
    def resolve_last_contacted_at(entry: Any) -> datetime | None:
        return entry.recall.last_contacted_at

    @staticmethod
    def resolve_recall_opens_on(entry: Any) -> date:
        return entry.recall.opens_on

    @staticmethod
    def resolve_recall_closes_on(entry: Any) -> date | None:
        return entry.recall.closes_on
