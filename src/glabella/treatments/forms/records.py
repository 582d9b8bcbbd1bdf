"""Forms of the treatment record pages. They only parse what was posted; the services
check it against the clinical core and raise field errors, which
``core.forms.add_service_errors`` puts back on the form so one message reaches the page
however it was caught."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from glabella.clinical import ClinicalCore, ClinicalError

from ..charting import REGIONS, side_of

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
UNITS_INPUT = forms.NumberInput(
    attrs={"step": "0.25", "min": "0.25", "inputmode": "decimal", "class": "units-input"}
)


class StartTreatmentForm(forms.Form):
    product = forms.ChoiceField(label="Product")
    treated_on = forms.DateField(label="Treatment date", widget=DATE_INPUT)
    vial_units = forms.IntegerField(
        label="Vial size (U)",
        required=False,
        min_value=1,
        help_text="Leave empty for the label's vial.",
    )
    diluent_ml = forms.DecimalField(
        label="Diluent (mL of saline)",
        required=False,
        min_value=Decimal("0.01"),
        max_digits=4,
        decimal_places=2,
        help_text="Leave empty for the label's reconstitution.",
    )

    def __init__(self, *args: Any, core: ClinicalCore, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        products = sorted(core.catalogue.products.values(), key=lambda p: p.display_order)
        self.fields["product"].choices = [("", "Choose a product")] + [
            (p.id, p.brand) for p in products
        ]
        self.fields["treated_on"].initial = timezone.localdate()

    def treatment_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "product": data["product"],
            "treated_on": data["treated_on"],
            "vial_units": data["vial_units"],
            "diluent_ml": data["diluent_ml"],
        }


def label_dilutions(core: ClinicalCore) -> list[dict[str, Any]]:
    """Each product's label reconstitution, for the help beside the dilution fields."""
    rows = []
    for product in sorted(core.catalogue.products.values(), key=lambda p: p.display_order):
        try:
            dilution = core.dilution(product.id)
        except ClinicalError:
            continue
        rows.append(
            {
                "product": product.id,
                "brand": product.brand,
                "vial_units": dilution.vial_units,
                "diluent_ml": _plain(dilution.diluent_ml),
                "units_per_0_1_ml": _plain(dilution.units_per_0_1_ml),
            }
        )
    return rows


def _plain(number: float) -> str:
    return f"{Decimal(str(round(number, 3))).normalize():f}"


def region_choices(area_names: dict[str, str]) -> list[tuple[str, str]]:
    """The chart's regions for placing a site without tapping (keyboard, no script)."""
    choices = [("", "Choose an area")]
    for index, region in enumerate(REGIONS):
        name = area_names.get(region.area, region.area)
        side = side_of(Decimal(region.x0 + region.x1) / 2)
        if side != "centre":
            name = f"{name} (patient's {side})"
        choices.append((str(index), name))
    return choices


class SiteForm(forms.Form):
    """A tap on the chart (x and y in percent) or a chosen area, and the units there."""

    x = forms.DecimalField(required=False, widget=forms.HiddenInput)
    y = forms.DecimalField(required=False, widget=forms.HiddenInput)
    region = forms.ChoiceField(label="Or place in an area", required=False)
    units = forms.CharField(label="Units per site", widget=UNITS_INPUT)

    def __init__(self, *args: Any, area_names: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices(area_names)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        tapped = data.get("x") is not None and data.get("y") is not None
        if not tapped and not data.get("region"):
            raise ValidationError("Tap the chart where the site is, or choose an area.")
        return data

    def site_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        x, y = data.get("x"), data.get("y")
        if x is None or y is None:
            region = REGIONS[int(data["region"])]
            x, y = Decimal(region.x0 + region.x1) / 2, Decimal(region.y0 + region.y1) / 2
        return {"x": x, "y": y, "units": data["units"]}


class SiteUnitsForm(forms.Form):
    units = forms.CharField(label="Units at this site", widget=UNITS_INPUT)


class VialForm(forms.Form):
    lot_number = forms.CharField(
        label="Lot number",
        max_length=40,
        error_messages={"required": "Give the lot number printed on the vial."},
    )
    expires_on = forms.DateField(
        label="Expiry date",
        widget=DATE_INPUT,
        error_messages={"required": "Give the expiry date printed on the vial."},
    )


class DetailsForm(forms.Form):
    deviation_reason = forms.CharField(
        label="Reason for a dose that differs from the suggestion",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    interval_reason = forms.CharField(
        label="Reason for treating sooner than the minimum interval",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    aftercare_given = forms.BooleanField(label="Aftercare advice given", required=False)
    aftercare_notes = forms.CharField(
        label="Aftercare notes", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(
        label="Treatment notes", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    FIELDS = ("deviation_reason", "interval_reason", "aftercare_given", "aftercare_notes", "notes")

    @classmethod
    def for_record(cls, record: Any) -> DetailsForm:
        return cls(initial={name: getattr(record, name) for name in cls.FIELDS})

    def treatment_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class AmendmentForm(forms.Form):
    reason = forms.CharField(label="Reason for the amendment", max_length=300)
    text = forms.CharField(label="Amendment", widget=forms.Textarea(attrs={"rows": 4}))
