"""Replies from patients, by text message or email.

STOP (and its usual synonyms, English and Spanish) is handled before anything else: the
patients the sender matches get no more messages. Any other reply goes to the assistant,
whose urgent triage runs first, so "I can't swallow" becomes an urgent handoff on Today,
linked to the patient the number or address matches and to their last treatment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from glabella.accounts.models import Clinic
from glabella.assistant.models import Handoff
from glabella.assistant.services import ask
from glabella.audit.models import Action
from glabella.audit.services import record_for_patient
from glabella.patients.models import Patient
from glabella.treatments.models import TreatmentRecord

from . import services
from .models import ConsentSource, InboundMessage, MessageChannel
from .phone import national_digits, to_e164

STOP_WORDS = frozenset(
    {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "baja", "alto", "parar"}
)
START_WORDS = frozenset({"start", "unstop", "alta"})
MATCH_DIGITS = 7


@dataclass(frozen=True)
class Received:
    inbound: InboundMessage
    reply: str


def keyword(text: str) -> str:
    """The whole message as one folded word ("Stop." → "stop"), or "" for anything longer."""
    words = re.sub(r"[^\w\s]", "", text).casefold().split()
    return words[0] if len(words) == 1 else ""


def patients_by_phone(clinic: Clinic, e164: str) -> list[Patient]:
    digits = national_digits(e164)[-MATCH_DIGITS:]
    candidates = Patient.objects.for_clinic(clinic).filter(phone_digits__endswith=digits)
    return [p for p in candidates if to_e164(p.phone) == e164]


def patients_by_email(clinic: Clinic, address: str) -> list[Patient]:
    return list(Patient.objects.for_clinic(clinic).filter(email__iexact=address.strip()))


@dataclass(frozen=True)
class Incoming:
    clinic: Clinic
    channel: str
    sender: str
    body: str
    provider_id: str
    patients: list[Patient]


def receive_sms(clinic: Clinic, *, sender: str, body: str, provider_id: str = "") -> Received:
    e164 = to_e164(sender) or sender.strip()
    patients = patients_by_phone(clinic, e164) if e164.startswith("+") else []
    return _receive(Incoming(clinic, MessageChannel.SMS, e164, body, provider_id, patients))


def receive_email(clinic: Clinic, *, sender: str, subject: str, body: str) -> Received:
    first_line = next((line for line in body.splitlines() if line.strip()), "")
    text = subject if keyword(subject) in STOP_WORDS | START_WORDS else first_line
    message = text if keyword(text) else f"{subject}\n{body}".strip()
    patients = patients_by_email(clinic, sender)
    return _receive(Incoming(clinic, MessageChannel.EMAIL, sender.strip(), message, "", patients))


def _receive(incoming: Incoming) -> Received:
    clinic = incoming.clinic
    if incoming.provider_id:
        earlier = InboundMessage.objects.filter(
            clinic=clinic, provider_id=incoming.provider_id
        ).first()
        if earlier is not None:
            return Received(earlier, "")  # the provider retried its webhook: done already
    sms = incoming.channel == MessageChannel.SMS
    source = ConsentSource.SMS_REPLY if sms else ConsentSource.EMAIL_REPLY
    word = keyword(incoming.body)
    if word in STOP_WORDS:
        for patient in incoming.patients:
            services.opt_out(patient, source=source)
        return _stored(incoming, "opted_out")
    if word in START_WORDS:
        for patient in incoming.patients:
            services.opt_back_in(patient, source=source)
        return _stored(incoming, "opted_in")
    # Urgent triage first (the assistant's order), outside a transaction: it may take a while.
    reply = ask(clinic, incoming.body[:2000], channel=incoming.channel)
    handoff = (
        Handoff.objects.filter(clinic=clinic, public_id=reply.handoff_id).first()
        if reply.handoff_id
        else None
    )
    outcome = "urgent" if reply.urgent else ("handed_to_staff" if handoff else reply.kind)
    return _stored(incoming, outcome, handoff, reply.text)


def _stored(
    incoming: Incoming, outcome: str, handoff: Handoff | None = None, reply: str = ""
) -> Received:
    patients = incoming.patients
    patient = patients[0] if len(patients) == 1 else None
    treatment = (
        TreatmentRecord.objects.signed()
        .filter(patient=patient)
        .order_by("-treated_on", "-id")
        .first()
        if patient
        else None
    )
    try:
        with transaction.atomic():
            inbound = InboundMessage.objects.create(
                clinic=incoming.clinic,
                channel=incoming.channel,
                sender=incoming.sender[:254],
                body=incoming.body,
                provider_id=incoming.provider_id[:100],
                patient=patient,
                treatment=treatment,
                handoff=handoff,
                opted_out=outcome == "opted_out",
                outcome=outcome,
            )
            if handoff is not None:
                _link_handoff(handoff, incoming.channel, incoming.sender, patient)
    except IntegrityError:  # the same provider message, received twice at once
        inbound = InboundMessage.objects.get(
            clinic=incoming.clinic, provider_id=incoming.provider_id
        )
        return Received(inbound, "")
    return Received(inbound, reply)


def _link_handoff(handoff: Handoff, channel: str, sender: str, patient: Patient | None) -> None:
    """The reply came from a known number or address: staff can call back, and the
    handoff points to the one patient it matched."""
    contact = (
        {"contact_phone": sender} if channel == MessageChannel.SMS else {"contact_email": sender}
    )
    changes = {**contact, "contact_consent_at": timezone.now(), "updated_at": timezone.now()}
    if patient is not None:
        changes.update(patient=patient, contact_name=patient.full_name)
    Handoff.objects.filter(pk=handoff.pk).update(**changes)
    if patient is not None:
        record_for_patient(Action.CHANGE, handoff, patient, by=None, linked_from=f"{channel} reply")
