"""Writing a planned patient history through the same services staff use, so every demo
row passed the checks real input passes (and the audit trail names the staff member)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from glabella.accounts.models import Clinic
from glabella.clinical import ClinicalCore
from glabella.patients import services as patients
from glabella.patients.models import Patient
from glabella.scheduling import services as scheduling
from glabella.scheduling.models import Appointment, AppointmentKind, AppointmentStatus
from glabella.scheduling.slots import proposed_start
from glabella.treatments import services as treatments
from glabella.treatments.models import Consultation, Review, TreatmentRecord

from . import texts
from .charts import AreaDose, Variant, area_dose, dilution_for, quarter, vials_for
from .plans import CoursePlan, EventPlan, PatientPlan, ReviewPlan


@dataclass(frozen=True)
class Staff:
    director: Any
    injectors: tuple[Any, Any]
    front_desk: Any


class LotBook:
    """The clinic's vial lots: one lot per product per quarter, expiring well after it."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._lots: dict[tuple[str, int, int], tuple[str, date]] = {}

    def lot_for(self, product: str, day: date) -> tuple[str, date]:
        key = (product, day.year, (day.month - 1) // 3)
        if key not in self._lots:
            rng = random.Random(f"{self.seed}-{product}-{key[1]}-{key[2]}")  # noqa: S311
            quarter_ends = date(key[1], key[2] * 3 + 1, 1) + timedelta(days=92)
            code = f"{product[0].upper()}{rng.randint(1000, 9999)}{rng.choice('ABCDEFGHJK')}"
            self._lots[key] = (code, quarter_ends + timedelta(days=rng.randint(270, 600)))
        return self._lots[key]


class HistoryWriter:
    def __init__(self, clinic: Clinic, staff: Staff, lots: LotBook, rng: random.Random) -> None:
        self.clinic, self.staff, self.lots, self.rng = clinic, staff, lots, rng
        self.core: ClinicalCore = clinic.clinical_core()
        self.today = timezone.localdate()
        self._doses: dict[tuple[str, str, Variant], AreaDose] = {}
        self._last_chart: dict[tuple[int, str], tuple[AreaDose, ...]] = {}

    def write(self, plan: PatientPlan) -> Patient:
        patient = patients.register_patient(
            self.clinic, plan.person.registration(), by=self.staff.front_desk
        )
        if plan.clinical:
            patient = patients.update_clinical(patient, plan.clinical, by=self.staff.director)
        if plan.consulted_on:
            self._consult_only(patient, plan)
        for index, course in enumerate(plan.courses):
            consultation = (
                self._consultation(patient, course, index) if course.consultation else None
            )
            if plan.override and index == 0 and consultation:
                treatments.override_block(
                    patient,
                    plan.override,
                    texts.OVERRIDE_REASON,
                    by=self.staff.director,
                    consultation=consultation,
                )
            self._course(patient, course)
        if plan.draft_today:
            self._draft(patient, plan.courses[-1])
        if plan.treatment_booked_on:
            regular = plan.courses[-1].injector if plan.courses else 0
            self._book(patient, plan.treatment_booked_on, self._injector(regular))
        return patient

    # --- consultations -------------------------------------------------------------------

    def _consultation(self, patient: Patient, course: CoursePlan, index: int) -> Consultation:
        if course.switched_from:
            previous = self.core.product(course.switched_from).brand
            reason = texts.PRODUCT_REASONS["switch"].format(previous=previous)
        elif index:
            reason = texts.PRODUCT_REASONS["again"]
        else:
            reason = self.rng.choice(texts.PRODUCT_REASONS["first"])
        areas = [self._assessed(area, "treat") for area in course.areas]
        if self.rng.random() < 0.1 and "lip_flip" not in course.areas:
            areas.append({"area": "lip_flip", "static": 2, "dynamic": 2, "decision": "refer"})
        return treatments.record_consultation(
            patient,
            {
                "held_on": course.treated_on,
                "areas": areas,
                "product": course.product,
                "product_reason": reason,
            },
            by=self._injector(course.injector),
        )

    def _assessed(self, area: str, decision: str) -> dict[str, Any]:
        dynamic = self.rng.choice((2, 3, 3))
        return {
            "area": area,
            "static": self.rng.choice((0, 1)),
            "dynamic": dynamic,
            "decision": decision,
        }

    def _consult_only(self, patient: Patient, plan: PatientPlan) -> None:
        """A consultation with no treatment (yet): booked, deferred, undecided or referred."""
        if plan.treatment_booked_on:
            decision, area = "treat", self._assessed("glabellar", "treat")
        elif patient.breastfeeding:
            decision, area = "deferred", self._assessed("glabellar", "none")
        else:
            decision = self.rng.choice(("none", "refer"))
            area = self._assessed("glabellar", decision)
            if decision == "refer":
                area.update(static=2, dynamic=2)  # lines at rest: resurfacing or filler
        treatments.record_consultation(
            patient,
            {"held_on": plan.consulted_on, "areas": [area], "notes": texts.CONSULT_ONLY[decision]},
            by=self.staff.director,
        )

    # --- treatment records ---------------------------------------------------------------

    def _course(self, patient: Patient, course: CoursePlan) -> TreatmentRecord:
        injector = self._injector(course.injector)
        doses = self._doses_of(course)
        record = self._start(patient, course.product, course.treated_on, doses, injector)
        self._vials(record, sum((d.total_units for d in doses), Decimal("0")), injector)
        self._chart(record, doses, injector)
        record = treatments.sign_treatment(record, by=injector)
        if course.book_review:
            self._confirm_review(record)
        review = self._review(record, course.review, injector) if course.review else None
        if review and course.review and course.review.touch_up_area:
            self._touch_up(review, doses, course.review.touch_up_area, injector)
        if review and course.review and course.review.wore_off_on:
            treatments.record_wore_off(review, course.review.wore_off_on, by=injector)
        if course.event:
            self._event(patient, record, course.event, injector)
        return record

    def _doses_of(self, course: CoursePlan) -> list[AreaDose]:
        first, *others = course.areas
        return [
            self._dose(course.product, first, course.variant),
            *(self._dose(course.product, area) for area in others),
        ]

    def _dose(self, product: str, area: str, variant: Variant = Variant.LABEL) -> AreaDose:
        key = (product, area, variant)
        if key not in self._doses:
            self._doses[key] = area_dose(self.core, product, area, variant)
        return self._doses[key]

    def _start(
        self, patient: Patient, product: str, day: date, doses: list[AreaDose], injector: Any
    ) -> TreatmentRecord:
        dilution = dilution_for(self.core, product, doses)
        return treatments.start_treatment(
            patient,
            {
                "product": product,
                "treated_on": day,
                "vial_units": dilution.vial_units,
                "diluent_ml": Decimal(str(dilution.diluent_ml)),
                "deviation_reason": self._deviation_reason(product, doses),
                "aftercare_given": True,
                "aftercare_notes": texts.AFTERCARE,
            },
            by=injector,
        )

    def _deviation_reason(self, product: str, doses: list[AreaDose]) -> str:
        reasons = [
            texts.DEVIATION_REASONS["off_label"].format(detail=d.off_label_detail)
            for d in doses
            if d.off_label_detail
        ]
        label = self._dose(product, doses[0].area)
        if not doses[0].off_label_detail and doses[0].units_per_site != label.units_per_site:
            stronger = doses[0].units_per_site > label.units_per_site
            reasons.insert(0, self.rng.choice(texts.DEVIATION_REASONS[_variant(stronger)]))
        return " ".join(reasons)

    def _vials(self, record: TreatmentRecord, total: Decimal, injector: Any) -> None:
        lot, expires_on = self.lots.lot_for(record.product, record.treated_on)
        for _ in range(vials_for(self.core, record.product, total, record.vial_units)):
            treatments.add_vial(record, lot, expires_on, by=injector)

    def _chart(self, record: TreatmentRecord, doses: list[AreaDose], injector: Any) -> None:
        """The same chart as last time with this product starts from "repeat last"."""
        key, chart = (record.patient_id, record.product), tuple(doses)
        repeat = self._last_chart.get(key) == chart
        self._last_chart[key] = chart
        if repeat:
            treatments.repeat_last(record, by=injector)
            return
        for dose in doses:
            for x, y in (*dose.centre, *dose.right):
                treatments.add_site(
                    record, {"x": x, "y": y, "units": dose.units_per_site}, by=injector
                )
        treatments.mirror_sites(record, by=injector)

    def _draft(self, patient: Patient, last: CoursePlan) -> None:
        """A record started today and not yet signed: the patient is in the chair."""
        injector = self._injector(last.injector)
        record = treatments.start_treatment(
            patient,
            {"product": last.product, "treated_on": self.today, "aftercare_given": True},
            by=injector,
        )
        self._chart(record, self._doses_of(last), injector)

    # --- after the treatment -------------------------------------------------------------

    def _review(self, record: TreatmentRecord, plan: ReviewPlan, injector: Any) -> Review:
        return treatments.record_review(
            record,
            {
                "reviewed_on": plan.reviewed_on,
                "onset_days": plan.onset_days,
                "effect": plan.effect,
                "satisfaction": plan.satisfaction,
                "notes": texts.REVIEW_NOTES[plan.satisfaction],
            },
            by=injector,
        )

    def _touch_up(self, review: Review, doses: list[AreaDose], area: str, injector: Any) -> None:
        dose = next(d for d in doses if d.area == area)
        touch_up = treatments.start_touch_up(review, by=injector)
        units = quarter(dose.units_per_site / 2)
        self._vials(touch_up, units * 2, injector)
        for x, y in (*dose.right[:1], (100 - dose.right[0][0], dose.right[0][1])):
            treatments.add_site(touch_up, {"x": x, "y": y, "units": units}, by=injector)
        treatments.update_treatment(
            touch_up, {"aftercare_given": True, "aftercare_notes": texts.AFTERCARE}, by=injector
        )
        treatments.sign_treatment(touch_up, by=injector)
        # "Repeat last" would now start from the touch-up: chart the next course afresh.
        self._last_chart.pop((touch_up.patient_id, touch_up.product), None)

    def _event(
        self, patient: Patient, record: TreatmentRecord, plan: EventPlan, injector: Any
    ) -> None:
        description, actions = texts.EVENT_TEXT[plan.kind]
        event = treatments.report_adverse_event(
            patient,
            {
                "kind": plan.kind,
                "severity": plan.severity,
                "onset_on": plan.onset_on,
                "description": description,
                "actions": actions,
                "treatment": record.public_id,
            },
            by=injector,
        )
        if plan.resolved_on:
            treatments.resolve_adverse_event(
                event, plan.resolved_on, "Resolved; patient informed.", by=self.staff.director
            )

    # --- appointments --------------------------------------------------------------------

    def _confirm_review(self, record: TreatmentRecord) -> None:
        proposed = Appointment.objects.filter(
            follows=record, kind=AppointmentKind.REVIEW, status=AppointmentStatus.PROPOSED
        ).first()
        if proposed is not None:
            scheduling.set_status(proposed, AppointmentStatus.BOOKED, by=self.staff.front_desk)

    def _book(self, patient: Patient, day: date, injector: Any) -> None:
        preferred = time(9 + self.rng.randint(0, 7), self.rng.choice((0, 15, 30, 45)))
        starts_at: datetime = proposed_start(day, preferred, timezone.get_current_timezone())
        appointment = scheduling.propose_appointment(
            patient,
            AppointmentKind.TREATMENT,
            starts_at,
            injector=injector,
            by=self.staff.front_desk,
        )
        scheduling.set_status(appointment, AppointmentStatus.BOOKED, by=self.staff.front_desk)

    def _injector(self, index: int) -> Any:
        return self.staff.injectors[index]


def _variant(stronger: bool) -> str:
    return Variant.STRONGER if stronger else Variant.LIGHTER
