"""Every route that is not public refuses someone who may not use it, and changes nothing.

The permission matrices of each app state the exact status per role; this test walks the URL
configuration itself, so a new page or endpoint that forgets its access check fails here
even before anyone writes its matrix. Another clinic's director must not reach this clinic's
rows, a signed-in user without a role reaches nothing, and anonymous visitors are sent to
sign in (pages) or refused (API).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.db.models import Max
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from glabella.assistant.models import Handoff, HandoffKind
from glabella.assistant.services import EntryText, create_entry
from glabella.patients.models import Patient
from glabella.scheduling.models import Appointment
from glabella.treatments import services

pytestmark = pytest.mark.django_db

PUBLIC = {
    "home",
    # Liveness and readiness for the supervisor and load balancer: no patient data.
    "healthz",
    "readyz",
    "login",
    "logout",
    "accounts:two-factor-setup",
    "accounts:two-factor-verify",
    "api-v1:openapi-json",
    "api-v1:openapi-view",
    "api-v1:api-root",
    "api-v1:list_products",
    "api-v1:get_product",
    "api-v1:list_sources",
    "api-v1:reconstitution",
    "api-v1:ask",
    "assistant:chat",
    "assistant:embed-script",
    "assistant:clinic-chat",
    # Patients add contact details to their own handed-over message: the signed token for
    # that message is the authorisation (assistant/tests/test_contact.py refuses the rest).
    "api-v1:attach_handoff_contact",
    "assistant:handoff-contact",
    # Replies from patients: Twilio's signature or the relay's shared secret authorises the
    # webhooks, a link signed for one patient the unsubscribe page (messaging/tests).
    "messaging:sms-inbound",
    "messaging:sms-status",
    "messaging:email-inbound",
    "messaging:unsubscribe",
    # Online booking: the clinic's public booking page (embeddable like the chat), and the
    # patient's visit by a link signed for that one appointment (booking/tests refuse the rest).
    "booking:book",
    "booking:embed-script",
    "booking:manage",
    "booking:cancel",
    "booking:move",
    "booking:calendar",
}
# A method the route does not serve changes nothing either; nor does an empty API body, which
# the schema refuses (422) before access is decided. The apps' matrices send valid bodies.
REFUSED = {405}
REFUSED_API_BODY = 422
PAGE_METHODS = ("get", "post")
API_METHODS = ("get", "post", "patch", "delete")


def _routes(
    patterns: list[Any], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            yield prefix + str(pattern.pattern), name


def guarded_routes() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for route, name in _routes(get_resolver().url_patterns):
        if name not in PUBLIC:
            seen.setdefault(route, name)  # the API lists one path once per method
    return sorted(seen.items())


@pytest.fixture
def north_rows(clinic, injector, director) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """One row of every kind a URL can name, all belonging to the "north" clinic."""
    patient = Patient.objects.create(
        clinic=clinic, first_name="Dora", last_name="Guarded", date_of_birth=date(1988, 8, 8)
    )
    consultation = services.record_consultation(patient, {}, by=injector)
    treatment = services.start_treatment(patient, {"product": "botox"}, by=injector)
    vial = services.add_vial(
        treatment, "G1", timezone.localdate() + timedelta(days=90), by=injector
    )
    for x, y in [(50, 33), (44, 30), (56, 30), (41, 28), (59, 28)]:
        site = services.add_site(treatment, {"x": x, "y": y, "units": 4}, by=injector)
    services.update_treatment(treatment, {"aftercare_given": True}, by=injector)
    treatment = services.sign_treatment(treatment, by=injector)
    review = services.record_review(
        treatment, {"effect": {"glabellar": 0}, "satisfaction": 5}, by=injector
    )
    event = services.report_adverse_event(
        patient, {"kind": "bruising", "severity": "mild", "description": "A bruise."}, by=injector
    )
    entry = create_entry(
        clinic, EntryText(topic="aftercare", title="After?", answer="Rest."), by=director
    )
    handoff = Handoff.objects.create(clinic=clinic, question="Parking?", kind=HandoffKind.QUESTION)
    ids = {
        "patient_id": patient.public_id,
        "consultation_id": consultation.public_id,
        "treatment_id": treatment.public_id,
        "site_id": site.public_id,
        "vial_id": vial.public_id,
        "review_id": review.public_id,
        "event_id": event.public_id,
        "appointment_id": Appointment.objects.get(follows=treatment).public_id,
        "entry_id": entry.public_id,
        "handoff_id": handoff.public_id,
    }
    return {name: str(value) for name, value in ids.items()}


def _url(route: str, ids: dict[str, str]) -> str:
    path = route
    for name, value in ids.items():
        for converter in ("uuid:", "slug:", ""):
            path = path.replace(f"<{converter}{name}>", value)
    assert "<" not in path, f"no test row for a parameter of {route}: add one to north_rows"
    return "/" + path


def _state() -> dict[str, Any]:
    """Row counts and the latest change time of every Glabella table."""
    state: dict[str, Any] = {}
    for model in apps.get_models():
        if not model.__module__.startswith("glabella."):
            continue
        rows = model._default_manager.all()
        state[model._meta.label] = rows.count()
        if any(f.name == "updated_at" for f in model._meta.fields):
            state[f"{model._meta.label}.updated"] = rows.aggregate(at=Max("updated_at"))["at"]
    return state


def _send(client: Client, method: str, url: str) -> int:
    if method == "get":
        return client.get(url).status_code
    if url.startswith("/api/"):
        body = json.dumps({})
        return getattr(client, method)(url, data=body, content_type="application/json").status_code
    return client.post(url, data={}).status_code


def _refusals(
    client: Client, ids: dict[str, str], allowed: set[int], *, objects_only: bool
) -> list[str]:
    wrong = []
    for route, name in guarded_routes():
        if objects_only and "<" not in route:
            continue  # a list of one's own clinic: nothing of another clinic to refuse
        url = _url(route, ids)
        for method in API_METHODS if url.startswith("/api/") else PAGE_METHODS:
            status = _send(client, method, url)
            if status == REFUSED_API_BODY and url.startswith("/api/") and method != "get":
                continue
            if status not in allowed | REFUSED:
                wrong.append(f"{method.upper()} {url} ({name}) → {status}")
    return wrong


def test_every_guarded_route_has_a_row_to_name():
    assert len(guarded_routes()) > 60
    for route, _ in guarded_routes():
        assert all(part in _known_parameters() for part in _parameters(route)), route


def _parameters(route: str) -> list[str]:
    return [part.split(">")[0].split(":")[-1] for part in route.split("<")[1:]]


def _known_parameters() -> set[str]:
    return {
        "patient_id",
        "consultation_id",
        "treatment_id",
        "site_id",
        "vial_id",
        "review_id",
        "event_id",
        "appointment_id",
        "entry_id",
        "handoff_id",
    }


def test_anonymous_visitors_are_sent_to_sign_in_or_refused(north_rows):
    before = _state()
    wrong = _refusals(Client(), north_rows, {302, 401}, objects_only=False)
    assert wrong == []
    assert _state() == before


def test_a_user_without_a_role_reaches_nothing(north_rows, no_role):
    client = Client()
    client.force_login(no_role)
    before = _state()
    assert _refusals(client, north_rows, {403, 404}, objects_only=False) == []
    assert _state() == before


def test_another_clinics_director_reaches_no_row_of_this_clinic(north_rows, other_director):
    client = Client()
    client.force_login(other_director)
    before = _state()
    assert _refusals(client, north_rows, {403, 404}, objects_only=True) == []
    assert _state() == before
