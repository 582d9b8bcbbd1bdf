"""The director's online booking settings page."""

from __future__ import annotations

import pytest

from glabella.audit.models import Action, AuditEvent
from glabella.booking.models import BookingSettings
from glabella.testing import client_as

pytestmark = pytest.mark.django_db

URL = "/staff/booking/settings/"
CHANGED = {
    "enabled": "on",
    "hold_for_front_desk": "on",
    "cancellation_hours": "24",
    "consultation_valid_days": "180",
    "days_ahead": "30",
}


def test_the_director_changes_the_settings_and_it_is_audited(request, clinic, director):
    client = client_as(request, "director")
    page = client.get(URL)
    assert page.status_code == 200
    assert b"/c/north/book" in page.content and b"book/embed.js" in page.content

    response = client.post(URL, CHANGED)

    assert response.status_code == 302
    row = BookingSettings.objects.get(clinic=clinic)
    assert (row.hold_for_front_desk, row.cancellation_hours, row.consultation_valid_days) == (
        True,
        24,
        180,
    )
    event = AuditEvent.objects.get(action=Action.CHANGE, object_type="booking.bookingsettings")
    assert (event.actor, event.detail["cancellation_hours"]) == (director, 24)


def test_a_bad_value_is_refused_and_changes_nothing(request, clinic, director):
    response = client_as(request, "director").post(URL, CHANGED | {"days_ahead": "0"})
    assert response.status_code == 400
    assert not BookingSettings.objects.filter(clinic=clinic, days_ahead=0).exists()


@pytest.mark.parametrize("persona", ["injector", "front_desk"])
def test_other_roles_may_not_change_them(request, clinic, persona):
    client = client_as(request, persona)
    assert client.get(URL).status_code == 403
    assert client.post(URL, CHANGED).status_code == 403
    assert not BookingSettings.objects.filter(clinic=clinic, hold_for_front_desk=True).exists()
