"""The knowledge base: entries are created and edited as versions, approved or retired."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from glabella.accounts import roles
from glabella.accounts.models import Clinic
from glabella.accounts.roles import Capability
from glabella.accounts.types import RequestUser
from glabella.audit.models import Action
from glabella.audit.services import record

from .. import cached_state
from ..entry_text import EntryText
from ..models import Entry, EntryStatus, EntryVersion, Language

# The assistant's services take ``request.user`` as it comes; ``actor`` keeps only a signed-in one.
User = RequestUser


@transaction.atomic
def create_entry(
    clinic: Clinic,
    text: EntryText,
    *,
    by: User | None,
    import_key: str = "",
    language: str = Language.ENGLISH,
) -> Entry:
    text = text.clean()
    entry = Entry.objects.create(
        clinic=clinic,
        topic=text.topic,
        language=language,
        import_key=import_key,
        created_by=actor(by),
    )
    _add_version(entry, text, by=by, note="created")
    record(action=Action.CREATE, clinic=clinic, actor=actor(by), obj=entry)
    return entry


@transaction.atomic
def edit_entry(entry: Entry, text: EntryText, *, by: User | None, note: str = "") -> EntryVersion:
    """A new version; the approved one keeps answering until this one is approved."""
    text = text.clean()
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if _same_version_text(entry.latest_version, text) and entry.topic == text.topic:
        return entry.latest_version
    if entry.topic != text.topic:
        entry.topic = text.topic
        entry.save(update_fields=["topic", "updated_at"])
    version = _add_version(entry, text, by=by, note=note or "edited")
    record(
        action=Action.CHANGE,
        clinic=entry.clinic,
        actor=actor(by),
        obj=entry,
        detail={"version": version.number},
    )
    return version


@transaction.atomic
def approve_entry(
    entry: Entry, *, by: User, version: EntryVersion | None = None, note: str = ""
) -> Entry:
    _require_approver(by, entry.clinic)
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    chosen = version or entry.latest_version
    if chosen.entry_id != entry.pk:
        raise ValidationError("That version belongs to another entry.")
    entry.approved_version = chosen
    entry.status = EntryStatus.APPROVED
    entry.approved_by = actor(by)
    entry.approved_at = timezone.now()
    entry.approval_note = note
    entry.save(
        update_fields=[
            "approved_version",
            "status",
            "approved_by",
            "approved_at",
            "approval_note",
            "updated_at",
        ]
    )
    mark_content_changed(entry.clinic)
    record(
        action=Action.APPROVE,
        clinic=entry.clinic,
        actor=actor(by),
        obj=entry,
        detail={"version": chosen.number},
    )
    return entry


@transaction.atomic
def retire_entry(entry: Entry, *, by: User) -> Entry:
    _require_approver(by, entry.clinic)
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    entry.status = EntryStatus.RETIRED
    entry.save(update_fields=["status", "updated_at"])
    mark_content_changed(entry.clinic)
    record(action=Action.RETIRE, clinic=entry.clinic, actor=actor(by), obj=entry)
    return entry


def mark_content_changed(clinic: Clinic) -> None:
    """Bump the clinic's revision so its answering engine is rebuilt on the next question."""
    Clinic.objects.filter(pk=clinic.pk).update(assistant_revision=F("assistant_revision") + 1)
    cached_state.revision_changed(clinic.pk)


def actor(user: User | None) -> Any:
    """The user to store as author: None for anonymous callers and loaders."""
    return user if user is not None and user.is_authenticated else None


def _add_version(entry: Entry, text: EntryText, *, by: User | None, note: str) -> EntryVersion:
    latest = entry.versions.order_by("-number").first()
    return EntryVersion.objects.create(
        entry=entry,
        number=(latest.number + 1) if latest else 1,
        title=text.title,
        phrasings=list(text.phrasings),
        answer=text.answer,
        source=text.source,
        change_note=note,
        created_by=actor(by),
    )


def _same_version_text(version: EntryVersion, text: EntryText) -> bool:
    return (version.title, version.answer, tuple(version.phrasings), version.source) == (
        text.title,
        text.answer,
        text.phrasings,
        text.source,
    )


def _require_approver(user: User, clinic: Clinic) -> None:
    if not roles.can(user, clinic, Capability.ASSISTANT_APPROVE):
        raise PermissionDenied("Only the medical director may approve or retire answers.")
