"""The possible-duplicates queue and merging two records of one person.

A merge moves everything that points at the duplicate (appointments, consultations,
treatments, reviews, adverse events, messages, recalls…) to the record kept and marks the
duplicate as merged into it. Nothing is deleted: the duplicate stays, with its audit trail,
and the events of both records name the other."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from glabella.accounts.models import Clinic
from glabella.accounts.types import StaffUser
from glabella.audit.models import Action
from glabella.audit.services import record, record_for_patient, record_read

from .models import DuplicateFlag, DuplicateStatus, Patient, RegistrationKey

QUEUE_PAGE_SIZE = 25
# Rows that name a record for what happened to it, not as its owner: they stay where they are.
NOT_MOVED = (DuplicateFlag, RegistrationKey, Patient)


def duplicate_queue(clinic: Clinic, *, page: int, by: StaffUser) -> Page[DuplicateFlag]:
    """One page of the clinic's open possible duplicates, newest first (audited: the page
    shows both records' names)."""
    flags = (
        DuplicateFlag.objects.filter(clinic=clinic)
        .open()
        .select_related("patient", "candidate", "created_by")
    )
    shown = Paginator(flags, QUEUE_PAGE_SIZE).get_page(page)
    record_read(
        clinic, "patients.duplicate_queue", by=by, page=shown.number, rows=len(shown.object_list)
    )
    return shown


@dataclass(frozen=True)
class Merge:
    kept: Patient
    merged: Patient
    moved: dict[str, int]  # "app_label.model" → rows moved to the record kept


def merge_patients(keep: Patient, duplicate: Patient, *, by: StaffUser) -> Merge:
    """Merge ``duplicate`` into ``keep`` (two records of one clinic, neither merged before).
    Both rows are locked first, in id order, so two desks merging at once take turns."""
    if keep.pk == duplicate.pk:
        raise ValidationError({"patient": "A record cannot be merged into itself."})
    with transaction.atomic():
        locked = {p.pk: p for p in Patient.objects.select_for_update().filter(
            pk__in=[keep.pk, duplicate.pk]).order_by("pk")}  # fmt: skip
        keep, duplicate = locked[keep.pk], locked[duplicate.pk]
        _check_mergeable(keep, duplicate)
        moved = _move_rows(duplicate, keep)
        duplicate.merged_into, duplicate.merged_at = keep, timezone.now()
        duplicate.save(update_fields=["merged_into", "merged_at", "updated_at"])
        _settle_flags(keep, duplicate, by=by)
        _settle_recalls(keep, by=by)
        record_for_patient(
            Action.CHANGE, keep, keep, by=by, merged_from=str(duplicate.public_id), moved=moved
        )
        record_for_patient(
            Action.CHANGE, duplicate, duplicate, by=by, merged_into=str(keep.public_id)
        )
    return Merge(kept=keep, merged=duplicate, moved=moved)


def dismiss_duplicate(flag: DuplicateFlag, *, by: StaffUser) -> DuplicateFlag:
    """The two records are different people: the flag leaves the queue."""
    with transaction.atomic():
        locked = DuplicateFlag.objects.select_for_update().get(pk=flag.pk)
        if locked.status != DuplicateStatus.OPEN:
            raise ValidationError({"flag": "This pair was already dealt with."})
        _resolve(locked, DuplicateStatus.DISMISSED, by=by)
        record(
            action=Action.CHANGE,
            clinic=locked.clinic,
            actor=by,
            obj=locked,
            detail={
                "status": DuplicateStatus.DISMISSED,
                "patients": [str(locked.patient.public_id), str(locked.candidate.public_id)],
            },
        )
    return locked


def _check_mergeable(keep: Patient, duplicate: Patient) -> None:
    if keep.clinic_id != duplicate.clinic_id:
        raise ValidationError({"patient": "Only records of one clinic can be merged."})
    for patient in (keep, duplicate):
        if patient.merged_into_id is not None:
            raise ValidationError({"patient": f"{patient} was already merged into another record."})


def _move_rows(duplicate: Patient, keep: Patient) -> dict[str, int]:
    """Repoint every foreign key to the duplicate (whatever app declares it) to ``keep``.
    A one-to-one row (such as the messaging preference) moves only where ``keep`` has none:
    the record kept wins."""
    moved = {}
    for relation in Patient._meta.related_objects:
        model = relation.related_model
        if model in NOT_MOVED:
            continue
        field = relation.field.name
        rows = model._base_manager.filter(**{field: duplicate})
        if relation.one_to_one and model._base_manager.filter(**{field: keep}).exists():
            continue
        count = rows.update(**{field: keep})
        if count:
            moved[model._meta.label_lower] = count
    return moved


def _settle_flags(keep: Patient, duplicate: Patient, *, by: StaffUser) -> None:
    """The pair's flags are merged; the duplicate's flags with a third record now concern
    the record kept (or are merged, where that pair is already flagged or is the same)."""
    flags = DuplicateFlag.objects.select_for_update().open()
    for flag in flags.filter(Q(patient=duplicate) | Q(candidate=duplicate)):
        pair = {flag.patient_id, flag.candidate_id}
        other = (pair - {duplicate.pk}).pop()
        already = flags.filter(
            Q(patient_id=other, candidate=keep) | Q(patient=keep, candidate_id=other)
        ).exists()
        if other == keep.pk or already:
            _resolve(flag, DuplicateStatus.MERGED, by=by)
        else:
            side = "patient" if flag.patient_id == duplicate.pk else "candidate"
            setattr(flag, side, keep)
            flag.save(update_fields=[side, "updated_at"])


def _settle_recalls(keep: Patient, *, by: StaffUser) -> None:
    # Recalls belong to treatments, which depend on patients: imported here, not at the top.
    from glabella.treatments.services.recall import settle_recalls_after_merge

    settle_recalls_after_merge(keep, by=by)


def _resolve(flag: DuplicateFlag, status: DuplicateStatus, *, by: StaffUser) -> None:
    flag.status, flag.resolved_by, flag.resolved_at = status, by, timezone.now()
    flag.save(update_fields=["status", "resolved_by", "resolved_at", "updated_at"])
