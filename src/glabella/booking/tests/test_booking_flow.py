"""Booking on the public page with the Django test client: a new patient, a matched one, an
uncertain match held for the front desk, a double submit, a slot taken meanwhile, what may be
booked, and the clinic's choice to hold every booking."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote_plus

import pytest
from django.core import mail

from glabella.audit.models import Action, AuditEvent
from glabella.booking.links import appointment_id_from
from glabella.booking.models import BookingSettings, BookingStatus, MatchedAs, OnlineBooking
from glabella.messaging.models import MessageKind, MessagingPreference, Outbox
from glabella.patients.models import DuplicateFlag, Patient
from glabella.scheduling.models import Appointment, AppointmentStatus
from glabella.testing import make_appointment
from glabella.treatments import services as treatments

from .conftest import at, book_url, booking_day, form, post, ref_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _messages_any_time(no_quiet_hours):  # type: ignore[no-untyped-def]
    """The confirmation goes as soon as the booking commits, whatever the time of day."""


def test_the_page_walks_from_what_to_when_to_details(client, clinic, injector):
    page = client.get(book_url(clinic))
    assert page.status_code == 200
    assert "X-Frame-Options" not in page  # embeddable on the clinic's own site
    assert b"Consultation (first visit)" in page.content
    assert b"Two-week review" not in page.content  # only from the review link

    day = booking_day()
    times = client.get(book_url(clinic), {"what": "consultation", "who": "any", "from": day})
    assert times.status_code == 200
    start = at(day, 9).isoformat()
    assert quote_plus(start) in times.content.decode()

    details = client.get(book_url(clinic), {"what": "consultation", "who": "any", "at": start})
    assert details.status_code == 200
    assert b"Date of birth" in details.content and b'name="key"' in details.content


def test_a_new_patient_books_and_gets_a_confirmation_with_a_calendar_file(
    client, clinic, injector, django_capture_on_commit_callbacks
):
    starts = at(booking_day(), 10)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, clinic, form(starts))

    assert response.status_code == 302
    booking = OnlineBooking.objects.get()
    patient = booking.patient
    assert (patient.first_name, patient.last_name, patient.email) == (
        "Nora",
        "Newpatient",
        "nora@example.test",
    )
    assert (booking.matched_as, booking.status) == (MatchedAs.NONE, BookingStatus.CONFIRMED)
    appointment = booking.appointment
    assert (appointment.status, appointment.starts_at, appointment.injector) == (
        AppointmentStatus.BOOKED,
        starts,
        injector,
    )
    assert MessagingPreference.objects.get(patient=patient).consent is True
    outbox = Outbox.objects.get(patient=patient)
    assert outbox.kind == MessageKind.BOOKING_CONFIRMATION
    [email] = mail.outbox
    assert email.to == ["nora@example.test"]
    assert email.attachments[0][0] == "appointment.ics"
    assert "/c/north/book/visit/" in email.body  # the link to move or cancel it
    page = client.get(response["Location"])
    assert b"You are booked" in page.content
    events = AuditEvent.objects.filter(patient_id=patient.public_id)
    assert {e.actor_label for e in events} == {"anonymous"}
    assert {"booking.onlinebooking", "scheduling.appointment", "patients.patient"} <= {
        e.object_type for e in events
    }


def test_a_known_patient_is_matched_not_registered_again(client, clinic, injector, alice):
    data = form(
        at(booking_day(), 11),
        first_name="ALICE",
        last_name="testpatient",
        date_of_birth="1985-06-15",
        phone="555 010 1234",
        email="",
        channel="sms",
    )
    response = post(client, clinic, data)

    assert response.status_code == 302
    booking = OnlineBooking.objects.get()
    assert (booking.patient, booking.matched_as) == (alice, MatchedAs.EXACT)
    assert Patient.objects.count() == 1
    assert booking.appointment.patient == alice


def test_an_uncertain_match_is_held_for_the_front_desk_never_a_silent_second_record(
    client, clinic, injector, alice
):
    data = form(
        at(booking_day(), 11),
        first_name="Alice",
        last_name="Testpatient",
        date_of_birth="1985-06-15",
        phone="555 010 9999",
        email="other@example.test",
    )
    response = post(client, clinic, data)

    assert response.status_code == 302
    booking = OnlineBooking.objects.get()
    assert (booking.matched_as, booking.status) == (MatchedAs.UNCERTAIN, BookingStatus.HELD)
    assert booking.patient != alice
    flag = DuplicateFlag.objects.get()
    assert (flag.patient, flag.candidate, flag.source) == (booking.patient, alice, "online")
    assert booking.appointment.status == AppointmentStatus.PROPOSED  # the desk confirms it
    assert not Outbox.objects.exists()
    assert b"Request received" in client.get(response["Location"]).content


def test_a_double_submit_returns_the_first_booking(client, clinic, injector):
    data = form(at(booking_day(), 12))
    first = post(client, clinic, data)
    second = post(client, clinic, data)

    assert first.status_code == second.status_code == 302
    # Both go to the same visit's page (each link is signed afresh, with its own timestamp).
    visits = [r["Location"].split("?")[0].rsplit("/", 1) for r in (first, second)]
    assert visits[0][0] == visits[1][0] == f"{book_url(clinic)}/visit"
    assert appointment_id_from(visits[0][1]) == appointment_id_from(visits[1][1])
    assert OnlineBooking.objects.count() == Appointment.objects.count() == 1
    assert Patient.objects.count() == 1


def test_a_time_taken_meanwhile_offers_the_nearest_free_times(client, clinic, injector, alice):
    starts = at(booking_day(), 10)
    make_appointment(alice, starts, injector=injector, kind="consultation")

    response = post(client, clinic, form(starts))

    assert response.status_code == 409
    text = response.content.decode()
    assert "That time was just taken" in text
    assert at(booking_day(), 10, 30).isoformat() in text  # right after the taken one
    assert not OnlineBooking.objects.exists()
    assert Patient.objects.count() == 1  # the registration went back with the booking


def test_the_other_injector_takes_a_time_one_of_them_has_taken(
    client, clinic, injector, second_injector, alice
):
    starts = at(booking_day(), 10)
    make_appointment(alice, starts, injector=injector, kind="consultation")

    response = post(client, clinic, form(starts))

    assert response.status_code == 302
    assert OnlineBooking.objects.get().appointment.injector == second_injector
    chosen = post(client, clinic, form(starts, who=ref_of(injector, clinic)))
    assert chosen.status_code == 409


def test_a_new_patient_cannot_book_a_treatment(client, clinic, injector):
    response = post(client, clinic, form(at(booking_day(), 10), what="treatment"))

    assert response.status_code == 409
    assert b"start with a consultation" in response.content
    assert not Appointment.objects.exists()


def test_a_treatment_needs_a_consultation_within_the_clinics_validity(
    client, clinic, injector, dora
):
    details = {
        "what": "treatment",
        "first_name": "Dora",
        "last_name": "Plain",
        "date_of_birth": "1988-04-04",
        "phone": "",
        "email": "dora@example.test",
    }
    dora.email = "dora@example.test"
    dora.save()
    refused = post(client, clinic, form(at(booking_day(), 10), **details))
    assert refused.status_code == 409
    assert b"after a consultation in the last 365 days" in refused.content
    assert AuditEvent.objects.filter(
        patient_id=dora.public_id, action=Action.VIEW, detail__online_booking="refused"
    ).exists()

    treatments.record_consultation(dora, {}, by=injector)
    booked = post(client, clinic, form(at(booking_day(), 10), **details))
    assert booked.status_code == 302
    assert OnlineBooking.objects.get().appointment.kind == "treatment"

    settings = BookingSettings.objects.get(clinic=clinic)
    consultation = dora.consultations.get()
    consultation.held_on -= timedelta(days=settings.consultation_valid_days + 1)
    consultation.save()
    again = post(client, clinic, form(at(booking_day(), 11), **details))
    assert again.status_code == 409


def test_a_review_is_offered_by_the_review_link_and_follows_the_treatment(
    client, clinic, injector, dora
):
    from glabella.testing import signed_botox

    treatment = signed_botox(dora, by=injector)
    proposed = Appointment.objects.get(follows=treatment, kind="review")
    page = client.get(book_url(clinic), {"visit": "review"})
    assert b"Two-week review" in page.content and b"Consultation" not in page.content

    data = form(
        at(booking_day(), 15),
        what="review",
        visit="review",
        first_name="Dora",
        last_name="Plain",
        date_of_birth="1988-04-04",
        phone="",
        email="",
        consent=None,
    )
    no_contact = post(client, clinic, data)
    assert no_contact.status_code == 400  # a phone or an email is needed
    dora.phone = "555 010 4444"
    dora.save()
    response = post(client, clinic, data | {"phone": "555-010-4444"})

    assert response.status_code == 302
    review = OnlineBooking.objects.get().appointment
    assert (review.kind, review.follows) == ("review", treatment)
    proposed.refresh_from_db()
    assert proposed.status == AppointmentStatus.CANCELLED  # the system's proposal gave way


def test_a_review_cannot_be_booked_without_the_review_link(client, clinic, injector):
    response = post(client, clinic, form(at(booking_day(), 10), what="review"))
    assert response.status_code == 400
    assert not Appointment.objects.exists()


def test_a_clinic_that_holds_online_bookings_gets_them_to_confirm(client, clinic, injector):
    BookingSettings.objects.create(clinic=clinic, hold_for_front_desk=True)

    response = post(client, clinic, form(at(booking_day(), 10)))

    assert response.status_code == 302
    booking = OnlineBooking.objects.get()
    assert (booking.status, booking.appointment.status) == (
        BookingStatus.HELD,
        AppointmentStatus.PROPOSED,
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("at", "tomorrow at ten"),
        ("at", "2020-01-01T10:00:00+00:00"),
        ("who", "not-an-injector"),
        ("what", "surgery"),
        ("date_of_birth", "2999-01-01"),
        ("phone", "12"),
        ("key", "not-a-uuid"),
    ],
)
def test_bad_input_is_refused_clearly_and_books_nothing(client, clinic, injector, field, value):
    response = post(client, clinic, form(at(booking_day(), 10), **{field: value}))
    assert response.status_code == 400
    assert not Appointment.objects.exists() and not Patient.objects.exists()


def test_a_time_never_offered_is_refused_with_the_nearest_free_times(client, clinic, injector):
    response = post(client, clinic, form(at(booking_day(), 3)))  # the clinic opens at 09:00
    assert response.status_code == 409
    assert at(booking_day(), 9).isoformat().encode() in response.content
    assert not Appointment.objects.exists()


def test_an_unknown_clinic_is_404(client, db):
    assert client.get("/c/nowhere/book").status_code == 404


def test_the_embed_script_frames_the_clinics_page(client):
    script = client.get("/book/embed.js")
    assert script.status_code == 200
    assert b'/c/" + encodeURIComponent(slug) + "/book"' in script.content


def test_an_address_sending_too_many_forms_is_asked_to_call(client, clinic, injector, settings):
    from django.core.cache import cache

    cache.clear()
    settings.BOOKING_SUBMITS_PER_HOUR = 2
    for hour in (10, 11):
        assert post(client, clinic, form(at(booking_day(), hour))).status_code == 302

    third = post(client, clinic, form(at(booking_day(), 12)))

    assert third.status_code == 429
    assert b"please call us on (555) 010-0100" in third.content
    assert Appointment.objects.count() == 2


def test_times_are_offered_and_booked_on_the_clinics_clocks(client, clinic, injector):
    clinic.time_zone = "America/New_York"
    clinic.save()
    day = booking_day()
    nine = at(day, 9, clinic=clinic)  # 14:00 UTC in winter, 13:00 in summer

    times = client.get(book_url(clinic), {"what": "consultation", "who": "any", "from": day})
    assert quote_plus(nine.isoformat()) in times.content.decode()
    assert ">09:00<" in times.content.decode()

    response = post(client, clinic, form(nine))

    assert response.status_code == 302
    assert OnlineBooking.objects.get().appointment.starts_at == nine
    assert b"at 09:00" in client.get(response["Location"]).content
