"""The wording each kind of message has until a clinic approves its own. Plain words about
times and next steps only: no medical advice. Aftercare carries the clinic's own approved
aftercare answer (``{aftercare}``), never a text of ours.

Placeholders are those of ``variables.py``: the clinic's values (``Clinic.answer_variables``)
and the message's own (patient's first name, visit time, links).
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import MessageKind


@dataclass(frozen=True)
class Wording:
    subject: str
    body: str


DEFAULTS: dict[str, Wording] = {
    MessageKind.BOOKING_CONFIRMATION: Wording(
        subject="Your appointment at {clinic_name}",
        body=(
            "Hello {first_name}, your {visit_kind} at {clinic_name} is booked for "
            "{visit_date} at {visit_time}. To change or cancel it: {manage_link} "
            "or call us on {phone}."
        ),
    ),
    MessageKind.REMINDER: Wording(
        subject="Reminder: your appointment on {visit_date}",
        body=(
            "Hello {first_name}, a reminder of your {visit_kind} at {clinic_name} on "
            "{visit_date} at {visit_time}. If you cannot come, change or cancel it here: "
            "{manage_link} or call us on {phone}."
        ),
    ),
    MessageKind.AFTERCARE: Wording(
        subject="After your treatment at {clinic_name}",
        body=(
            "Hello {first_name}, thank you for visiting {clinic_name} today. Here is our "
            "aftercare advice again:\n\n{aftercare}\n\nQuestions? Call us on {phone}. "
            "In an emergency call {emergency_number}."
        ),
    ),
    MessageKind.REVIEW_INVITATION: Wording(
        subject="Your two-week review at {clinic_name}",
        body=(
            "Hello {first_name}, it is nearly time for your review visit, when we check how "
            "your treatment has settled. Choose a time here: {review_booking_link} "
            "or call us on {phone}."
        ),
    ),
    MessageKind.RECALL_OPEN: Wording(
        subject="Time to book your next visit at {clinic_name}",
        body=(
            "Hello {first_name}, you can now book your next treatment visit at "
            "{clinic_name}. Book here: {booking_link} or call us on {phone}."
        ),
    ),
    MessageKind.RECALL_CLOSING: Wording(
        subject="A reminder to book your next visit",
        body=(
            "Hello {first_name}, a reminder that you have not yet booked your next visit at "
            "{clinic_name}. Book here: {booking_link} or call us on {phone}."
        ),
    ),
    MessageKind.NO_SHOW: Wording(
        subject="We missed you at {clinic_name}",
        body=(
            "Hello {first_name}, we missed you at your appointment on {visit_date}. "
            "If you would like a new time, book here: {booking_link} or call us on {phone}."
        ),
    ),
}

# Shown in the template preview instead of a real patient's data.
SAMPLE_VALUES = {
    "first_name": "Sam",
    "visit_kind": "treatment",
    "visit_date": "Tuesday 14 April",
    "visit_time": "10:30",
    "injector_name": "your injector",
    "booking_link": "https://example.test/c/your-clinic/book",
    "review_booking_link": "https://example.test/c/your-clinic/book?visit=review",
    "unsubscribe_link": "https://example.test/messages/unsubscribe/sample",
    "manage_link": "https://example.test/c/your-clinic/book/visit/sample",
}
