"""The clinic's message templates: drafts as new versions, approval of one version.

Like the assistant's answers: a version is never changed once written, only an approved
version is sent, and a new draft leaves the approved one in use until it is approved.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from glabella.accounts.models import Clinic
from glabella.accounts.types import StaffUser
from glabella.assistant.rendering import placeholders_in
from glabella.audit.models import Action
from glabella.audit.services import record

from .defaults import DEFAULTS, SAMPLE_VALUES, Wording
from .models import MessageKind, MessageTemplate, MessageTemplateVersion

MESSAGE_VALUES = {*SAMPLE_VALUES, "aftercare"}
SMS_LENGTH_WARNING = 480  # about three text-message parts


@dataclass(frozen=True)
class TemplateState:
    kind: str
    label: str
    approved: MessageTemplateVersion | None
    latest: MessageTemplateVersion | None

    @property
    def pending(self) -> bool:
        return self.latest is not None and (
            self.approved is None or self.latest.pk != self.approved.pk
        )

    @property
    def in_use(self) -> Wording:
        if self.approved is not None:
            return Wording(self.approved.subject, self.approved.body)
        return DEFAULTS[self.kind]


def template_states(clinic: Clinic) -> list[TemplateState]:
    templates = {
        t.kind: t
        for t in MessageTemplate.objects.filter(clinic=clinic).select_related("approved_version")
    }
    states = []
    for kind, label in MessageKind.choices:
        template = templates.get(kind)
        states.append(
            TemplateState(
                kind=kind,
                label=label,
                approved=template.approved_version if template else None,
                latest=template.latest_version if template else None,
            )
        )
    return states


def check_wording(clinic: Clinic, subject: str, body: str) -> None:
    errors: dict[str, str] = {}
    if not subject.strip():
        errors["subject"] = "Write a subject (used by email)."
    if not body.strip():
        errors["body"] = "Write the message."
    known = set(clinic.answer_variables()) | MESSAGE_VALUES
    unknown = sorted(placeholders_in(f"{subject} {body}") - known)
    if unknown:
        names = ", ".join("{" + name + "}" for name in unknown)
        errors["body"] = f"Unknown placeholders: {names}."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_draft(
    clinic: Clinic, kind: str, subject: str, body: str, *, by: StaffUser
) -> MessageTemplateVersion:
    if kind not in MessageKind.values:
        raise ValidationError({"kind": "Unknown message kind."})
    check_wording(clinic, subject, body)
    template, _ = MessageTemplate.objects.select_for_update().get_or_create(
        clinic=clinic, kind=kind, defaults={"created_by": by}
    )
    number = (template.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = MessageTemplateVersion.objects.create(
        template=template,
        number=number,
        subject=subject.strip(),
        body=body.strip(),
        created_by=by,
    )
    record(
        action=Action.CREATE,
        clinic=clinic,
        actor=by,
        obj=template,
        detail={"kind": kind, "version": number},
    )
    return version


@transaction.atomic
def approve_latest(clinic: Clinic, kind: str, *, by: StaffUser) -> MessageTemplateVersion:
    template = MessageTemplate.objects.select_for_update().filter(clinic=clinic, kind=kind).first()
    latest = template.latest_version if template else None
    if template is None or latest is None:
        raise ValidationError("There is no draft of this message to approve.")
    if template.approved_version_id == latest.pk:
        raise ValidationError("The latest version is already approved.")
    template.approved_version = latest
    template.approved_by = by
    template.approved_at = timezone.now()
    template.save(update_fields=["approved_version", "approved_by", "approved_at", "updated_at"])
    record(
        action=Action.APPROVE,
        clinic=clinic,
        actor=by,
        obj=template,
        detail={"kind": kind, "version": latest.number},
    )
    return latest
