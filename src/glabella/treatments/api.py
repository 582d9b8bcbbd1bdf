"""Consultations, treatment records, reviews, adverse events and the recall list over JSON.

Signed-in staff only (session + CSRF and the two-factor rule, as ``patients/api.py``).
Every endpoint fetches through an access helper — another clinic's row is a 404, a role
without the capability a 403 — and calls the same service as the staff pages. Refusals are
422 problems with a message per field (``sites.2.units``); a change to a signed record is a
409 problem: add an amendment instead.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja.responses import Status

from glabella.accounts.access import staff_clinic
from glabella.accounts.models import Membership
from glabella.patients.access import get_patient_for_user
from glabella.patients.api import StaffSessionAuth
from glabella.scheduling.models import Appointment

from . import services
from .access import (
    OVERRIDE,
    READ,
    RECALL,
    SIGN,
    WRITE,
    get_consultation_for_user,
    get_event_for_user,
    get_review_for_user,
    get_treatment_for_user,
)
from .models import (
    AdverseEvent,
    Amendment,
    Consultation,
    InjectionSite,
    Review,
    ScreeningOverride,
    TreatmentRecord,
    VialUse,
)
from .schemas import (
    AdverseEventIn,
    AdverseEventOut,
    AmendmentIn,
    AmendmentOut,
    ConsultationIn,
    ConsultationOut,
    OverrideIn,
    OverrideOut,
    RecallOut,
    RecallQuery,
    ResolveIn,
    ReviewIn,
    ReviewOut,
    SiteIn,
    SiteOut,
    TreatmentIn,
    TreatmentOut,
    TreatmentPatch,
    TreatmentSummaryOut,
    VialIn,
    VialOut,
    WoreOffIn,
)
from .services._common import known_product
from .services.chart import view_record

router = Router(auth=StaffSessionAuth())

CONSULTATIONS = ["consultations"]
TREATMENTS = ["treatment records"]
OUTCOMES = ["reviews and adverse events"]
RECALLS = ["recall"]
RECORD_FIELDS = (
    *("product", "treated_on", "status", "total_units", "signed_at", "vial_units"),
    *("diluent_ml", "deviation_reason", "interval_reason", "aftercare_given"),
    *("aftercare_notes", "notes", "review_on", "recall_opens_on", "recall_closes_on"),
    "earliest_retreatment_on",
)


# --- consultations and overrides ---------------------------------------------------------


@router.get(
    "/patients/{patient_id}/consultations",
    response=list[ConsultationOut],
    tags=CONSULTATIONS,
    summary="A patient's consultations, newest first",
)
def list_consultations(request: HttpRequest, patient_id: UUID) -> list[Consultation]:
    patient = get_patient_for_user(request, patient_id, READ)
    rows = patient.consultations.select_related("clinician").prefetch_related("areas")
    found = list(rows)
    view_record(patient, by=request.user, section="consultations")
    return found


@router.post(
    "/patients/{patient_id}/consultations",
    response={201: ConsultationOut},
    tags=CONSULTATIONS,
    summary="Record a consultation (screened by the clinical core on the day held)",
)
def create_consultation(
    request: HttpRequest, patient_id: UUID, payload: ConsultationIn
) -> Status[Consultation]:
    patient = get_patient_for_user(request, patient_id, WRITE)
    consultation = services.record_consultation(patient, payload.dict(), by=request.user)
    return Status(201, consultation)


@router.get(
    "/consultations/{consultation_id}",
    response=ConsultationOut,
    tags=CONSULTATIONS,
    summary="One consultation",
)
def get_consultation(request: HttpRequest, consultation_id: UUID) -> Consultation:
    consultation = get_consultation_for_user(request, consultation_id, READ)
    view_record(consultation, by=request.user)
    return consultation


@router.post(
    "/patients/{patient_id}/overrides",
    response={201: OverrideOut},
    tags=CONSULTATIONS,
    summary="Allow a product that screening blocks, with the reason (medical director)",
)
def create_override(
    request: HttpRequest, patient_id: UUID, payload: OverrideIn
) -> Status[ScreeningOverride]:
    patient = get_patient_for_user(request, patient_id, OVERRIDE)
    consultation = None
    if payload.consultation:
        consultation = patient.consultations.filter(public_id=payload.consultation).first()
        if consultation is None:
            raise ValidationError({"consultation": "No such consultation for this patient."})
    override = services.override_block(
        patient, payload.product, payload.reason, by=request.user, consultation=consultation
    )
    return Status(201, override)


# --- treatment records --------------------------------------------------------------------


@router.get(
    "/patients/{patient_id}/treatments",
    response=list[TreatmentSummaryOut],
    tags=TREATMENTS,
    summary="A patient's treatment records, newest first",
)
def list_treatments(request: HttpRequest, patient_id: UUID) -> list[TreatmentRecord]:
    patient = get_patient_for_user(request, patient_id, READ)
    found = list(patient.treatments.select_related("injector", "touch_up_of"))
    view_record(patient, by=request.user, section="treatments")
    return found


@router.post(
    "/patients/{patient_id}/treatments",
    response={201: TreatmentOut},
    tags=TREATMENTS,
    summary="Create a draft record with its vials and sites in one request",
    description="All or nothing: a refused vial or site saves no part of the record.",
)
def create_treatment(
    request: HttpRequest, patient_id: UUID, payload: TreatmentIn
) -> Status[dict[str, Any]]:
    patient = get_patient_for_user(request, patient_id, WRITE)
    data = payload.dict(exclude_none=True)
    record = services.record_treatment(patient, data, by=request.user)
    return Status(201, _treatment(record))


@router.get(
    "/treatments/{treatment_id}",
    response=TreatmentOut,
    tags=TREATMENTS,
    summary="A record with its sites, vials, totals, problems and amendments",
)
def get_treatment(request: HttpRequest, treatment_id: UUID) -> dict[str, Any]:
    record = get_treatment_for_user(request, treatment_id, READ)
    services.view_record(record, by=request.user)
    return _treatment(record)


@router.patch(
    "/treatments/{treatment_id}",
    response=TreatmentOut,
    tags=TREATMENTS,
    summary="Change a draft's fields (409 once signed)",
)
def patch_treatment(
    request: HttpRequest, treatment_id: UUID, payload: TreatmentPatch
) -> dict[str, Any]:
    record = get_treatment_for_user(request, treatment_id, WRITE)
    data = _not_null(payload.dict(exclude_unset=True))
    return _treatment(services.update_treatment(record, data, by=request.user))


@router.post(
    "/treatments/{treatment_id}/sites",
    response={201: SiteOut},
    tags=TREATMENTS,
    summary="Chart an injection site on a draft",
)
def add_site(request: HttpRequest, treatment_id: UUID, payload: SiteIn) -> Status[InjectionSite]:
    record = get_treatment_for_user(request, treatment_id, WRITE)
    site = services.add_site(record, payload.dict(exclude_none=True), by=request.user)
    return Status(201, site)


@router.delete(
    "/treatments/{treatment_id}/sites/{site_id}",
    response={204: None},
    tags=TREATMENTS,
    summary="Remove a site from a draft",
)
def remove_site(request: HttpRequest, treatment_id: UUID, site_id: UUID) -> Status[None]:
    record = get_treatment_for_user(request, treatment_id, WRITE)
    services.remove_site(record, site_id, by=request.user)
    return Status(204, None)


@router.post(
    "/treatments/{treatment_id}/vials",
    response={201: VialOut},
    tags=TREATMENTS,
    summary="Record a vial used (lot and expiry; an expired lot is refused)",
)
def add_vial(request: HttpRequest, treatment_id: UUID, payload: VialIn) -> Status[VialUse]:
    record = get_treatment_for_user(request, treatment_id, WRITE)
    vial = services.add_vial(record, payload.lot_number, payload.expires_on, by=request.user)
    return Status(201, vial)


@router.delete(
    "/treatments/{treatment_id}/vials/{vial_id}",
    response={204: None},
    tags=TREATMENTS,
    summary="Remove a vial from a draft",
)
def remove_vial(request: HttpRequest, treatment_id: UUID, vial_id: UUID) -> Status[None]:
    record = get_treatment_for_user(request, treatment_id, WRITE)
    services.remove_vial(record, vial_id, by=request.user)
    return Status(204, None)


@router.post(
    "/treatments/{treatment_id}/sign",
    response=TreatmentOut,
    tags=TREATMENTS,
    summary="Sign as the record's injector: proposes the review, opens the recall window",
)
def sign_treatment(request: HttpRequest, treatment_id: UUID) -> dict[str, Any]:
    record = get_treatment_for_user(request, treatment_id, SIGN)
    return _treatment(services.sign_treatment(record, by=request.user))


@router.get(
    "/treatments/{treatment_id}/amendments",
    response=list[AmendmentOut],
    tags=TREATMENTS,
    summary="A record's amendments, oldest first",
)
def list_amendments(request: HttpRequest, treatment_id: UUID) -> list[Amendment]:
    record = get_treatment_for_user(request, treatment_id, READ)
    found = list(record.amendments.select_related("created_by"))
    services.view_record(record, by=request.user)
    return found


@router.post(
    "/treatments/{treatment_id}/amendments",
    response={201: AmendmentOut},
    tags=TREATMENTS,
    summary="Amend a signed record (the original stays as signed)",
)
def create_amendment(
    request: HttpRequest, treatment_id: UUID, payload: AmendmentIn
) -> Status[Amendment]:
    record = get_treatment_for_user(request, treatment_id, WRITE)
    amendment = services.amend_treatment(record, payload.reason, payload.text, by=request.user)
    return Status(201, amendment)


# --- reviews and adverse events -----------------------------------------------------------


@router.post(
    "/treatments/{treatment_id}/reviews",
    response={201: ReviewOut},
    tags=OUTCOMES,
    summary="Record the review of a signed treatment",
)
def create_review(request: HttpRequest, treatment_id: UUID, payload: ReviewIn) -> Status[Review]:
    record = get_treatment_for_user(request, treatment_id, WRITE)
    return Status(201, services.record_review(record, payload.dict(), by=request.user))


@router.post(
    "/reviews/{review_id}/wore-off",
    response=ReviewOut,
    tags=OUTCOMES,
    summary="Record when the patient says the effect wore off",
)
def set_wore_off(request: HttpRequest, review_id: UUID, payload: WoreOffIn) -> Review:
    review = get_review_for_user(request, review_id, WRITE)
    return services.record_wore_off(review, payload.wore_off_on, by=request.user)


@router.get(
    "/patients/{patient_id}/adverse-events",
    response=list[AdverseEventOut],
    tags=OUTCOMES,
    summary="A patient's adverse events, newest first",
)
def list_adverse_events(request: HttpRequest, patient_id: UUID) -> list[AdverseEvent]:
    patient = get_patient_for_user(request, patient_id, READ)
    rows = patient.adverse_events.select_related("patient", "treatment", "vial")
    found = list(rows)
    view_record(patient, by=request.user, section="adverse_events")
    return found


@router.post(
    "/patients/{patient_id}/adverse-events",
    response={201: AdverseEventOut},
    tags=OUTCOMES,
    summary="Report an adverse event",
)
def create_adverse_event(
    request: HttpRequest, patient_id: UUID, payload: AdverseEventIn
) -> Status[AdverseEvent]:
    patient = get_patient_for_user(request, patient_id, WRITE)
    event = services.report_adverse_event(patient, payload.dict(), by=request.user)
    return Status(201, event)


@router.post(
    "/adverse-events/{event_id}/resolve",
    response=AdverseEventOut,
    tags=OUTCOMES,
    summary="Record that an adverse event resolved",
)
def resolve_adverse_event(request: HttpRequest, event_id: UUID, payload: ResolveIn) -> AdverseEvent:
    event = get_event_for_user(request, event_id, WRITE)
    resolved = services.resolve_adverse_event(
        event, payload.resolved_on, payload.actions, by=request.user
    )
    return resolved


# --- recall -------------------------------------------------------------------------------


@router.get(
    "/recall",
    response=list[RecallOut],
    tags=RECALLS,
    summary="Recalls still to contact whose window has opened, newest first, 50 a page "
    "(or as filtered)",
)
def recall(request: HttpRequest, query: Query[RecallQuery]) -> list[services.RecallEntry]:
    chosen = staff_clinic(request, RECALL)
    filters = services.RecallFilters(
        injector_id=_injector_id(chosen, query.injector),
        product=known_product(chosen.clinical_core(), query.product) if query.product else "",
        due_week=query.due_week,
        status=query.status,
        window=query.window,
    )
    shown = services.recall_list(
        chosen, filters, today=timezone.localdate(), by=request.user, page=query.page
    )
    return shown.entries  # past the last page: none


def _injector_id(clinic: Any, username: str | None) -> int | None:
    if not username:
        return None
    member = Membership.objects.active().filter(clinic=clinic, user__username=username).first()
    if member is None:
        raise ValidationError({"injector": f"No staff member {username!r} at this clinic."})
    return member.user_id


# --- the record with its totals ------------------------------------------------------------


def _treatment(t: TreatmentRecord) -> dict[str, Any]:
    """The record as ``TreatmentOut`` reads it: its row, what ``check_record`` adds up
    and the review the signature proposed."""
    check = services.check_record(t)
    return {
        "public_id": t.public_id,
        "patient": t.patient.public_id,
        "consultation": t.consultation.public_id if t.consultation else None,
        "injector": t.injector.get_username(),
        "touch_up_of": t.touch_up_of.public_id if t.touch_up_of else None,
        **{name: getattr(t, name) for name in RECORD_FIELDS},
        "sites": t.sites.all(),
        "vials": t.vials.all(),
        "units_per_ml": check.dilution.units_per_ml if check.dilution else None,
        "totals": check.totals,
        "charted_units": check.total_units,
        "charted_volume_ml": check.total_volume_ml,
        "vial_units_available": check.vial_units_available,
        "deviations": [d.message for d in check.deviations],
        "warnings": check.warnings,
        "problems": check.problems,
        "ready_to_sign": check.ready_to_sign,
        "amendments": t.amendments.select_related("created_by"),
        "review_appointment": Appointment.objects.reviews_of(t).first(),
    }


def _not_null(data: dict[str, Any]) -> dict[str, Any]:
    """A field sent as null is refused with a field error rather than stored."""
    nulls = sorted(k for k, v in data.items() if v is None)
    if nulls:
        raise ValidationError(dict.fromkeys(nulls, "This field cannot be null."))
    return data
