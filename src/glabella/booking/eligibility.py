"""What a patient may book online: a consultation (anyone); a treatment only with a
consultation whose screening was recorded within the clinic's validity period
(``BookingSettings.consultation_valid_days``), not every product refused by it, and not
before the earliest retreatment date of their last course (set from the clinical core when
it was signed); the two-week review only from the review link, for their last signed
treatment whose review is neither done nor booked."""

from __future__ import annotations

from datetime import date, timedelta

from glabella.patients.models import Patient
from glabella.scheduling.models import Appointment, AppointmentStatus
from glabella.treatments.models import Consultation, TreatmentRecord

from .models import BookingSettings

DO_NOT_TREAT = "do_not_treat"  # glabella.clinical's Outcome.DO_NOT_TREAT, as stored
REVIEW_ARRANGED = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED, AppointmentStatus.COMPLETED)


class NotBookable(Exception):
    """Why this patient cannot book this online (the page says it and what to do)."""


def check_treatment(patient: Patient, settings: BookingSettings, *, on: date) -> None:
    since = on - timedelta(days=settings.consultation_valid_days)
    consultation = (
        Consultation.objects.filter(patient=patient, held_on__gte=since, held_on__lte=on)
        .exclude(screening=[])
        .order_by("-held_on", "-id")
        .first()
    )
    if consultation is None:
        raise NotBookable(
            "A treatment can be booked online after a consultation in the last "
            f"{settings.consultation_valid_days} days. Please book a consultation first."
        )
    if all(v.get("outcome") == DO_NOT_TREAT for v in consultation.screening):
        raise NotBookable("Please call us to arrange your treatment.")
    latest = TreatmentRecord.objects.courses().filter(patient=patient).first()
    earliest = latest.earliest_retreatment_on if latest else None
    if earliest is not None and on < earliest:
        raise NotBookable(
            f"Your next treatment can be from {earliest:%A %d %B %Y}: please choose a day "
            "from then on."
        )


def treatment_to_review(patient: Patient) -> TreatmentRecord:
    """The signed treatment a review booked now follows; ``NotBookable`` when there is none
    (never treated here, or its review is already done or booked)."""
    latest = TreatmentRecord.objects.signed().filter(patient=patient).first()
    if latest is None:
        raise NotBookable("We found no treatment to review: please call us.")
    arranged = Appointment.objects.reviews_of(latest).filter(status__in=REVIEW_ARRANGED)
    if latest.reviews.exists() or arranged.exists():
        raise NotBookable("Your review is already booked or done.")
    return latest
