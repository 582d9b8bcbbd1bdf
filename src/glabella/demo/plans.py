"""What happens to each demo patient, decided before anything is written: pure, from a
seeded ``random.Random``, the clinical core and today's date.

Every date is today or earlier (the services refuse the future). Intervals, review days,
recall windows and onset come from the clinical core; shares and rates below are the
demo's own choices about what a busy clinic looks like, not clinical facts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from glabella.clinical import ClinicalCore, DoseUnavailable
from glabella.treatments.services.recall import recall_window

from .charts import Variant, area_dose
from .people import Person, synthetic_person
from .texts import clinical_profile

PRODUCT_SHARES = {
    "botox": 45,
    "dysport": 18,
    "xeomin": 14,
    "jeuveau": 10,
    "daxxify": 8,
    "letybo": 5,
}
# How often a patient wants an area treated (glabellar lines nearly always).
AREA_WISHES = {"lateral_canthal": 0.5, "forehead": 0.35, "masseter": 0.06, "bunny_lines": 0.04}
HISTORY_DAYS = 730
COHORT_WEIGHTS = {"consult_only": 6, "recent": 30, "due": 32, "lapsed": 32}
REVIEW_RATE = 0.85
EVENT_RATE = 0.06
SWITCH_RATE = 0.1
WORE_OFF_RATE = 0.35
BOOK_REVIEW_RATE = 0.6
BOOK_TREATMENT_RATE = 0.25
DRAFT_RATE = 0.06
OVERRIDE_RATE = 0.015


class Cohort(StrEnum):
    CONSULT_ONLY = "consult_only"  # seen, not (yet) treated
    RECENT = "recent"  # last course inside its retreatment window's lead-in
    DUE = "due"  # retreatment window open now
    LAPSED = "lapsed"  # window closed without a return visit


@dataclass(frozen=True)
class EventPlan:
    kind: str
    severity: str
    onset_on: date
    resolved_on: date | None


@dataclass(frozen=True)
class ReviewPlan:
    reviewed_on: date
    onset_days: int
    effect: dict[str, int]
    satisfaction: int
    touch_up_area: str | None = None
    wore_off_on: date | None = None


@dataclass(frozen=True)
class CoursePlan:
    treated_on: date
    product: str
    areas: tuple[str, ...]
    injector: int  # index into the clinic's injectors
    variant: Variant = Variant.LABEL
    consultation: bool = False
    switched_from: str = ""
    review: ReviewPlan | None = None
    event: EventPlan | None = None
    book_review: bool = False


@dataclass(frozen=True)
class PatientPlan:
    person: Person
    cohort: Cohort
    clinical: dict[str, Any] = field(default_factory=dict)
    courses: tuple[CoursePlan, ...] = ()
    consulted_on: date | None = None  # the consultation of a patient not treated
    override: str = ""  # product the director allows despite a screening block
    draft_today: bool = False
    treatment_booked_on: date | None = None


@dataclass(frozen=True)
class Showcase:
    """A patient every demo clinic has, so each situation is there to look at."""

    cohort: Cohort
    days_ago: int | None = None  # of the last course; None: a window opened this week
    open_event: str = ""
    book_review: bool = False
    override: str = ""
    draft_today: bool = False


SHOWCASES = (
    Showcase(Cohort.RECENT, days_ago=6, open_event="eyelid_ptosis"),
    Showcase(Cohort.DUE),
    Showcase(Cohort.RECENT, days_ago=13, book_review=True),
    Showcase(Cohort.RECENT, days_ago=9, override="dysport"),
    Showcase(Cohort.DUE, draft_today=True),
    Showcase(Cohort.RECENT, days_ago=2, open_event="headache"),
)


class Planner:
    def __init__(self, core: ClinicalCore, today: date, rng: random.Random) -> None:
        self.core, self.today, self.rng = core, today, rng
        self._treatable: dict[tuple[str, str], bool] = {}

    def patient(self, number: int) -> PatientPlan:
        showcase = SHOWCASES[number] if number < len(SHOWCASES) else None
        rng = self.rng
        person = synthetic_person(rng, number, self.today)
        cohort = showcase.cohort if showcase else _weighted(rng, COHORT_WEIGHTS, Cohort)
        treated = cohort != Cohort.CONSULT_ONLY
        override = showcase.override if showcase else ""
        if treated and not showcase and rng.random() < OVERRIDE_RATE:
            override = "dysport"
        clinical = clinical_profile(rng, override=bool(override), treated=treated)
        if not treated:
            return self._consulted(person, clinical)
        product = override or self._product(clinical)
        courses = self._courses(person, clinical, cohort, product, showcase, override)
        due = cohort == Cohort.DUE
        return PatientPlan(
            person=person,
            cohort=cohort,
            clinical=clinical,
            courses=courses,
            override=override,
            draft_today=self._draft(courses[-1], showcase) if due else False,
            treatment_booked_on=self._booking(rate=BOOK_TREATMENT_RATE) if due else None,
        )

    def _consulted(self, person: Person, clinical: dict[str, Any]) -> PatientPlan:
        """Seen at a consultation, not treated: some are booked for treatment (never
        while screening says not to treat)."""
        return PatientPlan(
            person=person,
            cohort=Cohort.CONSULT_ONLY,
            clinical=clinical,
            consulted_on=self.today - timedelta(days=self.rng.randint(0, 60)),
            treatment_booked_on=None if clinical.get("breastfeeding") else self._booking(rate=0.5),
        )

    # --- products and areas -------------------------------------------------------------

    def _product(self, clinical: dict[str, Any], avoid: str = "") -> str:
        # The demo's allergies (milk protein, lactose) are all Dysport ingredients.
        blocked = {avoid} | ({"dysport"} if clinical.get("allergies") else set())
        shares = {p: w for p, w in PRODUCT_SHARES.items() if p not in blocked}
        return self.rng.choices(list(shares), weights=list(shares.values()))[0]

    def _wished_areas(self, person: Person) -> list[str]:
        wishes = ["glabellar"]
        for area, rate in AREA_WISHES.items():
            boost = 3 if area == "masseter" and person.sex == "male" else 1
            if self.rng.random() < rate * boost:
                wishes.append(area)
        return wishes

    def treatable(self, product: str, area: str) -> bool:
        """The core has a dose for ``area`` in ``product``'s units (label, clinic template
        or a literature reference in that product's units)."""
        if (product, area) not in self._treatable:
            try:
                area_dose(self.core, product, area)
            except DoseUnavailable:
                self._treatable[product, area] = False
            else:
                self._treatable[product, area] = True
        return self._treatable[product, area]

    # --- the course history -------------------------------------------------------------

    def _courses(
        self,
        person: Person,
        clinical: dict[str, Any],
        cohort: Cohort,
        product: str,
        showcase: Showcase | None,
        override: str,
    ) -> tuple[CoursePlan, ...]:
        rng = self.rng
        count = rng.randint(1, 6)
        products = (
            [product] * count if override else self._products_over_time(product, clinical, count)
        )
        last = self.today - timedelta(
            days=self._last_course_days_ago(cohort, products[-1], showcase)
        )
        dates = self._dates_back_from(last, products)
        products = products[-len(dates) :]
        wishes = self._wished_areas(person)
        injector = 0 if rng.random() < 0.65 else 1
        variant = self._variant()  # a dose that suits a patient is usually kept
        blood_thinner = "anticoagulant_or_antiplatelet" in clinical.get("medicines", [])
        courses = []
        for index, (day, name) in enumerate(zip(dates, products, strict=True)):
            areas = tuple(a for a in wishes if self.treatable(name, a)) or ("glabellar",)
            switched = products[index - 1] if index and products[index - 1] != name else ""
            course = CoursePlan(
                treated_on=day,
                product=name,
                areas=areas,
                injector=injector if rng.random() < 0.85 else 1 - injector,
                variant=variant if rng.random() < 0.85 else self._variant(),
                consultation=index == 0 or bool(switched) or rng.random() < 0.25,
                switched_from=switched,
            )
            next_day = dates[index + 1] if index + 1 < len(dates) else None
            courses.append(self._after(course, next_day, blood_thinner))
        if showcase:
            courses[-1] = self._showcased(courses[-1], showcase)
        return tuple(courses)

    def _products_over_time(self, product: str, clinical: dict[str, Any], count: int) -> list[str]:
        products = [product] * count
        if count > 1 and self.rng.random() < SWITCH_RATE:
            switch_at = self.rng.randint(1, count - 1)
            other = self._product(clinical, avoid=product)
            products[switch_at:] = [other] * (count - switch_at)
        return products

    def _last_course_days_ago(self, cohort: Cohort, product: str, showcase: Showcase | None) -> int:
        opens, closes = self._window_offsets(product)
        if showcase and showcase.days_ago is not None:
            return showcase.days_ago
        if showcase and showcase.draft_today:
            return max(opens, self._earliest_offset(product)) + 5
        if showcase:
            return opens + self.rng.randint(0, self.today.weekday())  # opened this week
        if cohort == Cohort.RECENT:
            return self.rng.randint(0, opens - 1)
        if cohort == Cohort.DUE:
            return self.rng.randint(opens, closes)
        return self.rng.randint(closes + 1, HISTORY_DAYS - 30)

    def _dates_back_from(self, last: date, products: list[str]) -> list[date]:
        """Course dates ending on ``last``, each at least the core's minimum interval after
        the one before, none before the history starts."""
        start = self.today - timedelta(days=HISTORY_DAYS)
        dates = [last]
        for product in reversed(products[1:]):
            gap = self._earliest_offset(product) + self.rng.randint(0, 70)
            earlier = dates[0] - timedelta(days=gap)
            if earlier < start:
                break
            dates.insert(0, earlier)
        return dates

    def _window_offsets(self, product: str) -> tuple[int, int]:
        # The recall window as signing opens it (never before the earliest retreatment date).
        opens, closes = recall_window(self.core.schedule_after(self.today, product))
        return (opens - self.today).days, (closes - self.today).days

    def _earliest_offset(self, product: str) -> int:
        schedule = self.core.schedule_after(self.today, product)
        return (schedule.earliest_retreatment_on - self.today).days

    def _variant(self) -> Variant:
        return _weighted(self.rng, {"label": 80, "stronger": 12, "lighter": 8}, Variant)

    # --- after a course: review, touch-up, wearing off, events ---------------------------

    def _after(
        self, course: CoursePlan, next_course: date | None, blood_thinner: bool
    ) -> CoursePlan:
        review_on = self.core.schedule_after(course.treated_on, course.product).review_on
        if review_on >= self.today:
            return replace(course, book_review=self.rng.random() < BOOK_REVIEW_RATE)
        review = (
            self._review(course, review_on, next_course)
            if self.rng.random() < REVIEW_RATE
            else None
        )
        return replace(course, review=review, event=self._event(course, blood_thinner))

    def _review(self, course: CoursePlan, review_on: date, next_course: date | None) -> ReviewPlan:
        rng, onset = self.rng, self.core.catalogue.effect.onset
        reviewed_on = min(review_on + timedelta(days=rng.randint(-1, 3)), self.today)
        effect = {area: rng.choices((0, 1, 2), weights=(70, 25, 5))[0] for area in course.areas}
        weak = [area for area, grade in effect.items() if grade >= 2]
        satisfaction = (
            rng.choice((2, 3)) if weak else rng.choices((5, 4, 3), weights=(60, 32, 8))[0]
        )
        return ReviewPlan(
            reviewed_on=reviewed_on,
            onset_days=rng.randint(onset.low_days, onset.high_days),
            effect=effect,
            satisfaction=satisfaction,
            touch_up_area=weak[0] if weak else None,
            wore_off_on=self._wore_off(course, next_course),
        )

    def _wore_off(self, course: CoursePlan, next_course: date | None) -> date | None:
        if self.rng.random() >= WORE_OFF_RATE:
            return None
        opens, closes = self._window_offsets(course.product)
        day = course.treated_on + timedelta(days=self.rng.randint(opens - 14, closes))
        latest = min(self.today, next_course or self.today)
        return day if day <= latest else None

    def _event(self, course: CoursePlan, blood_thinner: bool) -> EventPlan | None:
        rate = EVENT_RATE * (3 if blood_thinner else 1)
        if self.rng.random() >= rate:
            return None
        kind = self._event_kind(course, blood_thinner)
        onset_days, lasting = EVENT_COURSE[kind]
        onset_on = course.treated_on + timedelta(days=self.rng.randint(*onset_days))
        resolved_on = onset_on + timedelta(days=self.rng.randint(*lasting))
        if resolved_on > self.today:
            return None  # only the showcased events are still open
        severity = "moderate" if kind.endswith("ptosis") and self.rng.random() < 0.5 else "mild"
        return EventPlan(kind, severity, onset_on, resolved_on)

    def _event_kind(self, course: CoursePlan, blood_thinner: bool) -> str:
        weights = {"bruising": 60 + 40 * blood_thinner, "headache": 25, "asymmetry": 4}
        if "glabellar" in course.areas:
            weights["eyelid_ptosis"] = 4
        if "forehead" in course.areas:
            weights["brow_ptosis"] = 4
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def _showcased(self, course: CoursePlan, showcase: Showcase) -> CoursePlan:
        course = replace(course, book_review=showcase.book_review or course.book_review)
        if showcase.open_event:
            onset_days, _ = EVENT_COURSE[showcase.open_event]
            onset = course.treated_on + timedelta(days=min(onset_days[0], showcase.days_ago or 0))
            severity = "moderate" if showcase.open_event.endswith("ptosis") else "mild"
            course = replace(course, event=EventPlan(showcase.open_event, severity, onset, None))
        return course

    def _draft(self, last: CoursePlan, showcase: Showcase | None) -> bool:
        if showcase:
            return showcase.draft_today
        earliest = last.treated_on + timedelta(days=self._earliest_offset(last.product))
        return earliest <= self.today and self.rng.random() < DRAFT_RATE

    def _booking(self, *, rate: float) -> date | None:
        if self.rng.random() >= rate:
            return None
        return self.today + timedelta(days=self.rng.randint(1, 10))


# Days after the treatment an event starts, and days it lasts (demo choices).
EVENT_COURSE = {
    "bruising": ((0, 1), (5, 10)),
    "headache": ((0, 2), (1, 4)),
    "asymmetry": ((5, 14), (14, 28)),
    "eyelid_ptosis": ((3, 10), (21, 42)),
    "brow_ptosis": ((3, 10), (21, 42)),
}


def _weighted(rng: random.Random, weights: dict[str, int], kind: type[StrEnum]) -> Any:
    return kind(rng.choices(list(weights), weights=list(weights.values()))[0])
