"""A message's words: the clinic's approved wording (or the shipped default) with the
clinic's values and the message's own filled in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.urls import reverse

from glabella.accounts.models import Clinic
from glabella.assistant.models import Entry, Language
from glabella.assistant.rendering import fill_variables, render_answer
from glabella.patients.models import Patient

from .defaults import DEFAULTS, SAMPLE_VALUES, Wording
from .models import MessageChannel, MessageKind, MessageTemplate, MessageTemplateVersion
from .subjects import Subject

UNSUBSCRIBE_SALT = "glabella.messaging.unsubscribe"
AFTERCARE_TOPIC = "aftercare"
SMS_FOOTER = "Reply STOP to stop these messages."
EMAIL_FOOTER = "To stop these messages: {unsubscribe_link}"


class NotSendable(Exception):
    """The message cannot be written (no clinic-approved aftercare text, say)."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    version: MessageTemplateVersion | None


def wording_for(clinic: Clinic, kind: str) -> tuple[Wording, MessageTemplateVersion | None]:
    template = (
        MessageTemplate.objects.filter(clinic=clinic, kind=kind)
        .select_related("approved_version")
        .first()
    )
    version = template.approved_version if template else None
    if version is not None:
        return Wording(version.subject, version.body), version
    return DEFAULTS[kind], None


def unsubscribe_token(patient: Patient) -> str:
    return signing.dumps(str(patient.public_id), salt=UNSUBSCRIBE_SALT, compress=True)


def patient_from_unsubscribe_token(token: str) -> Patient | None:
    try:
        public_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Patient.objects.select_related("clinic").filter(public_id=public_id).first()


def booking_link(clinic: Clinic) -> str:
    """The clinic's online booking page (its own booking site when it has one)."""
    return clinic.booking_url or f"{settings.SITE_URL}/c/{clinic.slug}/book"


def clinic_aftercare(clinic: Clinic) -> str:
    """The clinic's approved aftercare answer (the assistant's), or "" without one."""
    entry = (
        Entry.objects.answering()
        .filter(clinic=clinic, topic=AFTERCARE_TOPIC, language=Language.ENGLISH)
        .select_related("approved_version")
        .first()
    )
    if entry is None or entry.approved_version is None:
        return ""
    return fill_variables(entry.approved_version.answer, clinic.answer_variables())


def values_for(clinic: Clinic, patient: Patient, subject: Subject) -> dict[str, str]:
    zone = clinic.zone
    link = booking_link(clinic)
    values = {
        **clinic.answer_variables(),
        "first_name": patient.first_name,
        "booking_link": link,
        "review_booking_link": f"{link}{'&' if '?' in link else '?'}visit=review",
        "unsubscribe_link": settings.SITE_URL
        + reverse("messaging:unsubscribe", args=[unsubscribe_token(patient)]),
        "aftercare": clinic_aftercare(clinic),
    }
    appointment = subject.appointment
    if appointment is not None:
        values.update(_visit_values(appointment.starts_at, zone))
        values["visit_kind"] = appointment.get_kind_display().lower()
        values["manage_link"] = _manage_link(appointment)
        injector = appointment.injector
        values["injector_name"] = (
            (injector.get_full_name() or injector.get_username()) if injector else ""
        )
    return values


def _manage_link(appointment: Any) -> str:
    """The patient's signed link to move or cancel the visit (online booking's)."""
    from glabella.booking.links import manage_url  # booking sends through messaging

    return manage_url(appointment)


def _visit_values(starts_at: datetime, zone: ZoneInfo) -> dict[str, str]:
    local = starts_at.astimezone(zone)
    return {"visit_date": f"{local:%A} {local.day} {local:%B}", "visit_time": f"{local:%H:%M}"}


def render(clinic: Clinic, kind: str, values: dict[str, str], channel: str) -> Rendered:
    wording, version = wording_for(clinic, kind)
    if (
        kind == MessageKind.AFTERCARE
        and "{aftercare}" in wording.body
        and not values.get("aftercare")
    ):
        raise NotSendable("the clinic has no approved aftercare text")
    body = fill_variables(wording.body, values)
    subject = fill_variables(wording.subject, values)
    if channel == MessageChannel.SMS:
        return Rendered(subject, f"{body}\n{SMS_FOOTER}", "", version)
    footer = fill_variables(EMAIL_FOOTER, values)
    html = render_answer(wording.body, values) + render_answer(EMAIL_FOOTER, values)
    return Rendered(subject, f"{body}\n\n{footer}", html, version)


def preview(clinic: Clinic, wording: Wording) -> tuple[str, str]:
    """The wording as a patient would read it, filled with sample data (no real patient)."""
    values = {
        **clinic.answer_variables(),
        **SAMPLE_VALUES,
        "aftercare": clinic_aftercare(clinic) or "(the clinic's approved aftercare answer)",
    }
    return fill_variables(wording.subject, values), fill_variables(wording.body, values)
