"""Back to the patient: the reference on a handed-over message, the signed contact token, the
details a patient leaves (chat form and JSON API) and the patient record they match."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from glabella.accounts.models import Clinic
from glabella.assistant import models
from glabella.assistant.contact_details import ContactDetails, name_key, same_phone
from glabella.assistant.models import REFERENCE_ALPHABET, Handoff, HandoffKind, tidy_reference
from glabella.assistant.services.contact import (
    ContactExpired,
    ContactRefused,
    attach_contact,
    contact_token,
    handoff_for_contact,
    match_patient,
)
from glabella.audit.models import Action, AuditEvent
from glabella.patients.models import Patient

pytestmark = pytest.mark.django_db


def _handoff(clinic: Clinic, kind: str = HandoffKind.URGENT, **fields: Any) -> Handoff:
    question = fields.pop("question", "My eyelid is drooping since my botox yesterday")
    return Handoff.objects.create(clinic=clinic, question=question, kind=kind, **fields)


def _patient(clinic: Clinic, first: str, last: str, **fields: Any) -> Patient:
    return Patient.objects.create(
        clinic=clinic, first_name=first, last_name=last, date_of_birth=date(1980, 1, 1), **fields
    )


def _contact_url(handoff: Handoff) -> str:
    return f"/ask/handoffs/{handoff.public_id}/contact"


def _unchanged(handoff: Handoff) -> bool:
    handoff.refresh_from_db()
    empty = (handoff.contact_name, handoff.contact_phone, handoff.contact_email) == ("", "", "")
    return empty and handoff.contact_consent_at is None and handoff.patient is None


# --- the reference -------------------------------------------------------------------------


def test_a_handoff_gets_an_eight_character_reference_without_confusable_characters(
    clinic,
) -> None:
    references = {_handoff(clinic).reference for _ in range(30)}

    assert len(references) == 30
    for reference in references:
        assert re.fullmatch(f"[{REFERENCE_ALPHABET}]{{8}}", reference)
        assert not set(reference) & set("0O1I")


def test_a_reference_already_used_at_the_clinic_is_drawn_again(clinic, monkeypatch) -> None:
    draws = iter(["AAAA2222", "AAAA2222", "BBBB3333"])
    monkeypatch.setattr(models, "new_reference", lambda: next(draws))

    first, second = _handoff(clinic), _handoff(clinic)

    assert (first.reference, second.reference) == ("AAAA2222", "BBBB3333")
    assert second.reference_display == "BBBB-3333"


def test_references_are_unique_per_clinic_in_the_database(clinic, other_clinic) -> None:
    _handoff(clinic, reference="CCCC4444")
    assert _handoff(other_clinic, reference="CCCC4444").reference == "CCCC4444"
    with pytest.raises(IntegrityError), transaction.atomic():
        _handoff(clinic, reference="CCCC4444")


def test_a_quoted_reference_is_tidied_to_the_stored_form() -> None:
    assert tidy_reference(" k7qm-4xpd ") == "K7QM4XPD"
    assert tidy_reference("K7QM 4XPD") == "K7QM4XPD"


# --- the token -------------------------------------------------------------------------------


def test_the_token_opens_its_own_handoff_only(clinic) -> None:
    mine, other = _handoff(clinic), _handoff(clinic)
    token = contact_token(mine)

    assert handoff_for_contact(mine.public_id, token) == mine
    assert handoff_for_contact(str(mine.public_id), token) == mine
    for handoff_id, bad in [
        (other.public_id, token),
        (mine.public_id, token + "x"),
        (mine.public_id, ""),
        (mine.public_id, contact_token(other)),
    ]:
        with pytest.raises(ContactRefused) as refused:
            handoff_for_contact(handoff_id, bad)
        assert not isinstance(refused.value, ContactExpired)


def test_a_token_older_than_a_day_has_expired(clinic, time_machine) -> None:
    handoff = _handoff(clinic)
    time_machine.move_to(timezone.now(), tick=False)
    token = contact_token(handoff)

    time_machine.shift(timedelta(hours=23))
    assert handoff_for_contact(handoff.public_id, token) == handoff
    time_machine.shift(timedelta(hours=2))
    with pytest.raises(ContactExpired) as expired:
        handoff_for_contact(handoff.public_id, token)
    assert expired.value.handoff == handoff


# --- checking and tidying the details --------------------------------------------------------


def test_details_are_tidied() -> None:
    details = ContactDetails("  Ana   María ", " +34  600 111 222 ", " Ana@Example.ES ").clean()
    assert details == ContactDetails("Ana María", "+34 600 111 222", "Ana@example.es")


@pytest.mark.parametrize(
    ("details", "errors"),
    [
        (
            ContactDetails("Ana"),
            {"__all__": ["Give a phone number or an email address so the clinic can reach you."]},
        ),
        (
            ContactDetails("Ana", phone="555"),
            {"phone": ["Enter a phone number of 7 to 15 digits, for example +1 555 010 1234."]},
        ),
        (
            ContactDetails("Ana", phone="call me maybe"),
            {"phone": ["Enter a phone number of 7 to 15 digits, for example +1 555 010 1234."]},
        ),
        (
            ContactDetails("Ana", email="ana@"),
            {"email": ["Enter an email address such as name@example.com."]},
        ),
        (
            ContactDetails("Ana\x00", phone="555 010 1234"),
            {"name": ["Null characters are not allowed."]},
        ),
        (
            ContactDetails("Ana", email="ana\x00@example.com"),
            {"email": ["Null characters are not allowed."]},
        ),
    ],
)
def test_wrong_details_are_refused_with_a_message_per_field(details, errors) -> None:
    with pytest.raises(ValidationError) as refused:
        details.clean()
    assert refused.value.message_dict == errors


def test_names_compare_without_accents_case_punctuation_or_extra_spaces() -> None:
    assert name_key("José  O'Núñez-Pérez") == name_key("jose o nunez perez") == "jose o nunez perez"


def test_phones_compare_by_digits_with_or_without_a_country_code() -> None:
    assert same_phone("(555) 010-1234", "555.010.1234")
    assert same_phone("(555) 010-1234", "+1 555 010 1234")
    assert same_phone("020 7946 0958", "+44 20 7946 0958")
    assert not same_phone("(555) 010-1234", "(555) 010-1235")
    assert not same_phone("", "555 010 1234")


# --- matching a patient record ---------------------------------------------------------------


def test_name_and_phone_match_one_patient(clinic, alice) -> None:
    for name, phone in [
        ("Alice Testpatient", "555 010 1234"),
        ("alice TESTPATIENT", "+1 (555) 010-1234"),
        ("Testpatient Alice", "5550101234"),
    ]:
        assert match_patient(clinic, ContactDetails(name, phone=phone)) == alice


def test_name_and_email_match_whatever_the_case(clinic, alice) -> None:
    details = ContactDetails("Alice Testpatient", email="ALICE@example.test")
    assert match_patient(clinic, details) == alice


def test_accents_do_not_stop_a_match_either_way(clinic) -> None:
    jose = _patient(clinic, "José", "Núñez", phone="600 111 222")
    ana = _patient(clinic, "Ana", "Pena", email="ana@example.test")

    assert match_patient(clinic, ContactDetails("jose nunez", phone="600111222")) == jose
    assert match_patient(clinic, ContactDetails("JOSÉ NÚÑEZ", phone="600 111 222")) == jose
    assert match_patient(clinic, ContactDetails("Ana Peña", email="ana@example.test")) == ana


def test_two_matching_records_match_none(clinic, alice) -> None:
    _patient(clinic, "Alice", "Testpatient", phone="555-010-1234")  # a duplicate record
    assert match_patient(clinic, ContactDetails("Alice Testpatient", phone="5550101234")) is None


@pytest.mark.parametrize(
    "details",
    [
        ContactDetails("Alice Testpatient", phone="555 010 9999"),  # the name alone
        ContactDetails("Alice Otherperson", phone="555 010 1234"),  # the phone alone
        ContactDetails("Alice", phone="555 010 1234"),  # part of the name
        ContactDetails("", phone="555 010 1234"),  # no name
        ContactDetails("Alice Testpatient", email="alice@example.org"),
    ],
)
def test_partial_matches_match_none(clinic, alice, details) -> None:
    assert match_patient(clinic, details) is None


def test_another_clinics_patient_is_never_matched(clinic, other_clinic) -> None:
    _patient(other_clinic, "Bea", "Elsewhere", phone="555 010 7777")
    assert match_patient(clinic, ContactDetails("Bea Elsewhere", phone="555 010 7777")) is None


# --- attaching the details -------------------------------------------------------------------


def test_attaching_details_stores_them_with_consent_and_links_the_patient(clinic, alice) -> None:
    handoff = _handoff(clinic)
    before = timezone.now()

    attach_contact(handoff, ContactDetails("Alice Testpatient", "(555) 010-1234", ""))

    handoff.refresh_from_db()
    assert (handoff.contact_name, handoff.contact_phone, handoff.contact_email) == (
        "Alice Testpatient",
        "(555) 010-1234",
        "",
    )
    assert handoff.contact_consent_at >= before
    assert handoff.patient == alice
    event = AuditEvent.objects.get(object_id=str(handoff.public_id))
    assert (event.action, event.actor_label, event.patient_id) == (
        Action.CHANGE,
        "system",
        alice.public_id,
    )
    assert event.detail == {"contact": ["name", "phone"], "matched_patient": True}


def test_sending_again_replaces_the_details_and_the_match(clinic, alice) -> None:
    handoff = _handoff(clinic)
    attach_contact(handoff, ContactDetails("Alice Testpatient", "(555) 010-1234"))
    attach_contact(handoff, ContactDetails("A friend", email="friend@example.test"))

    handoff.refresh_from_db()
    assert (handoff.contact_name, handoff.contact_phone, handoff.contact_email) == (
        "A friend",
        "",
        "friend@example.test",
    )
    assert handoff.patient is None
    last = AuditEvent.objects.filter(object_id=str(handoff.public_id)).latest("id")
    assert (last.patient_id, last.detail) == (
        None,
        {"contact": ["name", "email"], "matched_patient": False},
    )


def test_refused_details_change_nothing(clinic) -> None:
    handoff = _handoff(clinic)
    with pytest.raises(ValidationError):
        attach_contact(handoff, ContactDetails("Ana"))
    assert _unchanged(handoff)
    assert not AuditEvent.objects.exists()


# --- the chat's contact step -----------------------------------------------------------------


def _post(client: Client, handoff: Handoff, htmx: bool = False, **data: str) -> Any:
    body = {"token": contact_token(handoff), "name": "", "phone": "", "email": ""} | data
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(_contact_url(handoff), body, headers=headers)


def test_an_urgent_reply_shows_the_emergency_instructions_first_then_the_contact_form(
    client: Client, clinic, small_kb
) -> None:
    response = client.post("/ask", {"question": "my wife has double vision since her botox"})
    page = response.content.decode()

    handoff = Handoff.objects.get()
    assert handoff.kind == HandoffKind.URGENT
    order = [
        page.index('class="urgent-banner"'),
        page.index('href="tel:911"'),
        page.index('data-kind="urgent"'),
        page.index(f'Your reference: <strong class="reference-code">{handoff.reference_display}'),
        page.index('class="contact-form"'),
        page.index("By sending these you agree that Test Clinic may contact you about this"),
    ]
    assert order == sorted(order)
    assert f'action="{_contact_url(handoff)}"' in page
    token = re.search(r'name="token" value="([^"]+)"', page)
    assert token is not None
    assert handoff_for_contact(handoff.public_id, token.group(1)) == handoff


def test_an_answered_question_offers_no_contact_step(client: Client, clinic, small_kb) -> None:
    page = client.post("/ask", {"question": "is it painful?"}).content.decode()
    assert "contact-form" not in page and "Your reference" not in page


def test_sending_the_form_without_javascript_thanks_the_patient(client: Client, clinic) -> None:
    handoff = _handoff(clinic)

    response = _post(client, handoff, name="Pat Doe", phone="555 010 4444")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Thank you" in page and "Test Clinic has your details" in page
    assert handoff.reference_display in page
    assert page.index('class="urgent-banner"') < page.index("Thank you")  # still first
    assert "Ask Test Clinic" in page  # the chat, to ask again
    handoff.refresh_from_db()
    assert (handoff.contact_name, handoff.contact_phone) == ("Pat Doe", "555 010 4444")
    assert handoff.contact_consent_at is not None
    event = AuditEvent.objects.get()
    assert (event.actor_label, event.detail) == (
        "anonymous",
        {"contact": ["name", "phone"], "matched_patient": False},
    )
    assert "Pat" not in str(event.detail) and "4444" not in str(event.detail)


def test_htmx_gets_the_contact_block_back_in_place(client: Client, clinic) -> None:
    handoff = _handoff(clinic, kind=HandoffKind.QUESTION)

    page = _post(client, handoff, htmx=True, email="pat@example.test").content.decode()

    assert page.startswith(f'<section class="contact-step" id="contact-{handoff.public_id}"')
    assert "Thank you" in page and "<html" not in page
    handoff.refresh_from_db()
    assert handoff.contact_email == "pat@example.test"


def test_neither_phone_nor_email_is_refused_keeping_what_was_typed(client: Client, clinic) -> None:
    handoff = _handoff(clinic)

    response = _post(client, handoff, htmx=True, name="Pat Doe")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Give a phone number or an email address so the clinic can reach you." in page
    assert 'value="Pat Doe"' in page
    assert 'name="token"' in page  # the form again, ready to send
    assert _unchanged(handoff)
    assert not AuditEvent.objects.exists()


def test_a_wrong_email_is_refused_keeping_the_phone(client: Client, clinic) -> None:
    handoff = _handoff(clinic)

    page = _post(client, handoff, phone="555 010 4444", email="pat@").content.decode()

    assert "Enter an email address such as name@example.com." in page
    assert 'value="555 010 4444"' in page and 'value="pat@"' in page
    assert 'aria-invalid="true"' in page
    assert _unchanged(handoff)


def test_errors_come_in_spanish_on_the_spanish_page(client: Client, clinic) -> None:
    handoff = _handoff(clinic)

    page = _post(client, handoff, name="Ana", lang="es").content.decode()

    assert '<html lang="es">' in page
    assert "Indique un teléfono o un correo electrónico" in page
    assert "Al enviar estos datos, acepta que Test Clinic se ponga en contacto" in page
    assert _unchanged(handoff)


@pytest.mark.parametrize("htmx", [False, True])
def test_a_forged_token_is_refused_and_changes_nothing(client: Client, clinic, htmx) -> None:
    handoff = _handoff(clinic)

    response = _post(client, handoff, htmx=htmx, token="forged", phone="555 010 4444")

    assert response.status_code == (200 if htmx else 403)
    assert "These details could not be sent from this page." in response.content.decode()
    assert _unchanged(handoff)
    assert not AuditEvent.objects.exists()


def test_another_handoffs_token_cannot_add_details_to_this_one(client: Client, clinic) -> None:
    mine, someone_elses = _handoff(clinic), _handoff(clinic)

    response = client.post(
        _contact_url(someone_elses), {"token": contact_token(mine), "phone": "555 010 4444"}
    )

    assert response.status_code == 403
    assert _unchanged(mine) and _unchanged(someone_elses)


def test_an_expired_form_says_to_call_and_changes_nothing(
    client: Client, clinic, time_machine
) -> None:
    handoff = _handoff(clinic)
    time_machine.move_to(timezone.now(), tick=False)
    token = contact_token(handoff)
    time_machine.shift(timedelta(days=1, minutes=1))

    page = _post(client, handoff, token=token, phone="555 010 4444").content.decode()

    assert "This form has expired" in page
    assert "Please call the clinic on (555) 010-0199 and quote your reference." in page
    assert _unchanged(handoff)


def test_a_null_character_is_refused_and_changes_nothing(client: Client, clinic) -> None:
    handoff = _handoff(clinic)

    response = _post(client, handoff, name="Pat\x00", phone="555 010 4444")

    assert response.status_code == 400
    assert _unchanged(handoff)


def test_the_contact_address_only_takes_posts(client: Client, clinic) -> None:
    assert client.get(_contact_url(_handoff(clinic))).status_code == 405


# --- the JSON API ----------------------------------------------------------------------------


def _api_contact(client: Client, handoff: Handoff, **payload: Any) -> Any:
    body = {"token": contact_token(handoff), "consent": True} | payload
    return client.post(
        f"/api/v1/assistant/handoffs/{handoff.public_id}/contact",
        body,
        content_type="application/json",
    )


def test_the_api_gives_the_reference_and_token_then_takes_the_details(
    client: Client, clinic, small_kb, alice
) -> None:
    asked = client.post(
        "/api/v1/assistant/ask",
        {"question": "my wife has double vision since her botox"},
        content_type="application/json",
    ).json()
    handoff = Handoff.objects.get()
    assert (asked["handoff_id"], asked["reference"]) == (
        str(handoff.public_id),
        handoff.reference_display,
    )

    response = client.post(
        f"/api/v1/assistant/handoffs/{handoff.public_id}/contact",
        {
            "token": asked["contact_token"],
            "name": "Alice Testpatient",
            "phone": "555-010-1234",
            "consent": True,
        },
        content_type="application/json",
    )

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"reference", "contact_consent_at"}  # never whether a patient matched
    assert body["reference"] == handoff.reference_display
    handoff.refresh_from_db()
    assert (handoff.contact_phone, handoff.patient) == ("555-010-1234", alice)


@pytest.mark.parametrize(
    ("payload", "status", "errors"),
    [
        ({"token": "forged", "phone": "555 010 4444"}, 403, None),
        ({"phone": "555 010 4444", "consent": False}, 422, {"consent"}),
        ({"name": "Pat"}, 422, {"__all__"}),
        ({"phone": "12", "email": "nope"}, 422, {"phone", "email"}),
        ({"name": "Pat\x00", "phone": "555 010 4444"}, 400, None),
    ],
)
def test_the_api_refuses_bad_requests_and_changes_nothing(
    client: Client, clinic, payload, status, errors
) -> None:
    handoff = _handoff(clinic)

    response = _api_contact(client, handoff, **payload)

    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    if errors:
        assert set(response.json()["errors"]) == errors
    assert _unchanged(handoff)
    assert not AuditEvent.objects.exists()


def test_the_api_refuses_another_handoffs_token(client: Client, clinic) -> None:
    mine, someone_elses = _handoff(clinic), _handoff(clinic)
    response = client.post(
        f"/api/v1/assistant/handoffs/{someone_elses.public_id}/contact",
        {"token": contact_token(mine), "phone": "555 010 4444", "consent": True},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert _unchanged(someone_elses) and _unchanged(mine)
