"""Schemas of the clinical data files.

Each fact in a data file carries its evidence: the source ids it rests on and a
status. A fact that the sources do not settle is kept with status
``unconfirmed`` or ``conflict`` and a note saying why; it is never dropped or
silently resolved.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt, model_validator

Slug = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
SourceId = Annotated[str, Field(pattern=r"^S-[A-Z0-9.-]+$")]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Status(StrEnum):
    CONFIRMED = "confirmed"
    UNCONFIRMED = "unconfirmed"
    CONFLICT = "conflict"
    CLINIC_DEFINED = "clinic-defined"


class SourceKind(StrEnum):
    LABEL = "label"
    REGULATOR = "regulator"
    PAPER = "paper"
    SOCIETY = "society"
    INDUSTRY = "industry"


class Source(Record):
    kind: SourceKind
    title: str = Field(min_length=1)
    urls: tuple[str, ...] = ()


class Sourced(Record):
    """Evidence attached to a fact: where it comes from and how settled it is."""

    sources: tuple[SourceId, ...] = ()
    status: Status = Status.CONFIRMED
    note: str = ""

    @model_validator(mode="after")
    def _evidence_is_complete(self) -> Sourced:
        if self.status is Status.CONFIRMED and not self.sources:
            raise ValueError("a confirmed fact needs at least one source")
        if self.status in (Status.UNCONFIRMED, Status.CONFLICT) and not self.note:
            raise ValueError(f"a {self.status} fact needs a note saying why")
        return self

    @property
    def is_settled(self) -> bool:
        return self.status is Status.CONFIRMED


class TextFact(Sourced):
    value: str = Field(min_length=1)


class Vial(Sourced):
    units: PositiveInt
    ndc: str | None = None
    use: Literal["cosmetic", "therapeutic"] = "cosmetic"


class Reconstitution(Sourced):
    """A label reconstitution: diluent for a vial, and the strength the label states."""

    vial_units: PositiveInt
    diluent_ml: PositiveFloat
    stated_units: PositiveFloat
    stated_ml: PositiveFloat
    default: bool = False


class Regimen(Sourced):
    name: str = Field(min_length=1)
    total_units: PositiveFloat
    volume_ml: PositiveFloat | None = None
    sites: PositiveInt | None = None
    units_per_site: PositiveFloat | None = None
    treated_with: tuple[Slug, ...] = ()

    @model_validator(mode="after")
    def _site_pattern_is_whole(self) -> Regimen:
        if (self.sites is None) != (self.units_per_site is None):
            raise ValueError("give both sites and units_per_site, or neither")
        return self

    @property
    def has_site_pattern(self) -> bool:
        return self.sites is not None


class Indication(Sourced):
    area: Slug
    label_wording: str = Field(min_length=1)
    regimens: tuple[Regimen, ...] = Field(min_length=1)


class Storage(Sourced):
    unopened: str = Field(min_length=1)
    refrigerate_unopened: bool | None = None
    in_use_hours: PositiveInt
    in_use_conditions: str = Field(min_length=1)


class RetreatmentInterval(Sourced):
    min_days: PositiveInt
    label_wording: str = Field(min_length=1)


class RecallWindow(Sourced):
    """Weeks after a treatment when a product's effect usually wears off, for products whose
    effect lasts clearly longer than the clinic's general retreatment window."""

    start_weeks: PositiveInt
    end_weeks: PositiveInt

    @model_validator(mode="after")
    def _opens_before_closing(self) -> RecallWindow:
        if self.start_weeks > self.end_weeks:
            raise ValueError("a recall window must open before it closes")
        return self


class Component(Sourced):
    allergen: Slug
    name: str = Field(min_length=1)


class Components(Sourced):
    """What the catalogue knows of a product's formulation, for allergy screening."""

    contains: tuple[Component, ...] = ()
    free_of: tuple[Component, ...] = ()
    complete: bool = False


class BillingCode(Sourced):
    system: Literal["HCPCS"] = "HCPCS"
    code: str | None = None
    units_per_code: PositiveInt | None = None


class Product(Record):
    id: Slug
    display_order: PositiveInt
    brand: str
    generic: str
    aliases: tuple[str, ...] = ()
    maker: TextFact
    first_cosmetic_approval: TextFact
    vials: tuple[Vial, ...] = Field(min_length=1)
    reconstitutions: tuple[Reconstitution, ...] = ()
    indications: tuple[Indication, ...] = Field(min_length=1)
    age_limits: TextFact
    storage: Storage
    retreatment: RetreatmentInterval
    recall_window: RecallWindow | None = None
    components: Components
    billing: BillingCode

    @model_validator(mode="after")
    def _reconstitutions_fit_vials(self) -> Product:
        sizes = {vial.units for vial in self.vials}
        for recon in self.reconstitutions:
            if recon.vial_units not in sizes:
                raise ValueError(f"reconstitution for a {recon.vial_units} U vial not in vials")
        if self.reconstitutions and sum(r.default for r in self.reconstitutions) != 1:
            raise ValueError("exactly one reconstitution must be the default")
        return self

    @property
    def vial_sizes(self) -> tuple[int, ...]:
        return tuple(sorted(vial.units for vial in self.vials))

    @property
    def default_reconstitution(self) -> Reconstitution | None:
        return next((r for r in self.reconstitutions if r.default), None)

    def indication_for(self, area: str) -> Indication | None:
        return next((i for i in self.indications if i.area == area), None)


class ReferenceDose(Sourced):
    """A literature dose for an off-label area, in the units of one named product."""

    units_of: Slug
    per: Literal["point", "side", "total"]
    low: PositiveFloat
    high: PositiveFloat
    start: PositiveFloat | None = None
    points_per_side: PositiveInt | None = None
    sides: PositiveInt = 2

    @model_validator(mode="after")
    def _range_is_ordered(self) -> ReferenceDose:
        if self.low > self.high:
            raise ValueError("low must not exceed high")
        if self.start is not None and not self.low <= self.start <= self.high:
            raise ValueError("start must lie within low..high")
        return self


class Area(Record):
    id: Slug
    name: str
    patient_name: str
    muscles: str
    contraction: str = Field(description="how the area is assessed at maximum contraction")
    aliases: tuple[str, ...] = ()
    off_label: bool
    reference: ReferenceDose | None = None
    evidence: Sourced


class ConversionRatio(Sourced):
    """Reported units of ``from_product`` matching one unit of ``to_product``."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_product: Slug = Field(alias="from")
    to_product: Slug = Field(alias="to")
    low: PositiveFloat
    high: PositiveFloat

    @model_validator(mode="after")
    def _range_is_ordered(self) -> ConversionRatio:
        if self.low > self.high:
            raise ValueError("low must not exceed high")
        return self


class ConversionRefusal(Sourced):
    product: Slug
    reason: str = Field(min_length=1)


class ConversionData(Record):
    caveat: TextFact
    ratios: tuple[ConversionRatio, ...]
    refusals: tuple[ConversionRefusal, ...] = ()


class Outcome(StrEnum):
    OK = "ok"
    REVIEW = "needs_prescriber_review"
    DO_NOT_TREAT = "do_not_treat"

    @property
    def severity(self) -> int:
        return list(Outcome).index(self)


class ScreeningRule(Sourced):
    id: Slug
    when: Slug = Field(
        description="an intake field that, when true or non-empty, triggers the rule"
    )
    matches: tuple[Slug, ...] = Field(
        default=(), description="for list fields: the values that trigger"
    )
    products: tuple[Slug, ...] | Literal["all"] = "all"
    outcome: Outcome
    reason: str = Field(min_length=1)


class AgeLimit(Sourced):
    products: tuple[Slug, ...] | Literal["all"] = "all"
    min_age: PositiveInt | None = None
    below_outcome: Outcome | None = None
    max_age_exclusive: PositiveInt | None = None
    above_outcome: Outcome | None = None
    reason_below: str = ""
    reason_above: str = ""


class AllergyPolicy(Record):
    """How an allergy is judged against what the catalogue knows of a formulation."""

    contained: ScreeningRule
    toxin: ScreeningRule
    unknown_formulation: ScreeningRule


class ScreeningData(Record):
    allergens: dict[Slug, str]
    medicines: dict[Slug, str]
    rules: tuple[ScreeningRule, ...]
    age_limits: tuple[AgeLimit, ...]
    allergy: AllergyPolicy
    unknown_age: ScreeningRule


class Intake(Record):
    """A patient's answers to the screening questions."""

    age: int | None = Field(default=None, ge=0, le=130)
    pregnant: bool = False
    breastfeeding: bool = False
    neuromuscular_disorder: bool = False
    swallowing_or_breathing_difficulty: bool = False
    cardiovascular_disease: bool = False
    site_infection: bool = False
    previous_reaction: bool = False
    facial_anatomy_caution: bool = False
    dry_eye: bool = False
    allergies: frozenset[Slug] = frozenset()
    medicines: frozenset[Slug] = frozenset()


class SeverityLevel(Record):
    grade: int = Field(ge=0, le=3)
    name: str


class AssessmentRule(Sourced):
    recommendation: Literal["neuromodulator", "referral", "both", "none"]
    reason: str = Field(min_length=1)


class AssessmentData(Record):
    scale: TextFact
    levels: tuple[SeverityLevel, ...] = Field(min_length=4, max_length=4)
    neuromodulator_min_dynamic: int = Field(ge=0, le=3)
    neuromodulator_min_gain: int = Field(ge=0, le=3)
    referral_min_static: int = Field(ge=0, le=3)
    thresholds: Sourced
    outcomes: tuple[AssessmentRule, ...] = Field(min_length=4, max_length=4)


class DaysSetting(Sourced):
    days: PositiveInt


class WindowSetting(Sourced):
    start_weeks: PositiveInt
    end_weeks: PositiveInt


class WeeksSetting(Sourced):
    weeks: PositiveInt


class VialPolicySetting(Sourced):
    mode: Literal["label", "clinic"]
    hours: PositiveInt | None = None


class DilutionLimits(Sourced):
    max_volume_per_site_ml: PositiveFloat
    min_measurable_ml: PositiveFloat


class OnsetFact(Sourced):
    low_days: PositiveInt
    high_days: PositiveInt


class PeakFact(Sourced):
    weeks: PositiveInt


class DurationFact(Sourced):
    low_months: PositiveInt
    high_months: PositiveInt


class EffectTimeline(Record):
    onset: OnsetFact
    peak: PeakFact
    duration: DurationFact


class ClinicDefaults(Record):
    review_after: DaysSetting
    retreatment_window: WindowSetting
    minimum_interval: WeeksSetting
    reconstituted_vial: VialPolicySetting
    dilution_limits: DilutionLimits
