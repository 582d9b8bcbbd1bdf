"""The chair-side treatment record pages through HTTP: who may do what, the face chart's
actions, signing, amending, and the audit events each leaves."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from glabella.accounts.models import Role
from glabella.audit.models import Action, AuditEvent
from glabella.scheduling.models import Appointment
from glabella.testing import GLABELLAR_SITES, chart_glabellar, make_staff, signed_botox
from glabella.treatments import services
from glabella.treatments.models import Amendment, InjectionSite, TreatmentRecord, VialUse

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
LOGIN = "login"  # expected: sent to the sign-in page
PERSONAS = ["director", "injector", "front_desk", "other_director", "no_role", "anonymous"]


def url(name: str, **kwargs: Any) -> str:
    return reverse(f"treatments:{name}", kwargs=kwargs)


def record_url(record: TreatmentRecord, name: str = "record", **kwargs: Any) -> str:
    return url(name, treatment_id=record.public_id, **kwargs)


def later(days: int = 200) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


@pytest.fixture
def draft(carol, injector) -> TreatmentRecord:
    return services.start_treatment(carol, {"product": "botox"}, by=injector)


@pytest.fixture
def ready(draft, injector) -> TreatmentRecord:
    """A draft with everything a signature needs."""
    services.add_vial(draft, "C1234", timezone.localdate() + timedelta(days=200), by=injector)
    chart_glabellar(draft, by=injector)
    services.update_treatment(draft, {"aftercare_given": True}, by=injector)
    return draft


@pytest.fixture
def signed(ready, injector) -> TreatmentRecord:
    return services.sign_treatment(ready, by=injector)


def login(client: Client, request: pytest.FixtureRequest, persona: str) -> None:
    user = request.getfixturevalue(persona)
    if user is not None:
        client.force_login(user)


def snapshot(record: TreatmentRecord) -> tuple:  # type: ignore[type-arg]
    """Everything a request could change on the record."""
    record = TreatmentRecord.objects.get(pk=record.pk)
    return (
        record.status,
        record.aftercare_given,
        record.notes,
        tuple(record.sites.values_list("area", "side", "x", "y", "units")),
        tuple(record.vials.values_list("lot_number", "expires_on")),
        tuple(record.amendments.values_list("reason", "text")),
        Appointment.objects.filter(follows=record).count(),
        AuditEvent.objects.exclude(action=Action.SIGN_IN).count(),
    )


def changes(record: TreatmentRecord) -> list[dict]:  # type: ignore[type-arg]
    return list(
        AuditEvent.objects.filter(
            object_id=str(record.public_id), action=Action.CHANGE
        ).values_list("detail", flat=True)
    )


def sites_of(record: TreatmentRecord) -> list[tuple[str, str, Decimal, Decimal, Decimal]]:
    return list(record.sites.values_list("area", "side", "x", "y", "units"))


# --- permission matrix -----------------------------------------------------------------------

OPEN_TO_CLINICIANS = {
    "director": 200,
    "injector": 200,
    "front_desk": 403,
    "other_director": 404,
    "no_role": 404,
    "anonymous": LOGIN,
}


def assert_status(response: Any, expected: int | str) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_open_the_new_treatment_form(client, request, persona, carol) -> None:
    login(client, request, persona)
    response = client.get(url("record-new", patient_id=carol.public_id))
    assert_status(response, OPEN_TO_CLINICIANS[persona])


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_start_a_treatment(client, request, persona, carol) -> None:
    login(client, request, persona)
    response = client.post(
        url("record-new", patient_id=carol.public_id),
        {"product": "botox", "treated_on": timezone.localdate().isoformat()},
    )
    allowed = OPEN_TO_CLINICIANS[persona] == 200
    assert_status(response, 302 if allowed else OPEN_TO_CLINICIANS[persona])
    assert TreatmentRecord.objects.count() == (1 if allowed else 0)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("state", ["draft", "signed"])
def test_who_may_view_a_record(client, request, persona, state) -> None:
    record = request.getfixturevalue(state)
    login(client, request, persona)
    views_before = AuditEvent.objects.filter(action=Action.VIEW).count()
    response = client.get(record_url(record))
    expected = OPEN_TO_CLINICIANS[persona]
    assert_status(response, expected)
    views = AuditEvent.objects.filter(action=Action.VIEW).count() - views_before
    assert views == (1 if expected == 200 else 0)
    if expected != 200:
        assert b"Carol" not in response.content


# Each action with a request that succeeds for a role that may do it.
ACTIONS = [
    ("record-site-add", {}, {"x": "50", "y": "33", "units": "4"}, "draft"),
    ("record-site-units", {"site": True}, {"units": "5"}, "ready"),
    ("record-site-remove", {"site": True}, {}, "ready"),
    ("record-mirror", {}, {}, "lateral"),
    ("record-repeat", {}, {}, "repeatable"),
    ("record-vial-add", {}, {"lot_number": "L9", "expires_on": later()}, "draft"),
    ("record-vial-remove", {"vial": True}, {}, "ready"),
    ("record-details", {}, {"notes": "Tolerated well.", "aftercare_given": "on"}, "draft"),
    ("record-amend", {}, {"reason": "Typo", "text": "Lot read C1243."}, "signed"),
]
WRITE_EXPECTED = {
    "director": 302,
    "injector": 302,
    "front_desk": 403,
    "other_director": 404,
    "no_role": 404,
    "anonymous": LOGIN,
}


@pytest.fixture
def lateral(draft, injector) -> TreatmentRecord:
    services.add_site(draft, {"x": 17, "y": 40, "units": 4}, by=injector)
    return draft


@pytest.fixture
def repeatable(carol, injector) -> TreatmentRecord:
    signed_botox(carol, by=injector, days_ago=120)
    return services.start_treatment(carol, {"product": "botox"}, by=injector)


def action_url(record: TreatmentRecord, name: str, ids: dict) -> str:  # type: ignore[type-arg]
    kwargs = {}
    if ids.get("site"):
        kwargs["site_id"] = record.sites.first().public_id
    if ids.get("vial"):
        kwargs["vial_id"] = record.vials.first().public_id
    return record_url(record, name, **kwargs)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "ids", "data", "state"), ACTIONS)
def test_who_may_change_a_record(client, request, persona, name, ids, data, state) -> None:
    record = request.getfixturevalue(state)
    before = snapshot(record)
    login(client, request, persona)
    response = client.post(action_url(record, name, ids), data)
    expected = WRITE_EXPECTED[persona]
    assert_status(response, expected)
    if expected == 302:
        assert response["Location"].startswith(record_url(record))
        assert snapshot(record) != before
    else:
        assert snapshot(record) == before


SIGN_EXPECTED = {
    "director": 403,
    "injector": 302,
    "front_desk": 403,
    "other_director": 404,
    "no_role": 404,
    "anonymous": LOGIN,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_injector_may_sign(client, request, persona, ready) -> None:
    before = snapshot(ready)
    login(client, request, persona)
    response = client.post(record_url(ready, "record-sign"))
    assert_status(response, SIGN_EXPECTED[persona])
    ready.refresh_from_db()
    assert ready.is_signed == (persona == "injector")
    if persona != "injector":
        assert snapshot(ready) == before


def test_another_injector_of_the_clinic_cannot_sign_it(client, ready, clinic):
    colleague = make_staff("nurse-eve", clinic, Role.INJECTOR)
    before = snapshot(ready)
    client.force_login(colleague)

    response = client.post(record_url(ready, "record-sign"))

    assert response.status_code == 400
    assert "Only the injector who gave the treatment signs its record." in response.content.decode()
    assert snapshot(ready) == before


# --- starting a record ----------------------------------------------------------------------


def test_the_new_form_offers_today_and_the_label_dilutions(client, injector, carol) -> None:
    client.force_login(injector)
    page = client.get(url("record-new", patient_id=carol.public_id)).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in page
    assert "Botox Cosmetic" in page
    assert "100 U" in page and "2.5 mL" in page and "4 U per 0.1 mL" in page


def test_starting_makes_a_draft_at_the_label_dilution(client, injector, carol) -> None:
    client.force_login(injector)
    response = client.post(
        url("record-new", patient_id=carol.public_id),
        {"product": "botox", "treated_on": timezone.localdate().isoformat()},
    )
    record = TreatmentRecord.objects.get()
    assert response["Location"] == record_url(record)
    assert (record.product, record.vial_units, record.diluent_ml, record.status) == (
        "botox",
        100,
        Decimal("2.50"),
        "draft",
    )
    assert record.injector == injector
    assert list(
        AuditEvent.objects.filter(object_id=str(record.public_id)).values_list(
            "action", "actor_label", "detail"
        )
    ) == [("create", "nurse-ben", {"product": "botox"})]


def test_a_screening_block_is_a_field_error_with_the_reason(client, injector, alice) -> None:
    client.force_login(injector)
    response = client.post(
        url("record-new", patient_id=alice.public_id),
        {"product": "dysport", "treated_on": timezone.localdate().isoformat()},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Screening says do not treat with Dysport" in page
    assert "milk" in page
    assert TreatmentRecord.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"product": "", "treated_on": "2024-01-01"}, "This field is required."),
        ({"product": "nope", "treated_on": "2024-01-01"}, "Select a valid choice."),
        ({"product": "botox", "treated_on": later(3)}, "is in the future"),
        ({"product": "botox", "treated_on": "2024-01-01", "vial_units": "77"}, "77"),
    ],
)
def test_bad_starts_are_refused_with_field_errors(client, injector, carol, data, field_message):
    client.force_login(injector)
    response = client.post(url("record-new", patient_id=carol.public_id), data)
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert TreatmentRecord.objects.count() == 0


# --- the face chart -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "y", "area", "side"),
    [
        ("50", "33", "glabellar", "centre"),
        ("17.5", "40", "lateral_canthal", "right"),
        ("83", "40", "lateral_canthal", "left"),
        ("30", "27", "brow_lift", "right"),
        ("50", "15", "forehead", "centre"),
        ("80", "66", "masseter", "left"),
    ],
)
def test_a_tap_lands_in_the_area_and_side_under_it(client, injector, draft, x, y, area, side):
    client.force_login(injector)
    response = client.post(record_url(draft, "record-site-add"), {"x": x, "y": y, "units": "4"})
    assert response.status_code == 302
    assert sites_of(draft) == [(area, side, Decimal(x), Decimal(y), Decimal("4"))]


def test_a_tap_outside_every_area_is_refused(client, injector, draft) -> None:
    client.force_login(injector)
    response = client.post(
        record_url(draft, "record-site-add"), {"x": "2", "y": "60", "units": "4"}
    )
    assert response.status_code == 400
    assert "That point is outside the chart&#x27;s areas" in response.content.decode()
    assert sites_of(draft) == []


def test_an_area_can_be_chosen_without_tapping(client, injector, draft) -> None:
    client.force_login(injector)
    client.post(record_url(draft, "record-site-add"), {"region": "0", "units": "4"})
    assert sites_of(draft) == [
        ("glabellar", "centre", Decimal("50"), Decimal("32.5"), Decimal("4"))
    ]


@pytest.mark.parametrize(
    ("units", "message"),
    [
        ("0", "Units at a site must be more than zero."),
        ("-4", "Units at a site must be more than zero."),
        ("10000", "10000 U at one site is more than a whole 100 U vial."),
        ("abc", "&#x27;abc&#x27; is not a number."),
        ("", "This field is required."),
    ],
)
def test_bad_units_are_field_errors_and_save_nothing(client, injector, draft, units, message):
    client.force_login(injector)
    before = snapshot(draft)

    page = client.post(record_url(draft, "record-site-add"), {"x": "50", "y": "33", "units": units})
    partial = client.post(
        record_url(draft, "record-site-add"), {"x": "50", "y": "33", "units": units}, **HTMX
    )

    assert page.status_code == 400
    assert message in page.content.decode()
    assert partial.status_code == 200
    assert message in partial.content.decode()
    assert snapshot(draft) == before


@pytest.mark.parametrize("units", ["0", "-4", "10000", "abc"])
def test_bad_units_for_a_charted_site_change_nothing(client, injector, ready, units) -> None:
    client.force_login(injector)
    site = ready.sites.first()
    before = snapshot(ready)
    response = client.post(
        record_url(ready, "record-site-units", site_id=site.public_id), {"units": units}
    )
    assert response.status_code == 400
    assert snapshot(ready) == before


def test_totals_per_area_and_overall_with_volume(client, injector, draft) -> None:
    client.force_login(injector)
    for x, y in GLABELLAR_SITES:
        client.post(record_url(draft, "record-site-add"), {"x": x, "y": y, "units": "4"})
    client.post(record_url(draft, "record-site-add"), {"x": "17", "y": "40", "units": "2.5"})

    page = client.get(record_url(draft)).content.decode()

    assert (
        '<th scope="row">Glabellar lines</th><td class="num">5</td>'
        '<td class="num">20 U</td><td class="num">0.5 mL</td>' in page
    )
    assert (
        '<th scope="row">Lateral canthal lines</th><td class="num">1</td>'
        '<td class="num">2.5 U</td><td class="num">0.062 mL</td>' in page
    )
    assert '<td class="num" data-total-units>22.5 U</td><td class="num">0.562 mL</td>' in page


def test_an_htmx_tap_answers_with_the_chart_and_the_signing_panel(client, injector, draft):
    client.force_login(injector)
    response = client.post(
        record_url(draft, "record-site-add"), {"x": "50", "y": "33", "units": "4"}, **HTMX
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert page.lstrip().startswith('<div id="record-workspace"')
    assert 'id="record-check"' in page and 'hx-swap-oob="true"' in page
    assert '<text x="50.00" y="33.00" dy="0.7">4</text>' in page
    assert 'data-units-preset="4" aria-pressed="true"' in page  # the units stay chosen


def test_selecting_a_site_then_changing_and_removing_it(client, injector, draft) -> None:
    client.force_login(injector)
    site = services.add_site(draft, {"x": 50, "y": 33, "units": 4}, by=injector)

    panel = client.get(record_url(draft), {"site": str(site.public_id)}, **HTMX).content.decode()
    client.post(record_url(draft, "record-site-units", site_id=site.public_id), {"units": "6"})
    changed = sites_of(draft)
    client.post(record_url(draft, "record-site-remove", site_id=site.public_id))

    assert "Selected: Glabellar lines, Midline, 4 U" in panel
    assert changed == [("glabellar", "centre", Decimal("50"), Decimal("33"), Decimal("6"))]
    assert sites_of(draft) == []


def test_mirror_copies_each_side_onto_the_empty_one(client, injector, draft) -> None:
    client.force_login(injector)
    for x, y in (("17", "40"), ("20", "44")):
        client.post(record_url(draft, "record-site-add"), {"x": x, "y": y, "units": "4"})
    client.post(record_url(draft, "record-site-add"), {"x": "50", "y": "33", "units": "4"})

    client.post(record_url(draft, "record-mirror"))

    assert sorted(sites_of(draft)) == [
        ("glabellar", "centre", Decimal("50"), Decimal("33"), Decimal("4")),
        ("lateral_canthal", "left", Decimal("80"), Decimal("44"), Decimal("4")),
        ("lateral_canthal", "left", Decimal("83"), Decimal("40"), Decimal("4")),
        ("lateral_canthal", "right", Decimal("17"), Decimal("40"), Decimal("4")),
        ("lateral_canthal", "right", Decimal("20"), Decimal("44"), Decimal("4")),
    ]


def test_repeat_last_treatment_starts_from_the_last_sites(client, injector, repeatable) -> None:
    client.force_login(injector)
    page = client.get(record_url(repeatable)).content.decode()

    client.post(record_url(repeatable, "record-repeat"))

    assert "Repeat last treatment" in page
    assert page.count('class="previous-site"') == 5  # last time's sites, faintly
    assert sorted(sites_of(repeatable)) == sorted(
        ("glabellar", s, Decimal(x), Decimal(y), Decimal("4"))
        for (x, y), s in zip(
            GLABELLAR_SITES, ["centre", "right", "left", "right", "left"], strict=True
        )
    )


def test_repeat_is_only_offered_with_an_earlier_record(client, injector, draft) -> None:
    client.force_login(injector)
    page = client.get(record_url(draft)).content.decode()
    assert "Repeat last treatment" not in page
    assert "previous-site" not in page


# --- vials and details ----------------------------------------------------------------------


def test_an_expired_lot_is_refused_with_the_message(client, injector, draft) -> None:
    client.force_login(injector)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(
        record_url(draft, "record-vial-add"),
        {"lot_number": "OLD1", "expires_on": yesterday.isoformat()},
    )
    assert response.status_code == 400
    assert f"Lot OLD1 expired on {yesterday.isoformat()}: do not use this vial." in (
        response.content.decode()
    )
    assert VialUse.objects.count() == 0


def test_lot_and_expiry_are_both_required(client, injector, draft) -> None:
    client.force_login(injector)
    page = client.post(record_url(draft, "record-vial-add"), {}).content.decode()
    assert "Give the lot number printed on the vial." in page
    assert "Give the expiry date printed on the vial." in page
    assert VialUse.objects.count() == 0


def test_vials_are_listed_and_removed(client, injector, draft) -> None:
    client.force_login(injector)
    client.post(record_url(draft, "record-vial-add"), {"lot_number": "C77", "expires_on": later()})
    listed = client.get(record_url(draft)).content.decode()
    vial = draft.vials.get()
    client.post(record_url(draft, "record-vial-remove", vial_id=vial.public_id))
    assert "Lot <strong>C77</strong>" in listed
    assert VialUse.objects.count() == 0


def test_details_are_saved_and_the_signing_panel_follows(client, injector, draft) -> None:
    client.force_login(injector)
    response = client.post(
        record_url(draft, "record-details"),
        {"aftercare_given": "on", "aftercare_notes": "Upright 4 h", "notes": "Calm"},
        **HTMX,
    )
    draft.refresh_from_db()
    page = response.content.decode()
    assert (draft.aftercare_given, draft.aftercare_notes, draft.notes) == (
        True,
        "Upright 4 h",
        "Calm",
    )
    assert page.lstrip().startswith('<section id="record-details"')
    assert "Record that aftercare advice was given." not in page
    assert "Record the vial(s) used, with lot and expiry." in page


def test_the_signing_panel_spells_out_a_differing_dose(client, injector, draft) -> None:
    client.force_login(injector)
    chart_glabellar(draft, by=injector, units="5")
    page = client.get(record_url(draft)).content.decode()
    assert "Glabellar lines: 25 U charted where the clinical core suggests 20 U." in page
    assert "Give the reason for the dose that differs from the suggestion." in page
    assert "disabled" in page.split('class="sign-button"')[1][:20]


# --- signing and after ----------------------------------------------------------------------


def test_signing_shows_the_proposed_review_and_the_window(client, injector, ready) -> None:
    client.force_login(injector)
    response = client.post(record_url(ready, "record-sign"), follow=True)
    ready.refresh_from_db()
    review = Appointment.objects.get(follows=ready)
    when = timezone.localtime(review.starts_at)
    page = response.content.decode()

    assert ready.is_signed
    assert f"Two-week review proposed for {when:%a %d %b %Y at %H:%M}" in page
    opens, closes = ready.recall_opens_on, ready.recall_closes_on
    assert f"Retreatment window: {opens:%a %d %b %Y} to {closes:%a %d %b %Y}." in page
    assert "Proposed (to confirm with the patient)" in page
    assert "data-tap-form" not in page and "Sign the record" not in page


def test_signing_writes_one_sign_and_the_review_proposal(client, injector, ready) -> None:
    client.force_login(injector)
    before = AuditEvent.objects.count()
    client.post(record_url(ready, "record-sign"))
    review = Appointment.objects.get(follows=ready)
    events = list(
        AuditEvent.objects.order_by("id")[before:].values_list(
            "action", "actor_label", "object_type", "object_id", "detail"
        )
    )
    assert events == [
        (
            "sign",
            "nurse-ben",
            "treatments.treatmentrecord",
            str(ready.public_id),
            {"total_units": "20.00"},
        ),
        (
            "create",
            "nurse-ben",
            "treatments.recall",
            str(ready.recall.public_id),
            {"status": "due", "opens_on": ready.recall.opens_on.isoformat(), "closed": []},
        ),
        (
            "create",
            "nurse-ben",
            "scheduling.appointment",
            str(review.public_id),
            {"kind": "review"},
        ),
    ]


def test_viewing_writes_exactly_one_view(client, director, ready) -> None:
    client.force_login(director)
    before = AuditEvent.objects.count()
    client.get(record_url(ready))
    events = list(
        AuditEvent.objects.order_by("id")[before:].values_list(
            "action", "actor_label", "object_type", "object_id", "patient_id"
        )
    )
    assert events == [
        (
            "view",
            "dr-ada",
            "treatments.treatmentrecord",
            str(ready.public_id),
            ready.patient.public_id,
        ),
    ]


@pytest.mark.parametrize(("name", "ids", "data", "_state"), ACTIONS[:-1])
def test_a_signed_record_cannot_be_changed_through_any_route(
    client, injector, signed, name, ids, data, _state
) -> None:
    client.force_login(injector)
    before = snapshot(signed)
    response = client.post(action_url(signed, name, ids), data)
    assert response.status_code == 400
    assert snapshot(signed) == before


def test_a_signed_record_cannot_be_signed_again(client, injector, signed) -> None:
    client.force_login(injector)
    before = snapshot(signed)
    response = client.post(record_url(signed, "record-sign"))
    assert response.status_code == 400
    assert "add an amendment instead of editing it" in response.content.decode()
    assert snapshot(signed) == before


def test_an_htmx_change_to_a_signed_record_reloads_it_with_the_reason(client, injector, signed):
    client.force_login(injector)
    before = snapshot(signed)
    response = client.post(
        record_url(signed, "record-site-add"), {"x": "50", "y": "33", "units": "4"}, **HTMX
    )
    assert response["HX-Redirect"] == record_url(signed)
    assert snapshot(signed) == before
    page = client.get(record_url(signed)).content.decode()
    assert "This record is signed: add an amendment instead of editing it." in page


def test_an_amendment_keeps_the_original_visible(client, director, signed) -> None:
    client.force_login(director)
    response = client.post(
        record_url(signed, "record-amend"),
        {"reason": "Lot misread", "text": "The lot was C1243, not C1234."},
        follow=True,
    )
    page = response.content.decode()
    amendment = Amendment.objects.get()

    assert (amendment.treatment, amendment.created_by) == (signed, director)
    assert "Lot C1234" in page  # the original, unchanged
    assert page.index("Lot C1234") < page.index("The lot was C1243, not C1234.")
    assert "reason: Lot misread" in page and "dr-ada" in page
    assert VialUse.objects.get().lot_number == "C1234"
    assert list(
        AuditEvent.objects.filter(action=Action.AMEND).values_list("actor_label", "object_id")
    ) == [("dr-ada", str(signed.public_id))]


def test_an_amendment_needs_a_reason_and_text(client, director, signed) -> None:
    client.force_login(director)
    response = client.post(record_url(signed, "record-amend"), {"reason": " ", "text": ""})
    assert response.status_code == 400
    assert Amendment.objects.count() == 0


def test_a_draft_is_not_amended(client, injector, draft) -> None:
    client.force_login(injector)
    response = client.post(record_url(draft, "record-amend"), {"reason": "x", "text": "y"})
    assert response.status_code == 400
    assert "amendments are for signed records" in response.content.decode()
    assert Amendment.objects.count() == 0


def test_a_site_on_another_record_is_not_reachable(client, injector, draft, alice) -> None:
    client.force_login(injector)
    other = services.start_treatment(alice, {"product": "botox"}, by=injector)
    site = services.add_site(other, {"x": 50, "y": 33, "units": 4}, by=injector)
    response = client.post(record_url(draft, "record-site-remove", site_id=site.public_id))
    assert response.status_code == 400
    assert "No such site on this record." in response.content.decode()
    assert InjectionSite.objects.filter(pk=site.pk).exists()
