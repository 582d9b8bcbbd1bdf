"""The manager's calendar pages (clinic hours, closures, settings; an injector's hours and
time off), the week view with its tap-to-book step, and the booking form's slot finder."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from glabella.accounts.models import Membership, Role
from glabella.audit.models import Action, AuditEvent
from glabella.scheduling.models import Closure, InjectorHours, OpeningHours, TimeOff
from glabella.testing import at, client_as, make_appointment

pytestmark = pytest.mark.django_db

PERSONAS = ["director", "injector", "front_desk", "other_director", "no_role", "anonymous"]
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)  # a Wednesday
TODAY = date(2026, 11, 18)
CALENDAR = "/staff/calendar/?clinic=north"
INJECTOR_PAGE = "/staff/calendar/injector/?clinic=north&injector=nurse-ben"
WEEK = "/staff/appointments/week/"


@pytest.fixture(autouse=True)
def frozen(time_machine) -> None:  # type: ignore[no-untyped-def]
    time_machine.move_to(NOW, tick=False)


def _hours(**days: tuple[str, str]) -> dict[str, str]:
    form = {"action": "hours"}
    for day, (opens, closes) in days.items():
        form[f"opens_{day}"], form[f"closes_{day}"] = opens, closes
    return form


# --- who may change the calendar ---------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"), list(zip(PERSONAS, [200, 403, 403, 404, 403, 302], strict=True))
)
def test_only_the_medical_director_opens_the_calendar_pages(request, injector, persona, status):  # type: ignore[no-untyped-def]
    client = client_as(request, persona)

    assert client.get(CALENDAR).status_code == status
    assert client.get(INJECTOR_PAGE).status_code == status
    assert client.post(CALENDAR, _hours(**{"0": ("08:00", "12:00")})).status_code in {
        status,
        302,
    }
    if status != 200:
        assert OpeningHours.objects.count() == 0


def test_the_director_sets_the_week_and_the_assistants_sentence_follows(request, clinic):  # type: ignore[no-untyped-def]
    client = client_as(request, "director")
    form = _hours(
        **dict.fromkeys("0123", ("09:00", "17:00")), **{"4": ("09:00", "13:00"), "5": ("", "")}
    )

    response = client.post(CALENDAR, form)

    assert response.status_code == 302
    week = list(OpeningHours.objects.values_list("weekday", "opens", "closes"))
    assert week == [(d, time(9), time(17)) for d in range(4)] + [(4, time(9), time(13))]
    clinic.refresh_from_db()
    assert clinic.opening_hours == "Monday to Thursday 09:00–17:00, Friday 09:00–13:00"
    assert clinic.answer_variables()["opening_hours"] == clinic.opening_hours
    [event] = AuditEvent.objects.filter(object_type="scheduling.opening_hours")
    assert event.action == Action.CHANGE


def test_a_day_closing_before_it_opens_is_refused_and_nothing_saved(request, clinic):  # type: ignore[no-untyped-def]
    response = client_as(request, "director").post(
        CALENDAR, _hours(**{"0": ("17:00", "09:00"), "1": ("09:00", "")})
    )

    assert response.status_code == 400
    errors = response.context["hours_form"].errors
    assert errors == {
        "closes_0": ["Monday: closing must be after opening."],
        "closes_1": ["Tuesday: give both times, or neither (closed)."],
    }
    assert OpeningHours.objects.count() == 0


def test_settings_closures_injector_hours_and_time_off(request, clinic, injector):  # type: ignore[no-untyped-def]
    client = client_as(request, "director")
    settings = {
        "action": "settings",
        "time_zone": "Europe/London",
        "buffer_minutes": "10",
        "consultation_minutes": "45",
        "treatment_minutes": "30",
        "review_minutes": "15",
        "touch_up_minutes": "20",
    }
    assert client.post(CALENDAR, settings).status_code == 302
    bad = client.post(CALENDAR, {**settings, "time_zone": "Nowhere/Special"})
    assert bad.status_code == 400 and "time_zone" in bad.context["settings_form"].errors
    closure = {"action": "closure", "starts_on": "2026-12-24", "ends_on": "2026-12-26"}
    assert client.post(CALENDAR, {**closure, "reason": "Christmas"}).status_code == 302
    assert client.post(INJECTOR_PAGE, _hours(**{"2": ("12:00", "16:00")})).status_code == 302
    away = {
        "action": "time-off",
        "starts_on": "2026-11-30",
        "starts_time": "09:00",
        "ends_on": "2026-12-01",
        "ends_time": "17:00",
        "reason": "Training",
    }
    assert client.post(INJECTOR_PAGE, away).status_code == 302

    clinic.refresh_from_db()
    assert (clinic.time_zone, clinic.buffer_minutes, clinic.touch_up_minutes) == (
        "Europe/London",
        10,
        20,
    )
    assert Closure.objects.get().reason == "Christmas"
    assert list(InjectorHours.objects.values_list("weekday", "opens")) == [(2, time(12))]
    assert TimeOff.objects.get().starts_at == datetime(2026, 11, 30, 9, tzinfo=UTC)

    removal = {"action": "remove-closure", "remove": str(Closure.objects.get().public_id)}
    assert client.post(CALENDAR, removal).status_code == 302
    assert Closure.objects.count() == 0
    kinds = set(AuditEvent.objects.values_list("object_type", "action"))
    assert ("scheduling.closure", Action.RETIRE) in kinds
    assert ("scheduling.timeoff", Action.CREATE) in kinds


def test_an_unknown_injector_or_another_clinics_row_is_not_found(request, other_clinic):  # type: ignore[no-untyped-def]
    client = client_as(request, "director")
    theirs = Closure.objects.create(
        clinic=other_clinic, starts_on=TODAY, ends_on=TODAY, reason="Theirs"
    )

    assert client.get("/staff/calendar/injector/?clinic=north&injector=dr-dan").status_code == 404
    refused = client.post(CALENDAR, {"action": "remove-closure", "remove": str(theirs.public_id)})
    assert refused.status_code == 404
    assert Closure.objects.count() == 1


# --- the week view ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"), list(zip(PERSONAS, [200, 200, 200, 404, 403, 302], strict=True))
)
def test_who_may_see_the_week(request, injector, persona, status):  # type: ignore[no-untyped-def]
    assert client_as(request, persona).get(f"{WEEK}?clinic=north").status_code == status


def test_an_injectors_week_shows_visits_and_offers_free_times_to_tap(request, dora, injector):  # type: ignore[no-untyped-def]
    make_appointment(dora, at(date(2026, 11, 19), 10), injector=injector)
    client = client_as(request, "front_desk")

    response = client.get(f"{WEEK}?clinic=north&injector=nurse-ben&week=2026-11-19")

    grid = response.context["grid"]
    assert grid.monday == date(2026, 11, 16)
    thursday = {row.at: row.cells[3] for row in grid.rows}
    assert thursday[time(10)].starting[0].patient == dora
    assert thursday[time(10, 15)].during is not None and thursday[time(10, 15)].free == []
    assert thursday[time(10, 30)].free == [injector]
    assert thursday[time(9, 30)].free == [injector]  # ends as the visit starts
    assert thursday[time(9, 45)].free == []  # 30 minutes would run into 10:00
    wednesday = {row.at: row.cells[2] for row in grid.rows}
    assert wednesday[time(9, 45)].free == []  # the past
    assert wednesday[time(10)].free == [injector]
    saturday = grid.rows[0].cells[5]
    assert saturday.closed and saturday.free == []
    page = response.content.decode()
    assert (
        'href="/staff/appointments/new/?clinic=north&amp;kind=treatment&amp;injector=nurse-ben'
        '&amp;date=2026-11-19&amp;time=10:30"'
    ) in page
    [event] = AuditEvent.objects.filter(object_type="scheduling.week")
    assert event.detail == {"week": "2026-11-16", "count": 1, "injector": "nurse-ben"}


def test_an_injectors_grid_greys_the_hours_they_do_not_work(request, clinic, injector):  # type: ignore[no-untyped-def]
    InjectorHours.objects.create(
        clinic=clinic, injector=injector, weekday=3, opens=time(12), closes=time(17)
    )
    response = client_as(request, "front_desk").get(
        f"{WEEK}?clinic=north&injector=nurse-ben&week=2026-11-19"
    )

    thursday = {row.at: row.cells[3] for row in response.context["grid"].rows}
    assert thursday[time(11, 45)].closed and thursday[time(11, 45)].free == []
    assert not thursday[time(12)].closed and thursday[time(12)].free == [injector]


def test_the_clinic_week_counts_the_free_injectors(request, dora, injector, director):  # type: ignore[no-untyped-def]
    response = client_as(request, "front_desk").get(f"{WEEK}?clinic=north&week=2026-11-19")

    thursday = {row.at: row.cells[3] for row in response.context["grid"].rows}
    assert thursday[time(11)].free == [injector]  # the director does not treat
    assert "1 free" in response.content.decode()


def test_tapping_a_free_time_leads_through_the_patient_to_a_prefilled_form(  # type: ignore[no-untyped-def]
    request, dora, injector
):
    client = client_as(request, "front_desk")
    slot = "kind=review&injector=nurse-ben&date=2026-11-19&time=10:30"

    chooser = client.get(f"/staff/appointments/new/?clinic=north&{slot}&q=dora")
    query = slot.replace("&", "&amp;").replace(":", "%3A")
    link = f"/staff/patients/{dora.public_id}/appointments/new/?{query}"
    assert link in chooser.content.decode()
    form = client.get(f"/staff/patients/{dora.public_id}/appointments/new/?{slot}").context["form"]

    assert form.initial == {
        "kind": "review",
        "injector": "nurse-ben",
        "date": date(2026, 11, 19),
        "time": time(10, 30),
        "duration_minutes": 15,
    }


# --- the slot finder -------------------------------------------------------------------------


def test_the_slot_finder_lists_free_times_as_links_that_fill_the_form(request, dora, injector):  # type: ignore[no-untyped-def]
    make_appointment(dora, at(date(2026, 11, 19), 9), injector=injector)
    client = client_as(request, "front_desk")
    url = f"/staff/patients/{dora.public_id}/appointments/free-times/"
    query = {"kind": "treatment", "injector": "nurse-ben", "date": "2026-11-19"}

    fragment = client.get(url, query, HTTP_HX_REQUEST="true")

    assert fragment.status_code == 200
    [first, *_] = fragment.context["days"]
    [(user, starts)] = first.injectors
    assert user == injector
    assert [s.time() for s in starts[:2]] == [time(9, 30), time(9, 45)]
    html = fragment.content.decode()
    assert "<html" not in html
    assert "date=2026-11-19&amp;time=09:30" in html
    bad = client.get(url, {**query, "duration_minutes": "999"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 200
    assert "An appointment lasts from 5 to 240 minutes." in bad.content.decode()
    assert client.get(url, query).status_code == 200  # without HTMX: a page


def test_the_navigation_links_to_the_calendar_for_directors_only(request, director):  # type: ignore[no-untyped-def]
    link = '<a href="/staff/calendar/">Calendar</a>'
    assert link in client_as(request, "director").get("/staff/").content.decode()
    assert link not in client_as(request, "front_desk").get("/staff/").content.decode()


def test_a_director_of_two_clinics_chooses_one_first(request, director, other_clinic):  # type: ignore[no-untyped-def]
    Membership.objects.create(user=director, clinic=other_clinic, role=Role.MEDICAL_DIRECTOR)
    page = client_as(request, "director").get("/staff/calendar/")

    assert page.status_code == 200
    assert 'href="?clinic=south"' in page.content.decode()
