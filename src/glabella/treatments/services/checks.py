"""What a treatment record adds up to and what stands between it and a signature.

``check_record`` is read by the chart page (running totals, what is missing) and by
``sign_treatment`` (which refuses while any problem remains), so both say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from glabella.clinical import ClinicalCore, ClinicalError, Dilution, IntervalCheck

from ..charting import AreaTotal, ChartedSite, Deviation, area_totals, deviations, volume_for
from ..models import InjectionSite, TreatmentRecord, VialUse
from ._common import blocking_findings, today


@dataclass(frozen=True)
class RecordCheck:
    dilution: Dilution | None
    totals: list[AreaTotal]
    total_units: Decimal
    total_volume_ml: Decimal
    vial_units_available: int
    deviations: list[Deviation]
    interval: IntervalCheck | None
    blocking: list[dict[str, str]]
    warnings: list[str] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def ready_to_sign(self) -> bool:
        return not self.problems


def check_record(record: TreatmentRecord) -> RecordCheck:
    core = record.clinic.clinical_core()
    dilution = dilution_of(record, core)
    site_rows = list(record.sites.all())
    sites = [ChartedSite(area=s.area, units=s.units) for s in site_rows]
    vials = list(record.vials.all())
    totals = area_totals(sites, dilution, core) if dilution else []
    total = sum((t.units for t in totals), Decimal("0"))
    found_deviations = (
        []
        if record.is_touch_up or dilution is None
        else deviations(totals, record.product, dilution, core)
    )
    interval = interval_check(record, core)
    blocking = blocking_findings(record.patient, record.product, record.treated_on)
    check = RecordCheck(
        dilution=dilution,
        totals=totals,
        total_units=total,
        total_volume_ml=sum((t.volume_ml for t in totals), Decimal("0")),
        vial_units_available=len(vials) * record.vial_units,
        deviations=found_deviations,
        interval=interval,
        blocking=blocking,
        warnings=_volume_warnings(site_rows, dilution, core),
    )
    check.problems.update(_problems(record, check, vials))
    return check


def dilution_of(record: TreatmentRecord, core: ClinicalCore) -> Dilution | None:
    try:
        return core.dilution(
            record.product, vial_units=record.vial_units, diluent_ml=float(record.diluent_ml)
        )
    except ClinicalError:
        return None


def last_course_before(record: TreatmentRecord) -> TreatmentRecord | None:
    return TreatmentRecord.objects.courses().before(record).first()


def interval_check(record: TreatmentRecord, core: ClinicalCore) -> IntervalCheck | None:
    """The minimum-interval check against the patient's last course (touch-ups are part of
    the course they top up, so they are not checked)."""
    if record.is_touch_up:
        return None
    last = last_course_before(record)
    if last is None:
        return None
    return core.check_interval(last.treated_on, record.treated_on, record.product)


def _volume_warnings(
    sites: list[InjectionSite], dilution: Dilution | None, core: ClinicalCore
) -> list[str]:
    if dilution is None:
        return []
    limit = Decimal(str(core.clinic.max_volume_per_site_ml))
    large = [s for s in sites if volume_for(s.units, dilution) > limit]
    if not large:
        return []
    return [
        f"{len(large)} site(s) need more than {limit} mL at this dilution; larger volumes "
        "spread further. Consider less diluent."
    ]


def _problems(record: TreatmentRecord, check: RecordCheck, vials: list[VialUse]) -> dict[str, str]:
    problems: dict[str, str] = {}
    if check.dilution is None:
        problems["diluent_ml"] = "The dilution is not one the clinical core accepts."
    if record.treated_on > today():
        problems["treated_on"] = "The treatment date is in the future."
    if check.blocking:
        reasons = "; ".join(f["reason"] for f in check.blocking)
        problems["product"] = (
            f"Screening says do not treat: {reasons} A director's override is needed."
        )
    if not vials:
        problems["vials"] = "Record the vial(s) used, with lot and expiry."
    expired = [v.lot_number for v in vials if v.expires_on < record.treated_on]
    if expired:
        problems["vials"] = f"Expired on the treatment date: lot {', '.join(expired)}."
    if not check.totals:
        problems["sites"] = "Chart at least one injection site."
    elif check.total_units > check.vial_units_available and vials:
        problems["sites"] = (
            f"{check.total_units} U charted is more than the {check.vial_units_available} U "
            "in the vials recorded."
        )
    if check.deviations and not record.deviation_reason.strip():
        problems["deviation_reason"] = (
            "The dose differs from the core's suggestion ("
            + "; ".join(d.message for d in check.deviations)
            + "): give the reason."
        )
    if check.interval and check.interval.too_soon and not record.interval_reason.strip():
        problems["interval_reason"] = (
            "Sooner than the minimum interval ("
            + "; ".join(check.interval.reasons)
            + "): give the reason."
        )
    if not record.aftercare_given:
        problems["aftercare_given"] = "Record that aftercare advice was given."
    return problems
