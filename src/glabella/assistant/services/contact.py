"""Back to the patient: contact details on a handed-over message, and the call back.

When the assistant hands a message to staff (urgent or unanswered) the patient may leave a
name and a phone number or email. The chat form and the JSON API carry a signed token for
that one handoff, valid for a day, so nobody can attach details to someone else's message.
Details that match exactly one of the clinic's patients link the message to that record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from glabella.accounts.models import Clinic
from glabella.audit.models import Action
from glabella.audit.services import record, record_for_patient
from glabella.patients.models import Patient

from ..contact_details import PHONE_SUFFIX_MATCH, ContactDetails, name_key, phone_key, same_phone
from ..models import Handoff, HandoffKind
from .knowledge import User, actor

TOKEN_SALT = "glabella.assistant.handoff-contact"  # noqa: S105 (a namespace, not a secret)
TOKEN_MAX_AGE = timedelta(days=1)


class ContactRefused(PermissionDenied):
    """The token is missing, forged or made for another message."""

    def __init__(self) -> None:
        super().__init__("This contact form is not valid for this message.")


class ContactExpired(ContactRefused):
    """A genuine token for this message, older than a day."""

    def __init__(self, handoff: Handoff) -> None:
        super().__init__()
        self.args = ("This contact form has expired; please call the clinic.",)
        self.handoff = handoff


@dataclass(frozen=True)
class ContactStep:
    """What the reply to a handed-over message offers: its reference and the token."""

    handoff_id: str
    reference: str
    token: str
    urgent: bool


def contact_token(handoff: Handoff) -> str:
    return signing.TimestampSigner(salt=TOKEN_SALT).sign(str(handoff.public_id))


def contact_step_for(handoff: Handoff) -> ContactStep:
    return ContactStep(
        handoff_id=str(handoff.public_id),
        reference=handoff.reference_display,
        token=contact_token(handoff),
        urgent=handoff.kind == HandoffKind.URGENT,
    )


def contact_step(clinic: Clinic, handoff_id: str | None) -> ContactStep | None:
    """The contact step of a reply that opened a handoff (``Reply.handoff_id``), else None."""
    if not handoff_id:
        return None
    handoff = Handoff.objects.filter(clinic=clinic, public_id=handoff_id).first()
    return contact_step_for(handoff) if handoff is not None else None


def handoff_for_contact(handoff_id: UUID | str, token: str) -> Handoff:
    """The handoff the token was made for; ContactRefused or ContactExpired otherwise."""
    signer = signing.TimestampSigner(salt=TOKEN_SALT)
    try:
        signed_id = signer.unsign(token, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        if signer.unsign(token) != str(handoff_id):
            raise ContactRefused() from None
        raise ContactExpired(_handoff(handoff_id)) from None
    except signing.BadSignature:
        raise ContactRefused() from None
    if signed_id != str(handoff_id):
        raise ContactRefused()
    return _handoff(handoff_id)


def _handoff(handoff_id: UUID | str) -> Handoff:
    try:
        return Handoff.objects.select_related("clinic").get(public_id=handoff_id)
    except (Handoff.DoesNotExist, ValueError):
        raise ContactRefused() from None


def attach_contact(
    handoff: Handoff, details: ContactDetails, *, now: datetime | None = None
) -> Handoff:
    """Store the patient's details with their consent (sending them is agreeing to be
    contacted, as the form says) and link the one patient record they match, if any.
    Sending again replaces the details. The audit records field names, never values."""
    details = details.clean()
    with transaction.atomic():
        handoff = (
            Handoff.objects.select_for_update(of=("self",))  # not the clinic's row
            .select_related("clinic")
            .get(pk=handoff.pk)
        )
        patient = match_patient(handoff.clinic, details)
        handoff.contact_name = details.name
        handoff.contact_phone = details.phone
        handoff.contact_email = details.email
        handoff.contact_consent_at = now or timezone.now()
        handoff.patient = patient
        handoff.save(
            update_fields=[
                "contact_name",
                "contact_phone",
                "contact_email",
                "contact_consent_at",
                "patient",
                "updated_at",
            ]
        )
        detail = {"contact": details.fields_given, "matched_patient": patient is not None}
        if patient is not None:
            record_for_patient(Action.CHANGE, handoff, patient, by=None, **detail)
        else:
            record(action=Action.CHANGE, clinic=handoff.clinic, obj=handoff, detail=detail)
    return handoff


def match_patient(clinic: Clinic, details: ContactDetails) -> Patient | None:
    """The clinic's one patient whose name matches (accents, case and word order aside) and
    whose phone or email matches too; None when there is no such patient or more than one."""
    if not details.name or not (details.phone or details.email):
        return None
    reachable = Q()
    if details.email:
        reachable |= Q(email__iexact=details.email)
    if details.phone:
        reachable |= Q(phone_digits__endswith=phone_key(details.phone)[-PHONE_SUFFIX_MATCH:])
    wanted = name_key(details.name)
    found = [
        patient
        for patient in Patient.objects.for_clinic(clinic).filter(reachable)
        if wanted in _name_keys(patient) and _reachable_by(patient, details)
    ]
    return found[0] if len(found) == 1 else None


def _name_keys(patient: Patient) -> set[str]:
    first, last = patient.first_name, patient.last_name
    return {name_key(f"{first} {last}"), name_key(f"{last} {first}")}


def _reachable_by(patient: Patient, details: ContactDetails) -> bool:
    email = bool(details.email) and patient.email.casefold() == details.email.casefold()
    return email or (bool(details.phone) and same_phone(patient.phone, details.phone))


# --- staff: calling back -----------------------------------------------------------------


@transaction.atomic
def mark_called_back(handoff: Handoff, *, by: User) -> Handoff:
    """Record who called the patient back and when; a second click changes nothing."""
    # Only the handoff row is locked: its patient is the nullable side of an outer join.
    handoff = (
        Handoff.objects.select_for_update(of=("self",))
        .select_related("clinic", "patient")
        .get(pk=handoff.pk)
    )
    if handoff.called_back_at is not None:
        return handoff
    handoff.called_back_at = timezone.now()
    handoff.called_back_by = actor(by)
    handoff.save(update_fields=["called_back_at", "called_back_by", "updated_at"])
    if handoff.patient is not None:
        record_for_patient(Action.CHANGE, handoff, handoff.patient, by=actor(by), called_back=True)
    else:
        record(
            action=Action.CHANGE,
            clinic=handoff.clinic,
            actor=actor(by),
            obj=handoff,
            detail={"called_back": True},
        )
    return handoff


def urgent_first() -> Case:
    return Case(
        When(kind=HandoffKind.URGENT, then=Value(0)), default=Value(1), output_field=IntegerField()
    )


@transaction.atomic
def open_messages(clinic: Clinic, *, by: User, limit: int) -> tuple[list[Handoff], int]:
    """Open handed-over messages for the day's board, urgent first then oldest, with their
    contact details (the read is recorded); and how many are open in all."""
    handoffs = (
        Handoff.objects.filter(clinic=clinic)
        .open()
        .select_related("called_back_by", "patient")
        .order_by(urgent_first(), "created_at")
    )
    shown = list(handoffs[:limit])
    total = handoffs.count() if len(shown) == limit else len(shown)
    record(
        action=Action.VIEW,
        clinic=clinic,
        actor=actor(by),
        object_type="assistant.open_messages",
        detail={
            "rows": len(shown),
            "patients": [str(h.patient.public_id) for h in shown if h.patient],
        },
    )
    return shown, total


__all__ = [
    "ContactExpired",
    "ContactRefused",
    "ContactStep",
    "attach_contact",
    "contact_step",
    "contact_step_for",
    "contact_token",
    "handoff_for_contact",
    "mark_called_back",
    "match_patient",
    "open_messages",
    "urgent_first",
]
