"""Online booking operations, each in one transaction with its audit events. The actor is
the patient on the public page: events are recorded without a user ("anonymous", with the
request's address, as the assistant's public chat records its own).

``book_online`` matches the patient (``patients.services.match_patient``; a new patient is
registered through ``register_patient``, an uncertain match is registered as a possible
duplicate for the front desk and the booking held), books through
``scheduling.services.book_appointment`` (its row locks and, on PostgreSQL, the exclusion
constraint decide a race), holds it for the front desk when the clinic or the match says so,
and queues the confirmation (``messaging.services.enqueue_booking_confirmation``, sent after
commit). What the patient's signed link does afterwards is ``changes.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from glabella.accounts.models import Clinic
from glabella.accounts.types import StaffUser
from glabella.audit.models import Action
from glabella.audit.services import record, record_for_patient
from glabella.core.models import clinic_settings_row, keep_clinic_settings_row
from glabella.messaging.models import ConsentSource
from glabella.messaging.services import enqueue_booking_confirmation, record_consent
from glabella.patients.models import Channel, Patient
from glabella.patients.services import MatchOutcome, MatchResult, match_patient, register_patient
from glabella.scheduling.models import Appointment, AppointmentKind, AppointmentStatus
from glabella.scheduling.services import book_appointment, set_status

from . import eligibility, offers
from .eligibility import NotBookable
from .models import BookingSettings, BookingStatus, MatchedAs, OnlineBooking

OPEN = (AppointmentStatus.BOOKED, AppointmentStatus.PROPOSED)
KINDS = (AppointmentKind.CONSULTATION, AppointmentKind.TREATMENT, AppointmentKind.REVIEW)


class SlotTaken(Exception):
    """The chosen time is no longer free; ``nearest`` are the free times nearest it."""

    def __init__(self, message: str, nearest: list[offers.Offer]) -> None:
        super().__init__(message)
        self.nearest = nearest


class TooLate(NotBookable):
    """Inside the clinic's cancellation window: the patient calls instead."""


@dataclass(frozen=True)
class BookingRequest:
    kind: str
    who: str  # "any" or an injector's ref (offers.Injector.ref)
    starts_at: datetime
    first_name: str
    last_name: str
    date_of_birth: date
    phone: str
    email: str
    consent: bool
    channel: str  # "sms" or "email": how the patient wants messages
    key: UUID  # the form's one-time key


def settings_for(clinic: Clinic) -> BookingSettings:
    """The clinic's booking settings, made with the defaults the first time."""
    return clinic_settings_row(clinic, BookingSettings)


def last_bookable_day(clinic: Clinic, now: datetime) -> date:
    return timezone.localtime(now, clinic.zone).date() + timedelta(
        days=settings_for(clinic).days_ahead
    )


# --- booking ------------------------------------------------------------------------------


def booked_with(clinic: Clinic, key: UUID) -> OnlineBooking | None:
    """What the form with ``key`` booked, if it was submitted before."""
    return (
        OnlineBooking.objects.filter(clinic=clinic, key=key)
        .select_related("appointment__clinic", "appointment__injector", "patient")
        .first()
    )


def book_online(
    clinic: Clinic, wanted: BookingRequest, *, now: datetime | None = None
) -> OnlineBooking:
    """Book ``wanted`` for the patient it describes. Returns the booking (the earlier one
    when this form was already submitted). Raises ``NotBookable`` (the page says why),
    ``SlotTaken`` (with the nearest free times) or ``ValidationError`` (bad input)."""
    now = now or timezone.now()
    earlier = booked_with(clinic, wanted.key)
    if earlier is not None:
        return earlier
    users = _check_request(clinic, wanted, now)
    # Offered now? Most who lose a race are told here, before any lock or registration; the
    # booking service's check under its locks still decides those who pass together.
    around = offers.offers_around(
        clinic,
        users,
        wanted.kind,
        wanted.starts_at,
        now=now,
        last_day=last_bookable_day(clinic, now),
    )
    free = next((o for o in around if o.at == wanted.starts_at), None)
    if free is None:
        raise SlotTaken("That time is not free any more.", offers.nearest(around, wanted.starts_at))
    try:
        with transaction.atomic():
            return _book(clinic, wanted, list(free.injectors))
    except IntegrityError:
        earlier = booked_with(clinic, wanted.key)  # the same form, committed meanwhile
        if earlier is None:
            raise
        return earlier
    except NotBookable as refusal:
        _record_refusal(refusal, wanted)
        raise
    except SlotTaken as taken:
        earlier = booked_with(clinic, wanted.key)  # a double submit that waited for the first
        if earlier is not None:
            return earlier
        left = [o for o in around if o.at != wanted.starts_at]
        raise SlotTaken(str(taken), offers.nearest(left, wanted.starts_at)) from taken


def _check_request(clinic: Clinic, wanted: BookingRequest, now: datetime) -> list[Any]:
    if not settings_for(clinic).enabled:
        raise NotBookable(f"{clinic.name} does not take bookings online: call {clinic.phone}.")
    if wanted.kind not in KINDS:
        raise ValidationError({"kind": "Choose what to book."})
    users = offers.chosen_users(clinic, wanted.who)
    if not users:
        raise ValidationError({"who": "Choose one of our injectors, or anyone."})
    if timezone.is_naive(wanted.starts_at) or wanted.starts_at <= now:
        raise ValidationError({"starts_at": "Choose a time from now on."})
    if wanted.starts_at.astimezone(clinic.zone).date() > last_bookable_day(clinic, now):
        raise ValidationError({"starts_at": "That is further ahead than we take bookings."})
    return users


def _book(clinic: Clinic, wanted: BookingRequest, users: list[Any]) -> OnlineBooking:
    """Inside the transaction: match, check, register, book, hold, confirm, audit."""
    match = match_patient(
        clinic,
        first_name=wanted.first_name,
        last_name=wanted.last_name,
        date_of_birth=wanted.date_of_birth,
        phone=wanted.phone,
        email=wanted.email,
    )
    follows = _check_eligible(clinic, wanted, match)
    exact = match.patient if match.outcome == MatchOutcome.EXACT else None
    patient = exact or _register(clinic, wanted)
    if wanted.consent:
        record_consent(
            patient, consent=True, channel=wanted.channel, source=ConsentSource.ONLINE_BOOKING
        )
    appointment = _book_first_free(patient, wanted, users, follows)
    held = match.outcome == MatchOutcome.UNCERTAIN or settings_for(clinic).hold_for_front_desk
    if held:
        hold(appointment)
    if follows is not None:
        _drop_review_proposals(follows, besides=appointment)
    booking = OnlineBooking.objects.create(
        clinic=clinic,
        key=wanted.key,
        patient=patient,
        appointment=appointment,
        matched_as=MatchedAs(str(match.outcome)),
        status=BookingStatus.HELD if held else BookingStatus.CONFIRMED,
        any_injector=wanted.who == "any",
    )
    record_for_patient(
        Action.CREATE,
        booking,
        patient,
        by=None,
        matched_as=booking.matched_as,
        candidates=[str(c.patient.public_id) for c in match.candidates],
        status=booking.status,
        appointment=str(appointment.public_id),
    )
    if not held:
        enqueue_booking_confirmation(appointment)
    return booking


def _check_eligible(clinic: Clinic, wanted: BookingRequest, match: MatchResult) -> Any:
    """The treatment a review follows (None otherwise); ``NotBookable`` when this patient
    cannot book this kind online. A refusal that read a record is audited."""
    try:
        if wanted.kind == AppointmentKind.REVIEW:
            if match.patient is None:
                raise NotBookable(
                    "We could not find your treatment from these details: please call us on "
                    f"{clinic.phone} to book your review."
                )
            return eligibility.treatment_to_review(match.patient)
        if wanted.kind == AppointmentKind.TREATMENT:
            if match.outcome == MatchOutcome.NONE:
                raise NotBookable(
                    "New patients start with a consultation: please book a consultation."
                )
            if match.patient is not None:
                day = wanted.starts_at.astimezone(clinic.zone).date()
                eligibility.check_treatment(match.patient, settings_for(clinic), on=day)
    except NotBookable as refusal:
        refusal.patient = match.patient  # type: ignore[attr-defined]
        raise
    return None


def _record_refusal(refusal: NotBookable, wanted: BookingRequest) -> None:
    """A refusal that read a patient's record (their consultations, treatments) is audited,
    in its own transaction (the booking's was rolled back)."""
    patient = getattr(refusal, "patient", None)
    if patient is None:
        return
    with transaction.atomic():
        record_for_patient(
            Action.VIEW,
            patient,
            patient,
            by=None,
            online_booking="refused",
            kind=wanted.kind,
            reason=str(refusal),
        )


def _register(clinic: Clinic, wanted: BookingRequest) -> Patient:
    channel = wanted.channel if wanted.consent else Channel.NONE
    data = {
        "first_name": wanted.first_name,
        "last_name": wanted.last_name,
        "date_of_birth": wanted.date_of_birth,
        "phone": wanted.phone,
        "email": wanted.email,
        "preferred_channel": channel,
        "consent_to_contact": wanted.consent,
    }
    return register_patient(clinic, data, by=None, key=wanted.key, source="online")


def _book_first_free(
    patient: Patient, wanted: BookingRequest, users: list[Any], follows: Any
) -> Appointment:
    """Book the first of ``users`` (one, or every injector for "any") free then; each try in
    its own savepoint, so a refused try leaves nothing (and releases its locks)."""
    refusal = ""
    for user in users:
        data = {
            "kind": wanted.kind,
            "starts_at": wanted.starts_at,
            "injector": user,
            "follows": follows,
            "note": "Booked online",
        }
        try:
            with transaction.atomic():
                return book_appointment(patient, data, by=None)
        except ValidationError as error:
            if set(error.message_dict) != {"starts_at"}:
                raise
            refusal = " ".join(error.message_dict["starts_at"])
    raise SlotTaken(refusal or "That time was just taken.", [])


def hold(appointment: Appointment) -> None:
    """Booked under the locks, then held for the front desk: a proposal, which the day
    sheet's "to confirm" list shows and whose confirmation repeats the overlap check."""
    appointment.status = AppointmentStatus.PROPOSED
    appointment.save(update_fields=["status", "updated_at"])
    record_for_patient(
        Action.CHANGE,
        appointment,
        appointment.patient,
        by=None,
        status=AppointmentStatus.PROPOSED,
        reason="online booking held for the front desk",
    )


def _drop_review_proposals(treatment: Any, *, besides: Appointment) -> None:
    """The system's proposed review for this treatment gives way to the one booked."""
    proposals = (
        Appointment.objects.reviews_of(treatment)
        .filter(status=AppointmentStatus.PROPOSED)
        .exclude(pk=besides.pk)
    )
    for proposal in proposals:
        set_status(proposal, AppointmentStatus.CANCELLED, by=None)


# --- the clinic's settings ----------------------------------------------------------------

SETTING_FIELDS = (
    "enabled",
    "hold_for_front_desk",
    "cancellation_hours",
    "consultation_valid_days",
    "days_ahead",
)


def update_booking_settings(
    clinic: Clinic, data: dict[str, Any], *, by: StaffUser
) -> BookingSettings:
    """Change the clinic's online booking settings (the director's page); audited with the
    names and new values of what changed (clinic practice, no patient data)."""
    with transaction.atomic():
        row, _ = BookingSettings.objects.select_for_update().get_or_create(clinic=clinic)
        changed = {}
        for name in SETTING_FIELDS:
            if name in data and getattr(row, name) != data[name]:
                setattr(row, name, data[name])
                changed[name] = data[name]
        if changed:
            row.full_clean()
            row.save(update_fields=list(changed))
            record(
                action=Action.CHANGE,
                clinic=clinic,
                actor=by,
                obj=None,
                object_type="booking.bookingsettings",
                object_id=str(clinic.public_id),
                detail=changed,
            )
    keep_clinic_settings_row(clinic, row)
    return row
