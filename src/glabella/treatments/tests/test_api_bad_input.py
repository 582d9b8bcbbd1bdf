"""Bad input through the treatments API: a clear message for each field, and nothing saved
half-way — no record, vial or site row and no audit event."""

from datetime import timedelta

import pytest
from django.test import Client

from glabella.audit.models import AuditEvent
from glabella.testing import signed_botox
from glabella.treatments import services
from glabella.treatments.models import InjectionSite, TreatmentRecord, VialUse

from .test_api import _draft_body, _parsed, _send, _state, _today

pytestmark = pytest.mark.django_db

REQUIRED = ["Field required"]
NOT_DECIMAL = ["Input should be a valid decimal"]
FUTURE = "{day} is in the future; record what has happened."


def _site(index: int, **changes):  # type: ignore[no-untyped-def]
    """The draft body with site ``index`` changed (``None`` drops a key)."""
    body = _draft_body()
    site = body["sites"][index] | changes
    body["sites"][index] = {k: v for k, v in site.items() if v is not None}
    return body


def _vial(**changes):  # type: ignore[no-untyped-def]
    body = _draft_body()
    vial = body["vials"][0] | changes
    body["vials"][0] = {k: v for k, v in vial.items() if v is not None}
    return body


def _without(name: str):  # type: ignore[no-untyped-def]
    body = _draft_body()
    del body[name]
    return body


def _cases(clinic):  # type: ignore[no-untyped-def]
    """(body, expected errors) for a draft created in one request."""
    tomorrow, yesterday = _today() + timedelta(days=1), _today() - timedelta(days=1)
    vial_units = clinic.clinical_core().dilution("botox").vial_units
    products = ", ".join(clinic.clinical_core().catalogue.products)
    areas = ", ".join(clinic.clinical_core().catalogue.areas)
    return {
        "missing product": (_without("product"), {"product": REQUIRED}),
        "unknown product": (
            _draft_body(product="botax"),
            {"product": [f"Unknown product 'botax'. Choose from: {products}."]},
        ),
        "treated tomorrow": (
            _draft_body(treated_on=str(tomorrow)),
            {"treated_on": [FUTURE.format(day=tomorrow)]},
        ),
        "negative units": (
            _site(2, units="-4"),
            {"sites.2.units": ["Units at a site must be more than zero."]},
        ),
        "zero units": (
            _site(2, units=0),
            {"sites.2.units": ["Units at a site must be more than zero."]},
        ),
        "absurd units": (
            _site(2, units=10000),
            {"sites.2.units": [f"10000 U at one site is more than a whole {vial_units} U vial."]},
        ),
        "units not a number": (_site(2, units="abc"), {"sites.2.units": NOT_DECIMAL}),
        "quarter steps": (
            _site(1, units="4.1"),
            {"sites.1.units": ["Record units in steps of a quarter unit."]},
        ),
        "units missing": (_site(0, units=None), {"sites.0.units": REQUIRED}),
        "off the chart": (
            _site(4, x=150),
            {"sites.4.x": ["A chart position is between 0 and 100 (percent)."]},
        ),
        "outside every area": (
            _site(4, x=2, y=2),
            {"sites.4.area": ["That point is outside the chart's areas: pick one."]},
        ),
        "unknown area": (
            _site(0, area="nose"),
            {"sites.0.area": [f"Unknown area 'nose'. Choose from: {areas}."]},
        ),
        "expired lot": (
            _vial(expires_on=str(yesterday)),
            {"vials.0.expires_on": [f"Lot C1234 expired on {yesterday}: do not use this vial."]},
        ),
        "lot missing": (_vial(lot_number=None), {"vials.0.lot_number": REQUIRED}),
        "lot blank": (
            _vial(lot_number="  "),
            {"vials.0.lot_number": ["Give the lot number printed on the vial."]},
        ),
        "expiry missing": (_vial(expires_on=None), {"vials.0.expires_on": REQUIRED}),
        "expiry not a date": (
            _vial(expires_on="next year"),
            {
                "vials.0.expires_on": [
                    "Input should be a valid date or datetime, input is too short"
                ]
            },
        ),
    }


CASE_NAMES = [
    "missing product",
    "unknown product",
    "treated tomorrow",
    "negative units",
    "zero units",
    "absurd units",
    "units not a number",
    "quarter steps",
    "units missing",
    "off the chart",
    "outside every area",
    "unknown area",
    "expired lot",
    "lot missing",
    "lot blank",
    "expiry missing",
    "expiry not a date",
]


def _nothing_saved(events_before: int) -> None:
    assert not TreatmentRecord.objects.exists()
    assert not VialUse.objects.exists()
    assert not InjectionSite.objects.exists()
    assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize("case", CASE_NAMES)
def test_a_bad_draft_gives_field_errors_and_saves_nothing(  # type: ignore[no-untyped-def]
    client: Client, injector, carol, clinic, case
) -> None:
    body, errors = _cases(clinic)[case]
    client.force_login(injector)
    before = AuditEvent.objects.count()

    response = _send(client, "post", f"/api/v1/patients/{carol.public_id}/treatments", body)

    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == errors
    _nothing_saved(before)


def test_every_case_is_in_the_table(clinic) -> None:  # type: ignore[no-untyped-def]
    assert sorted(_cases(clinic)) == sorted(CASE_NAMES)


def test_another_clinics_patient_is_not_found(client: Client, injector, bob) -> None:  # type: ignore[no-untyped-def]
    client.force_login(injector)
    before = AuditEvent.objects.count()

    response = _send(client, "post", f"/api/v1/patients/{bob.public_id}/treatments", _draft_body())

    assert response.status_code == 404
    assert response.json()["title"] == "Not found"
    _nothing_saved(before)


@pytest.mark.parametrize("patient_id", ["42", "not-a-uuid", "0b5d1c2e-zzzz"])
def test_a_malformed_patient_id_is_a_field_error(client: Client, injector, patient_id) -> None:  # type: ignore[no-untyped-def]
    client.force_login(injector)
    before = AuditEvent.objects.count()

    response = _send(client, "post", f"/api/v1/patients/{patient_id}/treatments", _draft_body())

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["patient_id"]
    _nothing_saved(before)


def test_a_body_that_is_not_json_is_refused(client: Client, injector, carol) -> None:  # type: ignore[no-untyped-def]
    client.force_login(injector)
    before = AuditEvent.objects.count()

    response = client.post(
        f"/api/v1/patients/{carol.public_id}/treatments",
        "{units: 4",
        content_type="application/json",
    )

    assert response.status_code in {400, 422}
    _nothing_saved(before)


# --- the other endpoints --------------------------------------------------------------------


@pytest.fixture
def rows(carol, injector):  # type: ignore[no-untyped-def]
    signed = signed_botox(carol, by=injector, days_ago=30)
    draft = services.record_treatment(carol, _parsed(_draft_body()), by=injector)
    review = services.record_review(signed, {"effect": {"glabellar": 1}}, by=injector)
    event = services.report_adverse_event(
        carol,
        {"kind": "bruising", "severity": "mild", "description": "Bruise.", "onset_on": _today()},
        by=injector,
    )
    return {
        "patient": carol.public_id,
        "draft": draft.public_id,
        "signed": signed.public_id,
        "review": review.public_id,
        "event": event.public_id,
    }


def _other_clinics_treatment(bob, other_director):  # type: ignore[no-untyped-def]
    return str(signed_botox(bob, by=other_director).public_id)


TOMORROW = (
    "2999-01-01"  # in the future whenever the suite runs (a constant cannot straddle midnight)
)
OTHER_ENDPOINTS = [
    ("patch", "/treatments/{draft}", {"notes": None}, {"notes": ["This field cannot be null."]}),
    (
        "patch",
        "/treatments/{draft}",
        {"treated_on": TOMORROW},
        {"treated_on": [FUTURE.format(day=TOMORROW)]},
    ),
    ("post", "/treatments/{draft}/sites", {"x": 50, "y": 33, "units": "abc"}, NOT_DECIMAL),
    ("post", "/treatments/{draft}/sites", {"x": 50, "y": 33, "units": -4}, None),
    ("post", "/treatments/{draft}/vials", {"lot_number": "OLD", "expires_on": "2000-01-01"}, None),
    ("delete", "/treatments/{draft}/sites/not-a-uuid", None, None),
    (
        "post",
        "/patients/{patient}/consultations",
        {"areas": [{"area": "nose", "static": 1, "dynamic": 1, "decision": "treat"}]},
        None,
    ),
    (
        "post",
        "/patients/{patient}/consultations",
        {"held_on": TOMORROW},
        {"held_on": [FUTURE.format(day=TOMORROW)]},
    ),
    ("post", "/patients/{patient}/overrides", {"product": "botox", "reason": ""}, None),
    (
        "post",
        "/patients/{patient}/adverse-events",
        {"kind": "rash", "severity": "mild", "description": "Rash."},
        None,
    ),
    (
        "post",
        "/patients/{patient}/adverse-events",
        {"kind": "other", "severity": "mild", "description": "x", "treatment": "12"},
        None,
    ),
    (
        "post",
        "/patients/{patient}/adverse-events",
        {"kind": "other", "severity": "mild", "description": "x", "treatment": "{bobs}"},
        {"treatment": ["No such treatment record for this patient."]},
    ),
    ("post", "/treatments/{signed}/reviews", {"effect": {"glabellar": 7}}, None),
    ("post", "/treatments/{signed}/reviews", {"effect": {"masseter": 1}}, None),
    ("post", "/reviews/{review}/wore-off", {"wore_off_on": TOMORROW}, None),
    ("post", "/adverse-events/{event}/resolve", {"resolved_on": "2000-01-01"}, None),
]


def _field_of(method: str, url: str, body) -> str:  # type: ignore[no-untyped-def]
    """The field each refusal in OTHER_ENDPOINTS must name."""
    if url.endswith("/sites/not-a-uuid"):
        return "site_id"
    if url.endswith("/consultations"):
        return "held_on" if "held_on" in body else "areas.0.area"
    if url.endswith("/overrides"):
        return "reason"
    if url.endswith("/adverse-events"):
        return "kind" if body["kind"] == "rash" else "treatment"
    if url.endswith("/reviews"):
        return "effect.glabellar" if "glabellar" in body["effect"] else "effect"
    if url.endswith("/vials"):
        return "expires_on"
    if url.endswith("/sites"):
        return "units"
    if url.endswith("/wore-off"):
        return "wore_off_on"
    if url.endswith("/resolve"):
        return "resolved_on"
    return next(iter(body))


@pytest.mark.parametrize(
    ("method", "url", "body", "errors"),
    OTHER_ENDPOINTS,
    ids=[f"{m} {u} {b}" for m, u, b, _ in OTHER_ENDPOINTS],
)
def test_other_endpoints_name_the_field_and_change_nothing(  # type: ignore[no-untyped-def]
    client: Client, rows, injector, director, bob, other_director, method, url, body, errors
) -> None:
    if body and body.get("treatment") == "{bobs}":
        body = body | {"treatment": _other_clinics_treatment(bob, other_director)}
    client.force_login(director if url.endswith("/overrides") else injector)
    before = _state()

    response = _send(client, method, "/api/v1" + url.format(**rows), body)

    assert response.status_code == 422, response.content
    found = response.json()["errors"]
    assert list(found) == [_field_of(method, url, body)]
    if isinstance(errors, dict):
        assert found == errors
    elif errors is not None:
        assert list(found.values()) == [errors]
    assert all(message.strip() for messages in found.values() for message in messages)
    assert _state() == before
