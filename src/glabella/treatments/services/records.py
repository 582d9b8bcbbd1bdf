"""The treatment record: a draft the injector fills in at the chair (vials, sites on the
face chart), then signs. A signed record is never edited again, only amended."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from glabella.accounts.types import StaffUser
from glabella.audit.models import Action
from glabella.audit.services import record_for_patient
from glabella.clinical import ClinicalError
from glabella.patients.models import Patient
from glabella.scheduling.models import AppointmentKind
from glabella.scheduling.services import propose_appointment
from glabella.scheduling.slots import proposed_start

from ..charting import area_at, mirror_x, side_of
from ..models import Amendment, InjectionSite, Side, TreatmentRecord, TreatmentStatus, VialUse
from ._common import (
    blocking_findings,
    known_area,
    known_product,
    parse_id,
    refuse_before_birth,
    refuse_future,
    today,
)
from .checks import check_record
from .recall import open_recall, recall_window

DRAFT_FIELDS = (
    "product",
    "treated_on",
    "vial_units",
    "diluent_ml",
    "deviation_reason",
    "interval_reason",
    "aftercare_given",
    "aftercare_notes",
    "notes",
)


class RecordLocked(ValidationError):
    """A signed record cannot change; it can only be amended."""

    def __init__(self) -> None:
        super().__init__(
            {"status": "This record is signed: add an amendment instead of editing it."}
        )


def start_treatment(patient: Patient, data: Mapping[str, Any], *, by: StaffUser) -> TreatmentRecord:
    """A draft record for ``by`` (the injector) with product, date and dilution.

    The product's label reconstitution is the default dilution. A product screening says
    not to use (with no director's override) is refused here, before anything is charted.
    """
    record = TreatmentRecord(
        clinic=patient.clinic,
        patient=patient,
        injector=by,
        consultation=patient.consultations.first(),
        created_by=by,
    )
    _apply(record, _with_default_dilution(patient, data))
    with transaction.atomic():
        record.save()
        record_for_patient(Action.CREATE, record, patient, by=by, product=record.product)
    return record


def update_treatment(
    record: TreatmentRecord, data: Mapping[str, Any], *, by: StaffUser
) -> TreatmentRecord:
    with transaction.atomic():
        locked = _locked_draft(record)
        changed = _apply(locked, data)
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
            record_for_patient(Action.CHANGE, locked, locked.patient, by=by, fields=sorted(changed))
    return locked


def add_vial(
    record: TreatmentRecord, lot_number: str, expires_on: date | None, *, by: StaffUser
) -> VialUse:
    lot = (lot_number or "").strip()
    if not lot:
        raise ValidationError({"lot_number": "Give the lot number printed on the vial."})
    if expires_on is None:
        raise ValidationError({"expires_on": "Give the expiry date printed on the vial."})
    with transaction.atomic():
        locked = _locked_draft(record)
        if expires_on < locked.treated_on:
            raise ValidationError(
                {"expires_on": f"Lot {lot} expired on {expires_on}: do not use this vial."}
            )
        vial = VialUse.objects.create(treatment=locked, lot_number=lot, expires_on=expires_on)
        record_for_patient(Action.CHANGE, locked, locked.patient, by=by, added="vial", lot=lot)
    return vial


def remove_vial(record: TreatmentRecord, vial_id: Any, *, by: StaffUser) -> None:
    with transaction.atomic():
        locked = _locked_draft(record)
        removed, _ = VialUse.objects.filter(
            treatment=locked,
            public_id=parse_id(vial_id, "vial", problem="is not an id of this record."),
        ).delete()
        if removed:
            record_for_patient(Action.CHANGE, locked, locked.patient, by=by, removed="vial")


def add_site(record: TreatmentRecord, data: Mapping[str, Any], *, by: StaffUser) -> InjectionSite:
    """A site where the chart was tapped: ``x``, ``y`` (percent) and ``units``; the area is
    the region tapped unless ``area`` names one."""
    x, y = _coordinate(data.get("x"), "x"), _coordinate(data.get("y"), "y")
    with transaction.atomic():
        locked = _locked_draft(record)
        core = locked.clinic.clinical_core()
        area = data.get("area") or area_at(x, y)
        if not area:
            raise ValidationError({"area": "That point is outside the chart's areas: pick one."})
        site = InjectionSite(
            treatment=locked,
            area=known_area(core, str(area)),
            side=side_of(x),
            x=x,
            y=y,
            units=_units(data.get("units"), locked),
        )
        site.save()
        record_for_patient(
            Action.CHANGE, locked, locked.patient, by=by, added="site", area=site.area
        )
    return site


def set_site_units(
    record: TreatmentRecord, site_id: Any, units: Any, *, by: StaffUser
) -> InjectionSite:
    with transaction.atomic():
        locked = _locked_draft(record)
        site = _site(locked, site_id)
        site.units = _units(units, locked)
        site.save(update_fields=["units"])
        record_for_patient(
            Action.CHANGE, locked, locked.patient, by=by, changed="site_units", area=site.area
        )
    return site


def remove_site(record: TreatmentRecord, site_id: Any, *, by: StaffUser) -> None:
    with transaction.atomic():
        locked = _locked_draft(record)
        site = _site(locked, site_id)
        InjectionSite.objects.filter(pk=site.pk).delete()
        record_for_patient(
            Action.CHANGE, locked, locked.patient, by=by, removed="site", area=site.area
        )


def mirror_sites(record: TreatmentRecord, *, by: StaffUser, area: str | None = None) -> int:
    """Copy the sites of one side (of ``area``, or all) onto the side that has none."""
    with transaction.atomic():
        locked = _locked_draft(record)
        sites = [s for s in locked.sites.all() if area is None or s.area == area]
        occupied = {(s.area, s.side) for s in sites}
        mirrored = [_mirrored(s) for s in sites]
        copies = [c for c in mirrored if c is not None and (c.area, c.side) not in occupied]
        InjectionSite.objects.bulk_create(copies)
        if copies:
            record_for_patient(Action.CHANGE, locked, locked.patient, by=by, mirrored=len(copies))
    return len(copies)


def repeat_last(record: TreatmentRecord, *, by: StaffUser) -> int:
    """Start from the sites of the patient's last signed record of the same product.
    Another product's units are never carried over: they are not the same units."""
    with transaction.atomic():
        locked = _locked_draft(record)
        last = previous_record(locked)
        if last is None:
            raise ValidationError(
                {"sites": f"No earlier signed {_brand(locked)} treatment to repeat."}
            )
        copies = [
            InjectionSite(treatment=locked, area=s.area, side=s.side, x=s.x, y=s.y, units=s.units)
            for s in last.sites.all()
        ]
        InjectionSite.objects.filter(treatment=locked).delete()
        InjectionSite.objects.bulk_create(copies)
        record_for_patient(
            Action.CHANGE, locked, locked.patient, by=by, repeated=str(last.public_id)
        )
    return len(copies)


def previous_record(record: TreatmentRecord) -> TreatmentRecord | None:
    """The patient's latest signed record of the same product before this one."""
    return TreatmentRecord.objects.signed().filter(product=record.product).before(record).first()


def sign_treatment(record: TreatmentRecord, *, by: StaffUser) -> TreatmentRecord:
    """Sign as the record's injector: the record is checked, locked, the review proposed
    (unless its day has passed: a record written up late) and the retreatment window
    opened (the course's ``Recall``; an earlier course's closes as treated). Any problem
    refuses the signature and saves nothing."""
    with transaction.atomic():
        locked = _locked_draft(record)
        if locked.injector_id != getattr(by, "pk", None):
            raise ValidationError(
                {"injector": "Only the injector who gave the treatment signs its record."}
            )
        check = check_record(locked)
        if check.problems:
            raise ValidationError(check.problems)
        _open_schedule(locked, check.total_units)
        locked.save()
        record_for_patient(
            Action.SIGN, locked, locked.patient, by=by, total_units=str(check.total_units)
        )
        open_recall(locked, by=by)
        # _open_schedule has set review_on (the column is empty only on drafts).
        if not locked.is_touch_up and locked.review_on >= today():  # type: ignore[operator]
            _propose_review(locked, by=by)
    return locked


def amend_treatment(record: TreatmentRecord, reason: str, text: str, *, by: StaffUser) -> Amendment:
    if not record.is_signed:
        raise ValidationError(
            {"status": "A draft is edited directly; amendments are for signed records."}
        )
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the amendment."})
    if not text.strip():
        raise ValidationError({"text": "Write the amendment."})
    amendment = Amendment(
        treatment=record, reason=reason.strip()[:300], text=text.strip(), created_by=by
    )
    with transaction.atomic():
        amendment.save()
        record_for_patient(
            Action.AMEND, record, record.patient, by=by, amendment=str(amendment.public_id)
        )
    return amendment


# --- helpers ----------------------------------------------------------------------------


def _locked_draft(record: TreatmentRecord) -> TreatmentRecord:
    """The record, locked for this transaction; refused once signed. Its clinic and patient
    rows are taken from ``record`` (they do not change), which saves a three-table join on
    every tap of the chart."""
    locked = TreatmentRecord.objects.select_for_update().get(pk=record.pk)
    locked.clinic = record.clinic
    locked.patient = record.patient
    if locked.is_signed:
        raise RecordLocked()
    return locked


def _with_default_dilution(patient: Patient, data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with the label's reconstitution where the dilution is left out, and today
    where the date is."""
    data = dict(data)
    core = patient.clinic.clinical_core()
    product = known_product(core, str(data.get("product") or ""))
    if not data.get("vial_units") or not data.get("diluent_ml"):
        try:
            default = core.dilution(product, vial_units=data.get("vial_units") or None)
        except ClinicalError as exc:
            raise ValidationError({"vial_units": str(exc)}) from exc
        data["vial_units"] = data.get("vial_units") or default.vial_units
        data["diluent_ml"] = data.get("diluent_ml") or default.diluent_ml
    data["treated_on"] = data.get("treated_on") or today()
    return data


def _apply(record: TreatmentRecord, data: Mapping[str, Any]) -> list[str]:
    """Set the draft fields in ``data`` and check the result; the names that changed."""
    stray = set(data) - set(DRAFT_FIELDS)
    if stray:
        raise ValidationError(dict.fromkeys(stray, "Not a field of a treatment record."))
    changed = []
    for name, value in data.items():
        if name == "diluent_ml" and value is not None:
            value = _decimal(value, "diluent_ml")
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed.append(name)
    _validate(record)
    return changed


def _validate(record: TreatmentRecord) -> None:
    core = record.clinic.clinical_core()
    known_product(core, record.product)
    if record.treated_on is None:
        raise ValidationError({"treated_on": "Give the treatment date."})
    refuse_future(record.treated_on, "treated_on")
    refuse_before_birth(record.patient, record.treated_on, "treated_on")
    try:
        core.dilution(
            record.product, vial_units=record.vial_units, diluent_ml=float(record.diluent_ml)
        )
    except ClinicalError as exc:
        raise ValidationError({"diluent_ml": str(exc)}) from exc
    findings = blocking_findings(record.patient, record.product, record.treated_on)
    if findings:
        reasons = "; ".join(f["reason"] for f in findings)
        raise ValidationError(
            {
                "product": f"Screening says do not treat with {_brand(record)}: {reasons} "
                "The medical director can record an override with a reason."
            }
        )
    record.full_clean(exclude=["clinic", "patient", "injector", "consultation", "touch_up_of"])


def _brand(record: TreatmentRecord) -> str:
    return record.clinic.clinical_core().product(record.product).brand


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: f"{value!r} is not a number."}) from exc
    if not number.is_finite():
        raise ValidationError({field: f"{value!r} is not a number."})
    return number


def _coordinate(value: Any, field: str) -> Decimal:
    number = _decimal(value, field)
    if not Decimal("0") <= number <= Decimal("100"):
        raise ValidationError({field: "A chart position is between 0 and 100 (percent)."})
    return number.quantize(Decimal("0.01"))


def _units(value: Any, record: TreatmentRecord) -> Decimal:
    units = _decimal(value, "units")
    if units <= 0:
        raise ValidationError({"units": "Units at a site must be more than zero."})
    if units > record.vial_units:
        raise ValidationError(
            {"units": f"{units} U at one site is more than a whole {record.vial_units} U vial."}
        )
    if units % Decimal("0.25"):
        raise ValidationError({"units": "Record units in steps of a quarter unit."})
    return units


def _site(record: TreatmentRecord, site_id: Any) -> InjectionSite:
    site = InjectionSite.objects.filter(
        treatment=record,
        public_id=parse_id(site_id, "site", problem="is not an id of this record."),
    ).first()
    if site is None:
        raise ValidationError({"site": "No such site on this record."})
    return site


def _mirrored(site: InjectionSite) -> InjectionSite | None:
    x = mirror_x(site.x)
    if x is None:
        return None
    side = Side.LEFT if site.side == Side.RIGHT else Side.RIGHT
    return InjectionSite(
        treatment_id=site.treatment_id, area=site.area, side=side, x=x, y=site.y, units=site.units
    )


def _open_schedule(record: TreatmentRecord, total_units: Decimal) -> None:
    schedule = record.clinic.clinical_core().schedule_after(record.treated_on, record.product)
    record.status = TreatmentStatus.SIGNED
    record.signed_at = timezone.now()
    record.total_units = total_units
    record.review_on = schedule.review_on
    if not record.is_touch_up:
        record.recall_opens_on, record.recall_closes_on = recall_window(schedule)
        record.earliest_retreatment_on = schedule.earliest_retreatment_on


def _propose_review(record: TreatmentRecord, *, by: StaffUser) -> None:
    zone = record.clinic.zone  # the review is proposed at the signing's hour on the clinic's clock
    signed_local: datetime = timezone.localtime(record.signed_at, zone)
    # Only for a signed record, whose review_on is set.
    starts_at = proposed_start(record.review_on, signed_local.time(), zone)  # type: ignore[arg-type]
    propose_appointment(
        record.patient,
        AppointmentKind.REVIEW,
        starts_at,
        injector=record.injector,
        follows=record,
        by=by,
    )
