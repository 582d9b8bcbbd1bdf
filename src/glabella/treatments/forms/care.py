"""Forms of the care pages: consultation, override, review, adverse event, recall filters.

Choices that are clinical (products, areas, the severity scale) come from the clinic's
clinical core; the services check the same rules again and their field errors land on
these forms through ``core.forms.add_service_errors``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from glabella.clinical import ClinicalCore

from ..models import Decision, EventKind, Severity, TreatmentRecord
from ..services.recall_list import STATUS_CHOICES as RECALL_STATUSES
from ..services.recall_list import WINDOWS as RECALL_WINDOWS

ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
SATISFACTION = [(n, str(n)) for n in range(1, 6)]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def product_choices(core: ClinicalCore) -> list[tuple[str, str]]:
    return [(key, product.brand) for key, product in core.catalogue.products.items()]


def grade_choices(core: ClinicalCore) -> list[tuple[int | str, str]]:
    levels = core.catalogue.assessment.levels
    return [("", "Choose")] + [(lv.grade, f"{lv.grade} · {lv.name}") for lv in levels]


def _grade_field(core: ClinicalCore, label: str, required: bool = False) -> forms.Field:
    return forms.TypedChoiceField(
        label=label, choices=grade_choices(core), coerce=int, empty_value=None, required=required
    )


# --- consultation ---------------------------------------------------------------------------


class ConsultationForm(forms.Form):
    held_on = forms.DateField(label="Held on", widget=DateInput())
    product = forms.ChoiceField(label="Product chosen", required=False)
    product_reason = forms.CharField(
        label="Why this product", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, core: ClinicalCore, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", "Not chosen yet")] + product_choices(core)


class AreaForm(forms.Form):
    """One area of the face; an area left empty is not recorded, a started one must be
    complete."""

    note = forms.CharField(label="Note", required=False, max_length=300)
    DATA_FIELDS = ("static", "dynamic", "decision", "note")

    def __init__(self, *args: Any, core: ClinicalCore, area: str, **kwargs: Any) -> None:
        super().__init__(*args, prefix=area, **kwargs)
        self.area = core.catalogue.area(area)
        self.fields["static"] = _grade_field(core, "At rest")
        self.fields["dynamic"] = _grade_field(core, "At maximum contraction")
        self.fields["decision"] = forms.ChoiceField(
            label="Decision", required=False, choices=[("", "Choose"), *Decision.choices]
        )
        self.order_fields(self.DATA_FIELDS)

    def started(self) -> bool:
        """Whether anything was entered for the area (from the raw input, valid or not)."""
        return any(str(self[name].value() or "").strip() for name in self.DATA_FIELDS)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.started():
            for name in ("static", "dynamic", "decision"):
                if cleaned.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, "Needed for an assessed area.")
        return cleaned

    def as_data(self) -> dict[str, Any]:
        return {"area": self.area.id, **{k: self.cleaned_data[k] for k in self.DATA_FIELDS}}


def area_forms(core: ClinicalCore, data: Any = None) -> list[AreaForm]:
    return [AreaForm(data, core=core, area=area) for area in core.catalogue.areas]


class OverrideForm(forms.Form):
    product = forms.ChoiceField(label="Product to allow")
    reason = forms.CharField(
        label="Reason (kept in the record)", widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, blocked: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = blocked


# --- review -----------------------------------------------------------------------------------


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label="Reviewed on", widget=DateInput())
    onset_days = forms.IntegerField(
        label="Days until the patient noticed the effect",
        required=False,
        min_value=0,
        max_value=60,
        help_text="As the patient reports it; leave empty if they cannot say.",
    )
    satisfaction = forms.TypedChoiceField(
        label="Satisfaction (1 unhappy – 5 delighted)",
        choices=[("", "Choose"), *SATISFACTION],
        coerce=int,
        empty_value=None,
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, core: ClinicalCore, areas: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.areas = areas
        for area in areas:
            name = core.catalogue.area(area).name
            self.fields[f"effect_{area}"] = _grade_field(
                core, f"{name}: lines at maximum contraction", required=True
            )

    def as_data(self) -> dict[str, Any]:
        data = {k: self.cleaned_data[k] for k in ("reviewed_on", "onset_days", "notes")}
        data["satisfaction"] = self.cleaned_data["satisfaction"]
        data["effect"] = {a: self.cleaned_data[f"effect_{a}"] for a in self.areas}
        return data


class WoreOffForm(forms.Form):
    wore_off_on = forms.DateField(label="The effect wore off on", widget=DateInput())


# --- adverse events -----------------------------------------------------------------------------


def treatment_label(treatment: TreatmentRecord, core: ClinicalCore) -> str:
    brand = core.catalogue.products[treatment.product].brand
    return f"{treatment.treated_on:%Y-%m-%d} · {brand} · {treatment.total_units or 0} U"


class AdverseEventForm(forms.Form):
    kind = forms.ChoiceField(label="Type", choices=[("", "Choose"), *EventKind.choices])
    severity = forms.ChoiceField(label="Severity", choices=[("", "Choose"), *Severity.choices])
    onset_on = forms.DateField(label="Onset", widget=DateInput())
    description = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 4}))
    actions = forms.CharField(
        label="Actions taken", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    treatment = forms.ChoiceField(label="Linked treatment", required=False)
    vial = forms.ChoiceField(
        label="Lot",
        required=False,
        help_text="A treatment with one vial links its lot by itself.",
    )

    def __init__(
        self, *args: Any, core: ClinicalCore, treatments: list[TreatmentRecord], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["treatment"].choices = [("", "None")] + [
            (str(t.public_id), treatment_label(t, core)) for t in treatments
        ]
        self.fields["vial"].choices = [("", "None")] + [
            (
                treatment_label(t, core),
                [
                    (str(v.public_id), f"Lot {v.lot_number} (expires {v.expires_on})")
                    for v in t.vials.all()
                ],
            )
            for t in treatments
        ]


class ResolveForm(forms.Form):
    resolved_on = forms.DateField(label="Resolved on", widget=DateInput())
    actions = forms.CharField(
        label="Actions (added to the record)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def event_data(form: AdverseEventForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form.fields}


# --- recall list ---------------------------------------------------------------------------------


class RecallFilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", required=False, choices=RECALL_STATUSES)
    window = forms.ChoiceField(label="Window", required=False, choices=list(RECALL_WINDOWS.items()))
    injector = forms.ChoiceField(label="Injector", required=False)
    product = forms.ChoiceField(label="Product", required=False)
    due_week = forms.CharField(
        label="Window opens in the week of",
        required=False,
        help_text="A week (2025-W07) or any day of it; it replaces the window.",
        widget=forms.TextInput(attrs={"type": "week"}),
    )

    def __init__(
        self, *args: Any, core: ClinicalCore, injectors: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["injector"].choices = [("", "Any injector"), *injectors]
        self.fields["product"].choices = [("", "Any product"), *product_choices(core)]

    def clean_due_week(self) -> date | None:
        text = self.cleaned_data["due_week"].strip()
        if not text:
            return None
        week = ISO_WEEK.match(text)
        try:
            if week:
                return date.fromisocalendar(int(week[1]), int(week[2]), 1)
            return date.fromisoformat(text)
        except ValueError as exc:
            raise ValidationError("Give a week as 2025-W07 or a date as 2025-02-10.") from exc

    def clean_window(self) -> str:
        return self.cleaned_data["window"] or "due"


class RecallStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            ("contacted", "Called: contacted"),
            ("declined", "Declined"),
            ("do_not_contact", "Do not contact"),
            ("due", "Back to due"),
        ]
    )
