"""A whole treatment record entered at once: the API's one-request draft.

``record_treatment`` composes the same services the chart page calls one tap at a time, in
one transaction: a refusal anywhere (a bad site, an expired lot) leaves nothing behind,
not even the audit events of the steps that had already passed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from glabella.accounts.types import StaffUser
from glabella.patients.models import Patient

from ..models import TreatmentRecord
from .records import DRAFT_FIELDS, add_site, add_vial, start_treatment


def record_treatment(
    patient: Patient, data: Mapping[str, Any], *, by: StaffUser
) -> TreatmentRecord:
    """A draft for ``by`` from the draft fields in ``data`` plus ``vials`` [{lot_number,
    expires_on}] and ``sites`` [{x, y, units, area?}]. Errors of item ``i`` are reported as
    ``vials.<i>.<field>`` / ``sites.<i>.<field>``."""
    stray = set(data) - {*DRAFT_FIELDS, "vials", "sites"}
    if stray:
        raise ValidationError(dict.fromkeys(sorted(stray), "Not a field of a treatment record."))
    draft = {name: value for name, value in data.items() if name in DRAFT_FIELDS}
    with transaction.atomic():
        record = start_treatment(patient, draft, by=by)
        for index, vial in _items(data, "vials"):
            with _prefixed(f"vials.{index}"):
                add_vial(record, vial.get("lot_number", ""), vial.get("expires_on"), by=by)
        for index, site in _items(data, "sites"):
            with _prefixed(f"sites.{index}"):
                add_site(record, site, by=by)
    return record


def _items(data: Mapping[str, Any], name: str) -> Iterable[tuple[int, Mapping[str, Any]]]:
    return enumerate(data.get(name) or [])


@contextmanager
def _prefixed(prefix: str) -> Iterator[None]:
    """Re-raise a service's field errors under the item's path (``sites.2.units``)."""
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {f"{prefix}.{field}": messages for field, messages in error.message_dict.items()}
        ) from error
