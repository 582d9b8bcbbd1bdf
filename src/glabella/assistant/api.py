"""The patient assistant's JSON endpoints: a question, and contact details for a handoff."""

from dataclasses import asdict
from datetime import datetime
from typing import Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema

from . import services
from .clinics import clinic_by_slug
from .contact_details import ContactDetails
from .services.contact import attach_contact, contact_step, handoff_for_contact
from .throttle import check_question_rate

router = Router(tags=["assistant"])


class AskIn(Schema):
    question: str = Field(..., min_length=1, max_length=2000)
    clinic: str | None = Field(None, description="clinic slug; default: the only clinic")
    language: Literal["en", "es"] | None = Field(
        None, description="the page's language, used when a short message could be either"
    )
    chosen_entry: str | None = Field(
        None, max_length=64, description="the entry_id of an answer picked from `offered`"
    )


class OfferOut(Schema):
    entry_id: str
    topic: str
    title: str


class AnswerPartOut(Schema):
    entry_id: str
    version: int
    topic: str
    title: str
    text: str
    html: str
    citation: str


class AskOut(Schema):
    kind: str = Field(..., description="answer, clarify, urgent or abstain")
    language: str = Field(..., description="the language the message was read in (en, es, …)")
    offered: list[OfferOut] = Field(
        ..., description='for "clarify": the approved answers to choose from, best first'
    )
    also: list[AnswerPartOut] = Field(
        ..., description="answers to further questions asked in the same message"
    )
    passed_on: list[str] = Field(
        ...,
        description="questions in the same message about something else, handed to staff "
        "(handoff_id and reference are set)",
    )
    urgent: bool
    abstained: bool
    text: str = Field(..., description="the approved answer with the clinic's values filled in")
    html: str = Field(..., description="the same, rendered safely (raw HTML shown as text)")
    entry_id: str | None
    version: int | None
    topic: str | None
    title: str | None
    citation: str = Field(..., description="where the answer's facts come from, for patients")
    confidence: float
    signals: list[str]
    timings_ms: dict[str, float]
    handoff_id: str | None
    reference: str | None = Field(
        None, description="for a handed-over message: the reference the patient can quote"
    )
    contact_token: str | None = Field(
        None,
        description="for a handed-over message: the token for "
        "POST /assistant/handoffs/{handoff_id}/contact, valid for a day",
    )


@router.post("/ask", response=AskOut, summary="Answer a patient's question", auth=None)
def ask(request: HttpRequest, payload: AskIn) -> dict[str, object]:
    check_question_rate(request)
    clinic = clinic_by_slug(payload.clinic)
    reply = services.ask(
        clinic,
        payload.question,
        channel="api",
        language=payload.language,
        chosen_entry=payload.chosen_entry,
    )
    step = contact_step(clinic, reply.handoff_id)
    return {
        **asdict(reply),
        "signals": list(reply.signals),
        "reference": step.reference if step else None,
        "contact_token": step.token if step else None,
    }


class ContactIn(Schema):
    token: str = Field(..., max_length=500, description="contact_token from the ask response")
    name: str = Field("", max_length=200)
    phone: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    consent: bool = Field(
        ...,
        description='true when the patient was shown and accepted: "By sending these you '
        'agree that {clinic} may contact you about this message"',
    )


class ContactOut(Schema):
    reference: str
    contact_consent_at: datetime


@router.post(
    "/handoffs/{handoff_id}/contact",
    response=ContactOut,
    summary="Leave a name and a phone number or email on a handed-over message",
    auth=None,
)
def attach_handoff_contact(
    request: HttpRequest, handoff_id: UUID, payload: ContactIn
) -> dict[str, object]:
    """A phone number or an email is needed; sending again replaces the details. A token
    for another message, a forged one or one older than a day is refused (403)."""
    handoff = handoff_for_contact(handoff_id, payload.token)
    if not payload.consent:
        raise ValidationError({"consent": "The patient must agree to be contacted."})
    details = ContactDetails(name=payload.name, phone=payload.phone, email=payload.email)
    handoff = attach_contact(handoff, details)
    return {
        "reference": handoff.reference_display,
        "contact_consent_at": handoff.contact_consent_at,
    }
