"""Consultation, override, review, adverse event pages and the chart timeline, through HTTP:
who may open what, what each saves, bad input and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from glabella.assistant.models import Handoff, HandoffKind, HandoffStatus
from glabella.audit.models import Action, AuditEvent
from glabella.testing import client_as, signed_botox
from glabella.treatments import services
from glabella.treatments.models import (
    AdverseEvent,
    AssessedArea,
    Consultation,
    Review,
    ScreeningOverride,
    TreatmentRecord,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["director", "injector", "front_desk", "other_director", "no_role", "anonymous"]


def _events(**lookups: Any) -> list[tuple[str, str, str, dict]]:  # type: ignore[type-arg]
    return [
        (e.action, e.actor_label, e.object_type, e.detail)
        for e in AuditEvent.objects.filter(**lookups).exclude(action=Action.SIGN_IN).order_by("id")
    ]


def _today() -> Any:
    return timezone.localdate()


@dataclass
class Course:
    treatment: TreatmentRecord
    consultation: Consultation
    review: Review
    event: AdverseEvent


@pytest.fixture
def course(alice, injector) -> Course:  # type: ignore[no-untyped-def]
    """Alice's consultation, a signed Botox treatment 20 days ago, its review, an open event."""
    held_on = _today() - timedelta(days=25)
    consultation = services.record_consultation(alice, {"held_on": held_on}, by=injector)
    treatment = signed_botox(alice, by=injector, days_ago=20)
    review = services.record_review(
        treatment, {"effect": {"glabellar": 1}, "satisfaction": 4}, by=injector
    )
    event = services.report_adverse_event(
        alice,
        {
            "kind": "bruising",
            "severity": "mild",
            "onset_on": _today() - timedelta(days=1),
            "description": "Bruise",
        },
        by=injector,
    )
    return Course(treatment, consultation, review, event)


# --- permission matrix ------------------------------------------------------------------------

OK, LOGIN = 200, "login"
CLINICAL = {"director": OK, "injector": OK, "front_desk": 403, "other_director": 404,
            "no_role": 404, "anonymous": LOGIN}  # fmt: skip
PATIENT = "/staff/patients/{c.treatment.patient.public_id}/"
PAGES = {
    "consultation-new": (lambda c: PATIENT.format(c=c) + "consultations/new/", CLINICAL),
    "consultation": (lambda c: f"/staff/consultations/{c.consultation.public_id}/", CLINICAL),
    "override-new": (lambda c: PATIENT.format(c=c) + "overrides/new/",
                     {**CLINICAL, "injector": 403}),
    "review-new": (lambda c: f"/staff/treatments/{c.treatment.public_id}/review/", CLINICAL),
    "review": (lambda c: f"/staff/reviews/{c.review.public_id}/", CLINICAL),
    "adverse-events": (lambda c: "/staff/adverse-events/",
                       {**CLINICAL, "other_director": OK, "no_role": 403}),
    "adverse-event-new": (lambda c: PATIENT.format(c=c) + "adverse-events/new/", CLINICAL),
    "adverse-event": (lambda c: f"/staff/adverse-events/{c.event.public_id}/", CLINICAL),
}  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", PAGES)
def test_who_may_open_each_page(request, course, persona, page) -> None:  # type: ignore[no-untyped-def]
    url, expected = PAGES[page]
    response = client_as(request, persona).get(url(course))
    _assert_status(response, expected[persona])


def _assert_status(response: Any, expected: int | str) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == expected
        if expected == 302:
            assert not response["Location"].startswith("/accounts/login/")


def _post_targets(c: Course) -> dict[str, tuple[str, dict[str, Any]]]:
    day = _today().isoformat()
    patient = c.treatment.patient.public_id
    return {
        "consultation-new": (f"/staff/patients/{patient}/consultations/new/", {"held_on": day}),
        "override-new": (
            f"/staff/patients/{patient}/overrides/new/",
            {"product": "dysport", "reason": "Allergist cleared her"},
        ),
        "review-new": (
            f"/staff/treatments/{c.treatment.public_id}/review/",
            {"reviewed_on": day, "effect_glabellar": "0", "satisfaction": "5"},
        ),
        "review-wore-off": (f"/staff/reviews/{c.review.public_id}/wore-off/", {"wore_off_on": day}),
        "review-touch-up": (f"/staff/reviews/{c.review.public_id}/touch-up/", {}),
        "adverse-event-new": (
            f"/staff/patients/{patient}/adverse-events/new/",
            {"kind": "headache", "severity": "mild", "onset_on": day, "description": "Ache"},
        ),
        "adverse-event-resolve": (
            f"/staff/adverse-events/{c.event.public_id}/resolve/",
            {"resolved_on": day},
        ),
    }


DONE = 302
WRITERS = {"director": DONE, "injector": DONE, "front_desk": 403, "other_director": 404,
           "no_role": 404, "anonymous": LOGIN}  # fmt: skip
CHANGES = {
    "consultation-new": WRITERS,
    "override-new": {**WRITERS, "injector": 403},
    "review-new": WRITERS,
    "review-wore-off": WRITERS,
    "review-touch-up": {**WRITERS, "director": 403},
    "adverse-event-new": WRITERS,
    "adverse-event-resolve": WRITERS,
}


def _state() -> tuple[Any, ...]:
    return (
        Consultation.objects.count(),
        ScreeningOverride.objects.count(),
        Review.objects.count(),
        list(Review.objects.values_list("wore_off_on", "touch_up")),
        TreatmentRecord.objects.count(),
        AdverseEvent.objects.count(),
        list(AdverseEvent.objects.values_list("resolved_on", flat=True)),
        AuditEvent.objects.exclude(action=Action.SIGN_IN).count(),
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("change", CHANGES)
def test_who_may_change_what_and_denied_changes_nothing(request, course, persona, change) -> None:  # type: ignore[no-untyped-def]
    url, data = _post_targets(course)[change]
    client = client_as(request, persona)
    before = _state()
    response = client.post(url, data)
    expected = CHANGES[change][persona]
    _assert_status(response, expected)
    if expected == DONE:
        assert _state() != before
    else:
        assert _state() == before


# --- consultation and screening -------------------------------------------------------------


def test_injector_sees_the_block_and_that_the_director_must_override(client, injector, alice):  # type: ignore[no-untyped-def]
    client.force_login(injector)
    page = client.get(f"/staff/patients/{alice.public_id}/consultations/new/").content.decode()

    assert 'class="screen screen-do_not_treat"' in page
    assert '<strong>Dysport</strong> <span class="screen-outcome">Do not treat</span>' in page
    assert "contains cow&#x27;s milk protein" in page
    assert "unless the medical director records an override" in page
    assert "Record an override" not in page
    assert _events(patient_id=alice.public_id) == [
        ("view", "nurse-ben", "patients.patient", {"section": "screening"})
    ]


def test_director_overrides_the_block_with_a_reason(client, director, alice):  # type: ignore[no-untyped-def]
    client.force_login(director)
    page = client.get(f"/staff/patients/{alice.public_id}/consultations/new/").content.decode()
    assert f"/staff/patients/{alice.public_id}/overrides/new/?product=dysport" in page

    refused = client.post(
        f"/staff/patients/{alice.public_id}/overrides/new/", {"product": "dysport", "reason": " "}
    )
    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()
    assert not ScreeningOverride.objects.exists()

    not_blocked = client.post(
        f"/staff/patients/{alice.public_id}/overrides/new/", {"product": "botox", "reason": "x"}
    )
    assert "Select a valid choice" in not_blocked.content.decode()

    done = client.post(
        f"/staff/patients/{alice.public_id}/overrides/new/",
        {"product": "dysport", "reason": "Allergist confirmed tolerance"},
    )
    assert done["Location"] == f"/staff/patients/{alice.public_id}/"
    override = ScreeningOverride.objects.get()
    assert (override.product, override.reason, override.created_by) == (
        "dysport",
        "Allergist confirmed tolerance",
        director,
    )
    assert [f["rule"] for f in override.findings] == ["component_allergy"]
    assert _events(action="override") == [
        ("override", "dr-ada", "treatments.screeningoverride",
         {"product": "dysport", "rules": ["component_allergy"]}),
    ]  # fmt: skip
    after = client.get(f"/staff/patients/{alice.public_id}/consultations/new/").content.decode()
    assert "Overridden by dr-ada" in after and "Record an override" not in after


def _consultation_post(**extra: str) -> dict[str, str]:
    return {
        "held_on": _today().isoformat(),
        "glabellar-static": "0",
        "glabellar-dynamic": "2",
        "glabellar-decision": "treat",
        "forehead-static": "2",
        "forehead-dynamic": "3",
        "forehead-decision": "both",
        "forehead-note": "Etched lines",
        "product": "botox",
        "product_reason": "Her usual product",
        **extra,
    }


def test_consultation_saves_areas_with_the_core_recommendation(client, injector, alice):  # type: ignore[no-untyped-def]
    client.force_login(injector)
    response = client.post(
        f"/staff/patients/{alice.public_id}/consultations/new/", _consultation_post()
    )

    consultation = Consultation.objects.get()
    assert response["Location"] == f"/staff/consultations/{consultation.public_id}/"
    assert (consultation.product, consultation.product_reason, consultation.clinician) == (
        "botox",
        "Her usual product",
        injector,
    )
    core = alice.clinic.clinical_core()
    rows = list(
        AssessedArea.objects.values_list(
            "area",
            "static",
            "dynamic",
            "recommendation",
            "recommendation_reason",
            "decision",
            "note",
        )
    )
    assert rows == [
        ("glabellar", 0, 2, "neuromodulator", core.assess("glabellar", static=0, dynamic=2).reason,
         "treat", ""),
        ("forehead", 2, 3, "both", core.assess("forehead", static=2, dynamic=3).reason,
         "both", "Etched lines"),
    ]  # fmt: skip
    assert consultation.verdict_for("dysport")["outcome"] == "do_not_treat"

    page = client.get(response["Location"]).content.decode()
    assert "Screening on the day" in page
    assert "0 · none" in page and "2 · moderate" in page and "3 · severe" in page
    assert "a neuromodulator and a referral" in page
    assert _events(object_type="treatments.consultation") == [
        ("create", "nurse-ben", "treatments.consultation", {"areas": ["glabellar", "forehead"]}),
        ("view", "nurse-ben", "treatments.consultation", {}),
    ]


def test_recommendation_preview_over_htmx_saves_nothing(client, injector, alice):  # type: ignore[no-untyped-def]
    client.force_login(injector)
    url = f"/staff/patients/{alice.public_id}/consultations/new/"
    data = {**_consultation_post(), "preview": "glabellar"}

    fragment = client.post(url, data, headers={"HX-Request": "true"}).content.decode()
    deeper_at_rest = client.post(
        url, {**data, "glabellar-static": "3"}, headers={"HX-Request": "true"}
    ).content.decode()

    reason = alice.clinic.clinical_core().assess("glabellar", static=0, dynamic=2).reason
    assert 'id="rec-glabellar"' in fragment and "a neuromodulator" in fragment
    assert reason.replace("'", "&#x27;") in fragment
    assert "Lines cannot be deeper at rest" in deeper_at_rest
    assert not Consultation.objects.exists()


INCOMPLETE = "Needed for an assessed area."
BAD_CONSULTATIONS = {
    "missing date": ({"held_on": ""}, "held_on", "This field is required."),
    "incomplete area": ({"lateral_canthal-static": "1"}, "lateral_canthal-dynamic", INCOMPLETE),
    "missing decision": ({"glabellar-decision": ""}, "glabellar-decision", INCOMPLETE),
    "severity 7": ({"glabellar-dynamic": "7"}, "glabellar-dynamic", "Select a valid choice."),
    "unknown product": ({"product": "botax"}, "product", "Select a valid choice."),
    "future date": ({"held_on": "2999-01-01"}, "held_on", "is in the future"),
    "deeper at rest": ({"glabellar-static": "3"}, "glabellar-dynamic", "cannot be deeper at rest"),
    "product without reason": ({"product_reason": ""}, "product_reason", "Say why this product"),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_CONSULTATIONS)
def test_bad_consultation_input_gives_field_errors_and_saves_nothing(client, injector, alice, case):  # type: ignore[no-untyped-def]
    change, field, message = BAD_CONSULTATIONS[case]
    client.force_login(injector)
    response = client.post(
        f"/staff/patients/{alice.public_id}/consultations/new/", _consultation_post(**change)
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in page
    assert f'id="id_{field}_error"' in page
    assert message in page
    assert not Consultation.objects.exists() and not AssessedArea.objects.exists()
    assert not AuditEvent.objects.filter(action="create").exists()


def test_another_clinics_patient_is_not_found(client, injector, bob):  # type: ignore[no-untyped-def]
    client.force_login(injector)
    response = client.post(
        f"/staff/patients/{bob.public_id}/consultations/new/", _consultation_post()
    )
    assert response.status_code == 404
    assert not Consultation.objects.exists()


# --- review ---------------------------------------------------------------------------------


def test_review_then_wore_off_then_touch_up(client, injector, carol):  # type: ignore[no-untyped-def]
    treatment = signed_botox(carol, by=injector, days_ago=14)
    client.force_login(injector)
    url = f"/staff/treatments/{treatment.public_id}/review/"
    form = client.get(url).content.decode()
    assert "Glabellar lines: lines at maximum contraction" in form

    bad = client.post(url, {"reviewed_on": _today().isoformat(), "effect_glabellar": "4"})
    assert "Select a valid choice" in bad.content.decode()
    assert not Review.objects.exists()

    done = client.post(
        url,
        {"reviewed_on": _today().isoformat(), "onset_days": "3", "effect_glabellar": "0",
         "satisfaction": "5", "notes": "Happy"},
    )  # fmt: skip
    review = Review.objects.get()
    assert done["Location"] == f"/staff/reviews/{review.public_id}/"
    assert (review.onset_days, review.effect, review.satisfaction, review.notes) == (
        3,
        {"glabellar": 0},
        5,
        "Happy",
    )

    future = client.post(
        f"/staff/reviews/{review.public_id}/wore-off/", {"wore_off_on": "2999-01-01"}
    )
    assert "is in the future" in future.content.decode()
    worn = _today() - timedelta(days=1)
    client.post(f"/staff/reviews/{review.public_id}/wore-off/", {"wore_off_on": worn.isoformat()})
    review.refresh_from_db()
    assert review.wore_off_on == worn

    started = client.post(f"/staff/reviews/{review.public_id}/touch-up/")
    review.refresh_from_db()
    touch_up = review.touch_up
    assert started["Location"] == f"/staff/treatments/{touch_up.public_id}/"
    assert (touch_up.status, touch_up.touch_up_of, touch_up.injector) == (
        "draft",
        treatment,
        injector,
    )
    page = client.get(f"/staff/reviews/{review.public_id}/").content.decode()
    assert "Start a touch-up" not in page
    assert f"{worn:%Y-%m-%d}" in page
    assert _events(object_type="treatments.review") == [
        ("create", "nurse-ben", "treatments.review", {}),
        ("change", "nurse-ben", "treatments.review", {"fields": ["wore_off_on"]}),
        ("view", "nurse-ben", "treatments.review", {}),
    ]


def test_a_draft_is_not_reviewed(client, injector, carol):  # type: ignore[no-untyped-def]
    draft = services.start_treatment(carol, {"product": "botox"}, by=injector)
    client.force_login(injector)
    response = client.post(
        f"/staff/treatments/{draft.public_id}/review/",
        {"reviewed_on": _today().isoformat(), "satisfaction": "5"},
    )
    assert "A review follows a signed treatment" in response.content.decode()
    assert not Review.objects.exists()


# --- adverse events -------------------------------------------------------------------------


def _urgent(clinic: Any, question: str = "My eyelid is drooping since yesterday") -> Handoff:
    return Handoff.objects.create(
        clinic=clinic, question=question, contact_phone="(555) 010-1234", kind=HandoffKind.URGENT
    )


def test_adverse_event_from_an_urgent_message_links_and_closes_it(client, injector, alice):  # type: ignore[no-untyped-def]
    treatment = signed_botox(alice, by=injector, days_ago=3)
    handoff = _urgent(alice.clinic)
    client.force_login(injector)

    board = client.get("/staff/adverse-events/").content.decode()
    assert "My eyelid is drooping since yesterday" in board and "(555) 010-1234" in board
    picked = client.get(
        "/staff/adverse-events/",
        {"handoff": str(handoff.public_id), "q": "Testpatient"},
        headers={"HX-Request": "true"},
    ).content.decode()
    new_url = f"/staff/patients/{alice.public_id}/adverse-events/new/?handoff={handoff.public_id}"
    assert picked.startswith(f'<div id="pick-{handoff.public_id}"')
    assert new_url in picked

    form = client.get(new_url).content.decode()
    assert "From an urgent message" in form
    response = client.post(
        new_url,
        {"kind": "eyelid_ptosis", "severity": "moderate", "onset_on": _today().isoformat(),
         "description": "Left eyelid droops", "actions": "Apraclonidine drops",
         "treatment": str(treatment.public_id)},
    )  # fmt: skip

    event = AdverseEvent.objects.get()
    assert response["Location"] == f"/staff/adverse-events/{event.public_id}/"
    assert (event.kind, event.severity, event.treatment, event.vial, event.handoff) == (
        "eyelid_ptosis",
        "moderate",
        treatment,
        treatment.vials.get(),
        handoff,
    )
    handoff.refresh_from_db()
    assert handoff.status == HandoffStatus.CLOSED
    assert "My eyelid is drooping" not in client.get("/staff/adverse-events/").content.decode()
    assert _events(object_type="treatments.adverseevent")[0] == (
        "create", "nurse-ben", "treatments.adverseevent",
        {"kind": "eyelid_ptosis", "severity": "moderate"},
    )  # fmt: skip


def test_another_clinics_urgent_message_is_not_found(client, injector, alice, other_clinic):  # type: ignore[no-untyped-def]
    handoff = _urgent(other_clinic)
    client.force_login(injector)
    url = f"/staff/patients/{alice.public_id}/adverse-events/new/?handoff={handoff.public_id}"
    assert client.get(url).status_code == 404
    assert "drooping" not in client.get("/staff/adverse-events/").content.decode()


def test_bad_event_input_saves_nothing(client, injector, alice, carol):  # type: ignore[no-untyped-def]
    carols = signed_botox(carol, by=injector)
    client.force_login(injector)
    response = client.post(
        f"/staff/patients/{alice.public_id}/adverse-events/new/",
        {"kind": "sneezing", "severity": "mild", "onset_on": "2999-01-01", "description": "",
         "treatment": str(carols.public_id)},
    )  # fmt: skip
    page = response.content.decode()
    for field in ("kind", "description", "treatment"):
        assert f'id="id_{field}_error"' in page
    future = client.post(
        f"/staff/patients/{alice.public_id}/adverse-events/new/",
        {"kind": "headache", "severity": "mild", "onset_on": "2999-01-01", "description": "Ache"},
    ).content.decode()
    assert 'id="id_onset_on_error"' in future and "is in the future" in future
    assert not AdverseEvent.objects.exists()


def test_open_event_shows_on_the_chart_until_resolved(client, injector, front_desk, course):  # type: ignore[no-untyped-def]
    chart = f"/staff/patients/{course.event.patient.public_id}/"
    client.force_login(injector)
    assert "Open adverse event" in client.get(chart).content.decode()

    board = client.get("/staff/adverse-events/").content.decode()
    open_part = board.split('id="open-heading"')[1].split('id="resolved-heading"')[0]
    assert "Testpatient, Alice" in open_part and "Bruising" in open_part

    refused = client.post(
        f"/staff/adverse-events/{course.event.public_id}/resolve/", {"resolved_on": "2999-01-01"}
    )
    assert "is in the future" in refused.content.decode()
    client.post(
        f"/staff/adverse-events/{course.event.public_id}/resolve/",
        {"resolved_on": _today().isoformat(), "actions": "Arnica"},
    )
    course.event.refresh_from_db()
    assert (course.event.resolved_on, course.event.actions) == (_today(), "Arnica")
    assert "Open adverse event" not in client.get(chart).content.decode()
    resolved = client.get("/staff/adverse-events/").content.decode()
    assert "Testpatient, Alice" in resolved.split('id="resolved-heading"')[1]

    client.force_login(front_desk)
    assert "adverse" not in client.get(chart).content.decode().lower()


# --- chart timeline -------------------------------------------------------------------------


def test_chart_timeline_lists_the_course_newest_first(client, injector, course):  # type: ignore[no-untyped-def]
    client.force_login(injector)
    page = client.get(f"/staff/patients/{course.event.patient.public_id}/").content.decode()

    chart = page.split('id="chart-heading"')[1]
    order = [
        chart.index(f"/staff/reviews/{course.review.public_id}/"),
        chart.index(f"/staff/adverse-events/{course.event.public_id}/"),
        chart.index(f"/staff/treatments/{course.treatment.public_id}/"),
        chart.index(f"/staff/consultations/{course.consultation.public_id}/"),
    ]
    assert order == sorted(order)
    assert "Botox Cosmetic · 20 U · Glabellar lines" in chart
    assert "New consultation" in chart and "Report adverse event" in chart
    assert f"/staff/patients/{course.event.patient.public_id}/treatments/new/" in chart
    assert ("view", "nurse-ben", "patients.patient", {"section": "chart"}) in _events()


def test_front_desk_sees_appointments_but_no_clinical_item(client, front_desk, carol, injector):  # type: ignore[no-untyped-def]
    treatment = signed_botox(carol, by=injector)
    client.force_login(front_desk)
    page = client.get(f"/staff/patients/{carol.public_id}/").content.decode()

    assert "Upcoming appointments" in page and "Two-week review" in page
    assert 'id="chart-heading"' not in page
    assert str(treatment.public_id) not in page
    assert "New consultation" not in page and "Botox" not in page
    assert ("view", "desk-cat", "patients.patient", {"section": "chart"}) not in _events()
