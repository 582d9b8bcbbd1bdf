"""The patient's signed link: see, cancel (inside or outside the clinic's window), move
(the old visit kept, cancelled, the move recorded), and links that are forged, altered,
expired or for another clinic."""

from __future__ import annotations

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail, signing

from glabella.audit.models import Action, AuditEvent
from glabella.booking import links
from glabella.booking.models import BookingSettings, OnlineBooking, Reschedule
from glabella.messaging.models import Outbox
from glabella.messaging.services import enqueue_booking_confirmation
from glabella.scheduling.models import Appointment, AppointmentStatus
from glabella.scheduling.services import book_appointment
from glabella.testing import make_appointment

from .conftest import at, booking_day, form, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(client, clinic, injector) -> Appointment:  # type: ignore[no-untyped-def]
    assert post(client, clinic, form(at(booking_day(), 10))).status_code == 302
    return OnlineBooking.objects.get().appointment


def manage(appointment: Appointment) -> str:
    return links.manage_path(appointment)


def test_the_link_shows_the_visit_and_audits_the_read(client, booked):
    page = client.get(manage(booked))

    assert page.status_code == 200
    assert "X-Frame-Options" not in page
    assert b"Consultation (first visit)" in page.content and b"10:00" in page.content
    read = AuditEvent.objects.filter(action=Action.VIEW, object_id=str(booked.public_id))
    assert [(e.actor_label, e.patient_id) for e in read] == [
        ("anonymous", booked.patient.public_id)
    ]


def test_cancelling_outside_the_window_cancels(client, booked):
    response = client.post(manage(booked) + "/cancel")

    assert response.status_code == 200
    assert b"Your visit is cancelled" in response.content
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CANCELLED


def test_cancelling_inside_the_window_is_refused_and_changes_nothing(client, clinic, booked):
    window = booked.starts_at - booked.created_at + timedelta(hours=1)
    BookingSettings.objects.filter(clinic=clinic).update(
        cancellation_hours=int(window.total_seconds() // 3600) + 1
    )

    response = client.post(manage(booked) + "/cancel")

    assert response.status_code == 409
    assert b"Please call us on (555) 010-0100" in response.content
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.BOOKED
    assert b"Cancel this visit" not in client.get(manage(booked)).content


def test_moving_keeps_the_old_visit_and_records_the_move(client, booked):
    new_time = at(booking_day(), 14, 30)
    page = client.get(manage(booked) + "?move=1")
    assert page.status_code == 200 and new_time.isoformat().encode() in page.content

    response = client.post(manage(booked) + "/move", {"at": new_time.isoformat()})

    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CANCELLED  # kept as it was, cancelled
    moved = Reschedule.objects.get(old=booked).new
    assert (moved.starts_at, moved.status, moved.patient, moved.injector) == (
        new_time,
        AppointmentStatus.BOOKED,
        booked.patient,
        booked.injector,
    )
    assert AuditEvent.objects.filter(
        object_id=str(moved.public_id), detail__moved_from=str(booked.public_id)
    ).exists()
    old_link = client.get(manage(booked))  # the first link leads to the visit as it is now
    assert b"14:30" in old_link.content


def test_moving_to_a_time_just_taken_offers_the_nearest_and_keeps_the_visit(
    client, booked, alice, injector
):
    taken = at(booking_day(), 14)
    make_appointment(alice, taken, injector=injector, kind="consultation")

    response = client.post(manage(booked) + "/move", {"at": taken.isoformat()})

    assert response.status_code == 409
    assert at(booking_day(), 14, 30).isoformat().encode() in response.content
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.BOOKED
    assert not Reschedule.objects.exists()


def test_moving_to_nonsense_is_a_clear_refusal(client, booked):
    response = client.post(manage(booked) + "/move", {"at": "soon"})
    assert response.status_code == 400
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.BOOKED


def test_the_calendar_file_names_the_visit(client, booked):
    response = client.get(manage(booked) + "/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    assert f"UID:{booked.public_id}@glabella".encode() in response.content


def test_an_altered_link_is_refused_and_changes_nothing(client, booked):
    token = links.manage_token(booked)
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    url = f"/c/{booked.clinic.slug}/book/visit/{altered}"

    assert client.get(url).status_code == 404
    assert client.post(url + "/cancel").status_code == 404
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.BOOKED


def test_a_link_signed_for_something_else_is_refused(client, booked):
    other = signing.dumps({"a": str(booked.public_id)}, salt="glabella.messaging.unsubscribe")
    assert client.get(f"/c/{booked.clinic.slug}/book/visit/{other}").status_code == 404


def test_an_expired_link_is_refused_and_changes_nothing(client, booked):
    token = links.manage_token(booked)
    later = time.time() + links.MANAGE_MAX_AGE.total_seconds() + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        page = client.get(links.manage_path(booked).rsplit("/", 1)[0] + f"/{token}")
        cancel = client.post(f"/c/{booked.clinic.slug}/book/visit/{token}/cancel")

    assert page.status_code == cancel.status_code == 410
    assert b"This link has expired" in page.content
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.BOOKED


def test_a_link_used_at_another_clinic_is_refused(client, booked, other_clinic):
    token = links.manage_token(booked)
    assert client.get(f"/c/{other_clinic.slug}/book/visit/{token}").status_code == 404
    assert client.post(f"/c/{other_clinic.slug}/book/visit/{token}/cancel").status_code == 404
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.BOOKED


def test_a_visit_booked_by_the_front_desk_is_confirmed_with_a_working_link(
    client, clinic, injector, alice, no_quiet_hours, django_capture_on_commit_callbacks
):
    starts = at(booking_day(), 11)
    visit = book_appointment(
        alice, {"kind": "treatment", "starts_at": starts, "injector": injector}, by=injector
    )
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_booking_confirmation(visit)

    assert mail.outbox == []  # alice prefers text messages
    sent = Outbox.objects.get(patient=alice)
    assert (sent.status, sent.channel) == ("sent", "sms")
    path = sent.body.split("http://testserver", 1)[1].split()[0]
    assert client.get(path).status_code == 200
    assert client.post(path + "/cancel").status_code == 200
    visit.refresh_from_db()
    assert visit.status == AppointmentStatus.CANCELLED


def test_a_booking_held_for_the_front_desk_can_be_cancelled_by_its_link(client, clinic, injector):
    BookingSettings.objects.create(clinic=clinic, hold_for_front_desk=True)
    assert post(client, clinic, form(at(booking_day(), 10))).status_code == 302
    held = OnlineBooking.objects.get().appointment
    assert b"Waiting for the clinic to confirm" in client.get(manage(held)).content

    assert client.post(manage(held) + "/cancel").status_code == 200
    held.refresh_from_db()
    assert held.status == AppointmentStatus.CANCELLED
