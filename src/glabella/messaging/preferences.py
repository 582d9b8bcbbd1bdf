"""Whether and through which channel a patient gets messages, and where to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from glabella.patients.models import Channel, Patient

from .models import ConsentSource, MessageChannel, MessagingPreference
from .phone import to_e164


@dataclass(frozen=True)
class Preference:
    consent: bool
    channel: str  # a MessageChannel, or "" for none
    opted_out_at: datetime | None
    source: str

    @property
    def accepts_messages(self) -> bool:
        return self.consent and self.opted_out_at is None and bool(self.channel)


# A patient record's preferred channel, read as a message channel: someone who prefers
# phone calls (or no contact) gets no automated messages.
RECORD_CHANNEL: dict[str, MessageChannel] = {
    Channel.SMS: MessageChannel.SMS,
    Channel.EMAIL: MessageChannel.EMAIL,
}


def effective_preference(patient: Patient) -> Preference:
    """The patient record's consent and preferred channel (what staff see and edit), less an
    opt-out (STOP, the unsubscribe link) that no consent recorded on the record since
    overrides."""
    try:
        row: MessagingPreference | None = patient.messaging_preference
    except MessagingPreference.DoesNotExist:
        row = None
    opted_out_at = row.opted_out_at if row is not None else None
    consented = patient.consent_recorded_at
    if opted_out_at is not None and consented is not None and consented > opted_out_at:
        opted_out_at = None  # the patient agreed again at the desk after opting out
    return Preference(
        consent=patient.consent_to_contact,
        channel=RECORD_CHANNEL.get(patient.preferred_channel, ""),
        opted_out_at=opted_out_at,
        source=row.consent_source if row is not None else ConsentSource.PATIENT_RECORD,
    )


@dataclass(frozen=True)
class Route:
    channel: str
    recipient: str


def route_for(patient: Patient, preference: Preference, region: str | None) -> Route | None:
    """The channel and address to use: the preferred one, else the other one the record
    holds; None when the patient can be reached by neither."""
    phone = to_e164(patient.phone, region)
    email = patient.email.strip()
    routes = {MessageChannel.SMS: phone, MessageChannel.EMAIL: email}
    order = [preference.channel, *[c for c in MessageChannel.values if c != preference.channel]]
    for channel in order:
        if channel and routes.get(channel):
            return Route(channel, routes[channel] or "")
    return None
