"""The staff registration page (duplicate warning, one-time key) and the possible-duplicates
queue with its merge (issue 9)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from glabella.audit.models import AuditEvent
from glabella.messaging.models import MessagingPreference
from glabella.patients.merging import merge_patients
from glabella.patients.models import DuplicateFlag, Patient, RegistrationKey
from glabella.patients.services import register_patient
from glabella.scheduling.models import Appointment
from glabella.testing import client_as, make_appointment, race, signed_botox
from glabella.treatments.models import Recall, RecallStatus, TreatmentRecord

pytestmark = pytest.mark.django_db

URL = "/staff/patients/new/?clinic=north"
BORN = date(1970, 3, 3)
FORM = {
    "first_name": "José", "last_name": "Ñúñez", "date_of_birth": "1970-03-03",
    "phone": "(555) 010-2000", "preferred_channel": "none",
}  # fmt: skip


@pytest.fixture
def nunez(clinic) -> Patient:  # type: ignore[no-untyped-def]
    return Patient.objects.create(
        clinic=clinic, first_name="Jose", last_name="Nunez", date_of_birth=BORN,
        phone="555.010.2000",
    )  # fmt: skip


def _key(page: str) -> str:
    found = re.search(r'name="registration_key" value="([0-9a-f-]{36})"', page)
    assert found, "the form carries a one-time key"
    return found[1]


# --- registration -------------------------------------------------------------------------------


def test_a_double_submit_registers_one_patient(request, clinic) -> None:  # type: ignore[no-untyped-def]
    client = client_as(request, "front_desk")
    key = _key(client.get(URL).content.decode())

    first = client.post(URL, {**FORM, "registration_key": key})
    second = client.post(URL, {**FORM, "registration_key": key})

    patient = Patient.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/staff/patients/{patient.public_id}/"
    assert RegistrationKey.objects.get().patient == patient
    assert AuditEvent.objects.filter(action="create", patient_id=patient.public_id).count() == 1


def test_each_form_gets_its_own_key(request, clinic) -> None:  # type: ignore[no-untyped-def]
    client = client_as(request, "front_desk")
    assert _key(client.get(URL).content.decode()) != _key(client.get(URL).content.decode())


def test_same_name_birth_and_phone_warns_and_saves_nothing(request, clinic, nunez) -> None:  # type: ignore[no-untyped-def]
    client = client_as(request, "front_desk")
    page = client.post(URL, {**FORM, "registration_key": str(uuid4())})

    text = page.content.decode()
    assert page.status_code == 200
    assert "This patient is already registered" in text
    assert f'href="/staff/patients/{nunez.public_id}/"' in text
    assert 'name="confirm_new"' in text
    assert list(Patient.objects.all()) == [nunez]
    check = AuditEvent.objects.get(object_type="patients.duplicate_check")
    assert check.detail == {"outcome": "exact", "candidates": [str(nunez.public_id)]}


def test_a_possible_duplicate_warns_too(request, clinic, nunez) -> None:  # type: ignore[no-untyped-def]
    client = client_as(request, "front_desk")
    body = {**FORM, "phone": "555 999 0000", "registration_key": str(uuid4())}
    text = client.post(URL, body).content.decode()
    assert "This may be a patient already registered" in text
    assert Patient.objects.count() == 1


def test_registering_over_the_warning_queues_the_pair(request, clinic, nunez) -> None:  # type: ignore[no-untyped-def]
    client = client_as(request, "front_desk")
    body = {**FORM, "registration_key": str(uuid4()), "confirm_new": "on"}
    response = client.post(URL, body)

    new = Patient.objects.exclude(pk=nunez.pk).get()
    assert response["Location"] == f"/staff/patients/{new.public_id}/"
    flag = DuplicateFlag.objects.get()
    assert (flag.patient, flag.candidate, flag.reason, flag.source) == (
        new,
        nunez,
        "same_person",
        "staff",
    )
    created = AuditEvent.objects.get(action="create", patient_id=new.public_id)
    assert created.detail["possible_duplicates"] == [str(nunez.public_id)]


@pytest.mark.django_db(transaction=True)
def test_two_submits_at_once_register_one_patient(clinic, front_desk) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; SQLite serialises writers")
    key = uuid4()
    data = {"first_name": "Ana", "last_name": "Race", "date_of_birth": BORN}
    outcomes = race(*[lambda: register_patient(clinic, data, by=front_desk, key=key)] * 4)
    assert outcomes == ["ok"] * 4
    assert Patient.objects.filter(last_name="Race").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_forms_for_one_person_at_once_are_queued_not_missed(clinic, front_desk) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; SQLite serialises writers")
    data = {"first_name": "Ana", "last_name": "Twice", "date_of_birth": BORN, "phone": "555 1234"}
    calls = [lambda: register_patient(clinic, data, by=front_desk, key=uuid4()) for _ in range(2)]
    assert race(*calls) == ["ok", "ok"]
    first, second = Patient.objects.filter(last_name="Twice").order_by("id")
    flag = DuplicateFlag.objects.get()
    assert (flag.patient, flag.candidate, flag.reason) == (second, first, "same_person")


# --- the queue and the merge --------------------------------------------------------------------


@pytest.fixture
def pair(clinic, front_desk, injector, nunez) -> tuple[Patient, Patient]:  # type: ignore[no-untyped-def]
    """An earlier record with a signed course and a newer one with a booked visit."""
    signed_botox(nunez, by=injector, days_ago=100)
    data = {"first_name": "José", "last_name": "Ñúñez", "date_of_birth": BORN,
            "phone": "+1 555 999 0000"}  # fmt: skip
    newer = register_patient(clinic, data, by=None, source="online")
    make_appointment(newer, timezone.now() + timedelta(days=3), injector=injector)
    return nunez, newer


def test_the_queue_lists_the_pair_for_the_front_desk(request, pair) -> None:  # type: ignore[no-untyped-def]
    earlier, newer = pair
    page = client_as(request, "front_desk").get("/staff/patients/duplicates/?clinic=north")
    text = page.content.decode()
    assert page.status_code == 200
    assert f'href="/staff/patients/{newer.public_id}/"' in text
    assert f'href="/staff/patients/{earlier.public_id}/"' in text
    assert "Same name and date of birth, other phone and email" in text
    assert AuditEvent.objects.filter(object_type="patients.duplicate_queue").count() == 1


def test_merging_moves_the_visits_and_keeps_both_records(request, pair, injector) -> None:  # type: ignore[no-untyped-def]
    earlier, newer = pair
    client = client_as(request, "front_desk")
    response = client.post(
        f"/staff/patients/{newer.public_id}/merge/", {"other": str(earlier.public_id)}
    )

    assert response["Location"] == f"/staff/patients/{earlier.public_id}/"
    newer.refresh_from_db()
    assert (newer.merged_into, newer.merged_at is not None) == (earlier, True)
    assert Appointment.objects.filter(patient=newer).count() == 0
    assert Appointment.objects.filter(patient=earlier, kind="treatment").count() == 1
    assert TreatmentRecord.objects.filter(patient=earlier).count() == 1
    assert Patient.objects.count() == 2  # nothing deleted
    assert DuplicateFlag.objects.get().status == "merged"
    kept = AuditEvent.objects.get(patient_id=earlier.public_id, detail__merged_from__isnull=False)
    assert kept.detail["merged_from"] == str(newer.public_id)
    assert kept.detail["moved"] == {"scheduling.appointment": 1}
    gone = AuditEvent.objects.get(patient_id=newer.public_id, detail__merged_into__isnull=False)
    assert gone.detail["merged_into"] == str(earlier.public_id)
    merged_page = client.get(f"/staff/patients/{newer.public_id}/").content.decode()
    assert "This record was merged into" in merged_page
    found = client.get("/staff/patients/?clinic=north&q=nunez").content.decode()
    assert str(newer.public_id) not in found and str(earlier.public_id) in found


def test_a_merge_keeps_one_live_recall(pair, injector, front_desk) -> None:  # type: ignore[no-untyped-def]
    earlier, newer = pair
    later = signed_botox(newer, by=injector, days_ago=10)
    merge_patients(earlier, newer, by=front_desk)
    recalls = {r.treatment_id: r.status for r in Recall.objects.filter(patient=earlier)}
    older = TreatmentRecord.objects.exclude(pk=later.pk).get()
    assert recalls == {later.pk: RecallStatus.DUE, older.pk: RecallStatus.TREATED}


def test_a_merged_record_cannot_be_merged_again(pair, front_desk, clinic) -> None:  # type: ignore[no-untyped-def]
    earlier, newer = pair
    merge_patients(earlier, newer, by=front_desk)
    third = Patient.objects.create(clinic=clinic, first_name="T", last_name="T", date_of_birth=BORN)
    with pytest.raises(ValidationError, match="already merged"):
        merge_patients(third, newer, by=front_desk)
    with pytest.raises(ValidationError, match="itself"):
        merge_patients(third, third, by=front_desk)


def test_records_of_two_clinics_are_not_merged(request, pair, bob) -> None:  # type: ignore[no-untyped-def]
    earlier, _ = pair
    response = client_as(request, "front_desk").post(
        f"/staff/patients/{earlier.public_id}/merge/", {"other": str(bob.public_id)}
    )
    assert response.status_code == 404
    assert Patient.objects.filter(merged_into__isnull=False).count() == 0


def test_different_people_leave_the_queue(request, pair) -> None:  # type: ignore[no-untyped-def]
    earlier, newer = pair
    client = client_as(request, "front_desk")
    client.post(f"/staff/patients/{newer.public_id}/not-duplicate/", {"other": earlier.public_id})
    flag = DuplicateFlag.objects.get()
    assert (flag.status, flag.resolved_by.username) == ("dismissed", "desk-cat")
    assert Patient.objects.filter(merged_into__isnull=False).count() == 0
    page = client.get("/staff/patients/duplicates/?clinic=north").content.decode()
    assert "No possible duplicates to check." in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [("front_desk", 302), ("other_director", 404), ("no_role", 404), ("anonymous", 302)],
)
def test_who_may_merge(request, pair, persona, status) -> None:  # type: ignore[no-untyped-def]
    earlier, newer = pair
    client: Any = client_as(request, persona)
    response = client.post(
        f"/staff/patients/{newer.public_id}/merge/", {"other": str(earlier.public_id)}
    )
    assert response.status_code == status
    merged = Patient.objects.filter(merged_into__isnull=False).exists()
    assert merged == (persona == "front_desk")


def test_a_one_to_one_row_moves_only_where_the_kept_record_has_none(pair, front_desk) -> None:  # type: ignore[no-untyped-def]
    earlier, newer = pair
    MessagingPreference.objects.create(patient=newer, consent=True, channel="sms")
    merged = merge_patients(earlier, newer, by=front_desk)
    assert MessagingPreference.objects.get().patient == earlier
    assert merged.moved["messaging.messagingpreference"] == 1

    other = Patient.objects.create(
        clinic=earlier.clinic, first_name="O", last_name="O", date_of_birth=BORN
    )
    MessagingPreference.objects.create(patient=other, consent=False)
    merge_patients(earlier, other, by=front_desk)
    assert MessagingPreference.objects.get(patient=earlier).consent is True  # kept record wins
    assert MessagingPreference.objects.filter(patient=other).exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("director", 200), ("injector", 200), ("front_desk", 200), ("other_director", 404),
     ("no_role", 403), ("anonymous", 302)],
)  # fmt: skip
def test_who_may_open_the_queue(request, pair, persona, status) -> None:  # type: ignore[no-untyped-def]
    response = client_as(request, persona).get("/staff/patients/duplicates/?clinic=north")
    assert response.status_code == status
    text = response.content.decode()
    earlier, newer = pair
    assert (str(newer.public_id) in text) == (status == 200)
