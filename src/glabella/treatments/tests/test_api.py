"""The treatments API: who may call each endpoint, the course from draft to signature and
recall, what a signed record refuses, and the audit events left behind."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from glabella.accounts.models import Role
from glabella.audit.models import Action, AuditEvent
from glabella.scheduling.models import Appointment
from glabella.testing import GLABELLAR_SITES, client_as, make_staff, signed_botox
from glabella.treatments import services
from glabella.treatments.models import (
    AdverseEvent,
    Amendment,
    AssessedArea,
    Consultation,
    InjectionSite,
    Review,
    ScreeningOverride,
    TreatmentRecord,
    VialUse,
)
from glabella.treatments.schemas import TreatmentIn

pytestmark = pytest.mark.django_db

PERSONAS = ["director", "injector", "front_desk", "other_director", "no_role", "anonymous"]
CLINICAL_READ = [200, 200, 403, 404, 404, 401]
CLINICAL_CREATE = [201, 201, 403, 404, 404, 401]
CLINICAL_DELETE = [204, 204, 403, 404, 404, 401]
ROWS = [
    Consultation,
    AssessedArea,
    ScreeningOverride,
    TreatmentRecord,
    VialUse,
    InjectionSite,
    Amendment,
    Review,
    AdverseEvent,
    Appointment,
    AuditEvent,
]


def _today():  # type: ignore[no-untyped-def]
    return timezone.localdate()


def _draft_body(**changes):  # type: ignore[no-untyped-def]
    """Botox Cosmetic's label pattern for glabellar lines, with one good vial."""
    body = {
        "product": "botox",
        "vials": [{"lot_number": "C1234", "expires_on": str(_today() + timedelta(days=200))}],
        "sites": [{"x": x, "y": y, "units": "4"} for x, y in GLABELLAR_SITES],
        "aftercare_given": True,
    }
    return body | changes


def _parsed(body):  # type: ignore[no-untyped-def]
    """The draft as the API hands it to the service (dates and decimals parsed)."""
    return TreatmentIn(**body).dict(exclude_none=True)


CONSULTATION = {
    "areas": [{"area": "glabellar", "static": 1, "dynamic": 2, "decision": "treat"}],
    "product": "botox",
    "product_reason": "On-label for glabellar lines.",
}
OVERRIDE = {"product": "dysport", "reason": "Allergist letter: milk allergy is not IgE-mediated."}
SITE = {"x": 30, "y": 27, "units": "2"}
VIAL = {"lot_number": "C5678", "expires_on": "2099-01-31"}
AMENDMENT = {"reason": "Lot misread", "text": "The second vial was lot C1235."}
REVIEW = {"onset_days": 3, "effect": {"glabellar": 0}}
EVENT = {"kind": "headache", "severity": "mild", "description": "Mild headache for a day."}

# (method, url template, body, expected status per persona in PERSONAS order)
MATRIX = [
    ("get", "/api/v1/patients/{patient}/consultations", None, CLINICAL_READ),
    ("post", "/api/v1/patients/{patient}/consultations", CONSULTATION, CLINICAL_CREATE),
    ("get", "/api/v1/consultations/{consultation}", None, CLINICAL_READ),
    ("post", "/api/v1/patients/{alice}/overrides", OVERRIDE, [201, 403, 403, 404, 404, 401]),
    ("get", "/api/v1/patients/{patient}/treatments", None, CLINICAL_READ),
    ("post", "/api/v1/patients/{patient}/treatments", "draft", CLINICAL_CREATE),
    ("get", "/api/v1/treatments/{draft}", None, CLINICAL_READ),
    ("patch", "/api/v1/treatments/{draft}", {"notes": "Frowns hard."}, CLINICAL_READ),
    ("post", "/api/v1/treatments/{draft}/sites", SITE, CLINICAL_CREATE),
    ("delete", "/api/v1/treatments/{draft}/sites/{site}", None, CLINICAL_DELETE),
    ("post", "/api/v1/treatments/{draft}/vials", VIAL, CLINICAL_CREATE),
    ("delete", "/api/v1/treatments/{draft}/vials/{vial}", None, CLINICAL_DELETE),
    ("post", "/api/v1/treatments/{draft}/sign", None, [403, 200, 403, 404, 404, 401]),
    ("get", "/api/v1/treatments/{signed}/amendments", None, CLINICAL_READ),
    ("post", "/api/v1/treatments/{signed}/amendments", AMENDMENT, CLINICAL_CREATE),
    ("post", "/api/v1/treatments/{signed}/reviews", REVIEW, CLINICAL_CREATE),
    ("post", "/api/v1/reviews/{review}/wore-off", "wore_off", CLINICAL_READ),
    ("get", "/api/v1/patients/{patient}/adverse-events", None, CLINICAL_READ),
    ("post", "/api/v1/patients/{patient}/adverse-events", EVENT, CLINICAL_CREATE),
    ("post", "/api/v1/adverse-events/{event}/resolve", "resolve", CLINICAL_READ),
    ("get", "/api/v1/recall?clinic=north", None, [200, 200, 200, 404, 403, 401]),
]
DATED_BODIES = {
    "draft": _draft_body,
    "wore_off": lambda: {"wore_off_on": str(_today() - timedelta(days=1))},
    "resolve": lambda: {"resolved_on": str(_today()), "actions": "Paracetamol."},
}


@pytest.fixture
def world(carol, alice, injector):  # type: ignore[no-untyped-def]
    """A north patient with a consultation, a signed course (reviewed, with an open
    adverse event) and today's draft, ready to sign."""
    consultation = services.record_consultation(carol, CONSULTATION, by=injector)
    signed = signed_botox(carol, by=injector, days_ago=120)
    review = services.record_review(signed, {"effect": {"glabellar": 0}}, by=injector)
    event = services.report_adverse_event(
        carol,
        EVENT | {"onset_on": signed.treated_on, "treatment": signed.public_id},
        by=injector,
    )
    draft = services.record_treatment(carol, _parsed(_draft_body()), by=injector)
    return {
        "patient": carol.public_id,
        "alice": alice.public_id,
        "consultation": consultation.public_id,
        "signed": signed.public_id,
        "review": review.public_id,
        "event": event.public_id,
        "draft": draft.public_id,
        "site": draft.sites.first().public_id,
        "vial": draft.vials.first().public_id,
    }


def _cases(table):  # type: ignore[no-untyped-def]
    for method, url, body, statuses in table:
        for persona, status in zip(PERSONAS, statuses, strict=True):
            yield pytest.param(method, url, body, persona, status, id=f"{method} {url} {persona}")


def _send(client: Client, method: str, url: str, body=None):  # type: ignore[no-untyped-def]
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def _state() -> dict[str, list[dict]]:  # type: ignore[type-arg]
    """Every row the API could touch, as stored."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in ROWS}


def _events(**lookups) -> list[tuple[str, str, str, dict]]:  # type: ignore[no-untyped-def,type-arg]
    return [
        (e.action, e.actor_label, e.object_type, e.detail)
        for e in AuditEvent.objects.filter(**lookups).exclude(action=Action.SIGN_IN).order_by("pk")
    ]


@pytest.mark.parametrize(("method", "url", "body", "persona", "status"), list(_cases(MATRIX)))
def test_every_endpoint_by_role(request, world, method, url, body, persona, status) -> None:  # type: ignore[no-untyped-def]
    client = client_as(request, persona)
    body = DATED_BODIES[body]() if isinstance(body, str) else body
    before = _state()

    response = _send(client, method, url.format(**world), body)

    assert response.status_code == status, response.content
    if status >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == status
        assert _state() == before


# --- the course, end to end ---------------------------------------------------------------


def test_a_draft_in_one_request_then_signed_opens_review_and_recall(
    client: Client, injector, carol, clinic
) -> None:
    client.force_login(injector)
    core = clinic.clinical_core()
    dilution = core.dilution("botox")

    created = _send(client, "post", f"/api/v1/patients/{carol.public_id}/treatments", _draft_body())

    assert created.status_code == 201, created.content
    draft = created.json()
    assert (draft["status"], draft["product"], draft["injector"]) == ("draft", "botox", "nurse-ben")
    assert (draft["vial_units"], Decimal(draft["diluent_ml"])) == (
        dilution.vial_units,
        Decimal(str(dilution.diluent_ml)),
    )
    assert [(s["area"], Decimal(s["units"])) for s in draft["sites"]] == [
        ("glabellar", Decimal("4"))
    ] * 5
    assert [(v["lot_number"], v["expires_on"]) for v in draft["vials"]] == [
        ("C1234", str(_today() + timedelta(days=200)))
    ]
    volume = (Decimal("20") / Decimal(str(dilution.units_per_ml))).quantize(Decimal("0.001"))
    assert [
        (t["area"], t["sites"], Decimal(t["units"]), Decimal(t["volume_ml"]))
        for t in draft["totals"]
    ] == [("glabellar", 5, Decimal("20"), volume)]
    assert (Decimal(draft["charted_units"]), Decimal(draft["charted_volume_ml"])) == (
        Decimal("20"),
        volume,
    )
    assert (draft["problems"], draft["deviations"], draft["ready_to_sign"]) == ({}, [], True)
    assert draft["review_on"] is None and draft["review_appointment"] is None

    signed = _send(client, "post", f"/api/v1/treatments/{draft['id']}/sign").json()

    schedule = core.schedule_after(_today(), "botox")
    assert (signed["status"], Decimal(signed["total_units"])) == ("signed", Decimal("20"))
    assert signed["review_on"] == str(schedule.review_on)
    # The window never opens before the earliest retreatment date (the label's 90 days here,
    # later than the clinic's 12-week window).
    assert schedule.window_opens_on < schedule.earliest_retreatment_on
    assert signed["recall_opens_on"] == str(schedule.earliest_retreatment_on)
    assert signed["recall_closes_on"] == str(schedule.window_closes_on)
    assert signed["earliest_retreatment_on"] == str(schedule.earliest_retreatment_on)
    review = signed["review_appointment"]
    assert (review["kind"], review["status"], review["duration_minutes"]) == (
        "review",
        "proposed",
        15,
    )
    appointment = Appointment.objects.get(follows__public_id=draft["id"])
    assert str(appointment.public_id) == review["id"]
    assert appointment.starts_at.date() >= schedule.review_on


def test_creating_a_draft_records_its_creation_vial_and_sites(
    client: Client, injector, carol
) -> None:
    client.force_login(injector)

    response = _send(
        client, "post", f"/api/v1/patients/{carol.public_id}/treatments", _draft_body()
    )

    record = ("nurse-ben", "treatments.treatmentrecord")
    site_added = ("change", *record, {"added": "site", "area": "glabellar"})
    assert response.status_code == 201
    assert _events(patient_id=carol.public_id) == [
        ("create", *record, {"product": "botox"}),
        ("change", *record, {"added": "vial", "lot": "C1234"}),
        *[site_added] * 5,
    ]


def test_reading_a_record_records_exactly_one_view(client: Client, injector, director, carol):  # type: ignore[no-untyped-def]
    record = signed_botox(carol, by=injector)
    client.force_login(director)
    before = AuditEvent.objects.count()

    response = client.get(f"/api/v1/treatments/{record.public_id}")

    assert response.status_code == 200
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.actor, event.object_type, event.object_id, event.detail) == (
        "view",
        director,
        "treatments.treatmentrecord",
        str(record.public_id),
        {},
    )
    assert (event.patient_id, event.clinic) == (carol.public_id, carol.clinic)


def test_signing_records_the_signature_and_the_proposed_review(
    client: Client, injector, carol
) -> None:
    draft = services.record_treatment(carol, _parsed(_draft_body()), by=injector)
    client.force_login(injector)
    before = AuditEvent.objects.count()

    response = client.post(f"/api/v1/treatments/{draft.public_id}/sign")

    assert response.status_code == 200
    appointment = Appointment.objects.get(follows=draft)
    events = AuditEvent.objects.order_by("pk")[before:]
    assert [(e.action, e.actor_label, e.object_type, e.object_id, e.detail) for e in events] == [
        (
            "sign",
            "nurse-ben",
            "treatments.treatmentrecord",
            str(draft.public_id),
            {"total_units": "20.00"},
        ),
        (
            "create",
            "nurse-ben",
            "treatments.recall",
            str(draft.recall.public_id),
            {"status": "due", "opens_on": draft.recall.opens_on.isoformat(), "closed": []},
        ),
        (
            "create",
            "nurse-ben",
            "scheduling.appointment",
            str(appointment.public_id),
            {"kind": "review"},
        ),
    ]


def test_only_the_records_own_injector_signs(client: Client, injector, carol):  # type: ignore[no-untyped-def]
    draft = services.record_treatment(carol, _parsed(_draft_body()), by=injector)
    colleague = make_staff("nurse-eve", carol.clinic, Role.INJECTOR)
    client.force_login(colleague)
    before = _state()

    response = client.post(f"/api/v1/treatments/{draft.public_id}/sign")

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "injector": ["Only the injector who gave the treatment signs its record."]
    }
    assert _state() == before


def test_an_unready_draft_is_not_signed_and_says_why(client: Client, injector, carol) -> None:
    draft = services.record_treatment(
        carol, _parsed(_draft_body(aftercare_given=False)), by=injector
    )
    client.force_login(injector)
    before = _state()

    response = client.post(f"/api/v1/treatments/{draft.public_id}/sign")

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "aftercare_given": ["Record that aftercare advice was given."]
    }
    assert _state() == before


# --- a signed record: 409 for any edit, an amendment instead -------------------------------

LOCKED = {"status": ["This record is signed: add an amendment instead of editing it."]}
EDITS = [
    ("patch", "", {"notes": "Changed afterwards."}),
    ("post", "/sites", SITE),
    ("post", "/vials", VIAL),
    ("delete", "/sites/{site}", None),
    ("delete", "/vials/{vial}", None),
    ("post", "/sign", None),
]


@pytest.mark.parametrize(("method", "suffix", "body"), EDITS)
def test_a_signed_record_refuses_edits_with_409(
    client: Client, injector, carol, method, suffix, body
):  # type: ignore[no-untyped-def]
    record = signed_botox(carol, by=injector)
    url = f"/api/v1/treatments/{record.public_id}" + suffix.format(
        site=record.sites.first().public_id, vial=record.vials.first().public_id
    )
    client.force_login(injector)
    before = _state()

    response = _send(client, method, url, body)

    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Record signed"
    assert response.json()["errors"] == LOCKED
    assert _state() == before


def test_a_signed_record_takes_an_amendment_and_keeps_the_original(
    client: Client, injector, director, carol
) -> None:
    record = signed_botox(carol, by=injector)
    client.force_login(director)

    response = _send(client, "post", f"/api/v1/treatments/{record.public_id}/amendments", AMENDMENT)

    assert response.status_code == 201
    amendment = response.json()
    assert (amendment["reason"], amendment["text"], amendment["author"]) == (
        "Lot misread",
        "The second vial was lot C1235.",
        "dr-ada",
    )
    shown = client.get(f"/api/v1/treatments/{record.public_id}").json()
    assert [a["id"] for a in shown["amendments"]] == [amendment["id"]]
    assert [v["lot_number"] for v in shown["vials"]] == ["C1234"]
    assert shown["status"] == "signed"
    listed = client.get(f"/api/v1/treatments/{record.public_id}/amendments").json()
    assert [a["id"] for a in listed] == [amendment["id"]]


def test_a_draft_takes_no_amendment(client: Client, injector, carol) -> None:
    draft = services.record_treatment(carol, _parsed(_draft_body()), by=injector)
    client.force_login(injector)

    response = _send(client, "post", f"/api/v1/treatments/{draft.public_id}/amendments", AMENDMENT)

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["status"]
    assert not Amendment.objects.exists()


# --- lists, review, adverse events, recall --------------------------------------------------


def test_lists_show_the_patients_rows_and_record_one_view_each(client: Client, world, injector):  # type: ignore[no-untyped-def]
    client.force_login(injector)
    patient = world["patient"]
    before = AuditEvent.objects.count()

    treatments = client.get(f"/api/v1/patients/{patient}/treatments").json()
    consultations = client.get(f"/api/v1/patients/{patient}/consultations").json()
    events = client.get(f"/api/v1/patients/{patient}/adverse-events").json()

    assert [(t["id"], t["status"]) for t in treatments] == [
        (str(world["draft"]), "draft"),
        (str(world["signed"]), "signed"),
    ]
    assert [c["id"] for c in consultations] == [str(world["consultation"])]
    assert [a["area"] for a in consultations[0]["areas"]] == ["glabellar"]
    assert [(e["id"], e["kind"], e["is_open"], e["lot_number"]) for e in events] == [
        (str(world["event"]), "headache", True, "C1234")
    ]
    sections = [
        e.detail["section"]
        for e in AuditEvent.objects.order_by("pk")[before:]
        if e.action == "view"
    ]
    assert sections == ["treatments", "consultations", "adverse_events"]


def test_review_wore_off_and_resolution(client: Client, world, injector) -> None:
    client.force_login(injector)
    yesterday = str(_today() - timedelta(days=1))

    review = _send(
        client,
        "post",
        f"/api/v1/treatments/{world['signed']}/reviews",
        {"onset_days": 3, "effect": {"glabellar": 1}, "satisfaction": 5},
    ).json()
    wore_off = _send(
        client, "post", f"/api/v1/reviews/{review['id']}/wore-off", {"wore_off_on": yesterday}
    ).json()
    resolved = _send(
        client,
        "post",
        f"/api/v1/adverse-events/{world['event']}/resolve",
        {"resolved_on": yesterday, "actions": "Rest."},
    ).json()

    assert (review["onset_days"], review["effect"], review["satisfaction"]) == (
        3,
        {"glabellar": 1},
        5,
    )
    assert review["treatment"] == str(world["signed"])
    assert wore_off["wore_off_on"] == yesterday
    assert (resolved["resolved_on"], resolved["is_open"], resolved["actions"]) == (
        yesterday,
        False,
        "Rest.",
    )


def test_recall_lists_the_patient_with_filters(client: Client, world, front_desk, carol) -> None:
    client.force_login(front_desk)
    signed = TreatmentRecord.objects.get(public_id=world["signed"])

    due = client.get("/api/v1/recall").json()
    by_injector = client.get("/api/v1/recall?injector=nurse-ben&product=botox").json()
    other_product = client.get("/api/v1/recall?product=dysport").json()
    that_week = client.get(f"/api/v1/recall?due_week={signed.recall_opens_on}").json()

    assert [r["treatment"] for r in due] == [str(world["signed"])]
    row = due[0]
    assert row["patient"]["id"] == str(carol.public_id)
    assert (row["patient"]["last_name"], row["product"], row["injector"]) == (
        "Plain",
        "botox",
        "nurse-ben",
    )
    assert {k: Decimal(v) for k, v in row["units_per_area"].items()} == {"glabellar": Decimal("20")}
    assert row["recall_opens_on"] == str(signed.recall_opens_on)
    assert (row["status"], row["contact_count"], row["last_contacted_at"]) == ("due", 0, None)
    assert by_injector == due and that_week == due
    assert other_product == []
    services.set_recall_status(signed.recall, "declined", by=front_desk)
    assert client.get("/api/v1/recall").json() == []
    declined = client.get("/api/v1/recall?status=declined").json()
    assert [r["status"] for r in declined] == ["declined"]
    assert client.get("/api/v1/recall?page=2").json() == []  # past the last page: empty


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("injector=nobody", "injector"),
        ("product=botax", "product"),
        ("due_week=soon", "due_week"),
        ("status=lost", "status"),
        ("window=forever", "window"),
        ("page=0", "page"),
    ],
)
def test_recall_filters_are_checked(client: Client, front_desk, query, field) -> None:  # type: ignore[no-untyped-def]
    client.force_login(front_desk)
    before = AuditEvent.objects.count()

    response = client.get(f"/api/v1/recall?{query}")

    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]
    assert AuditEvent.objects.count() == before
