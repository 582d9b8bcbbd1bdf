"""The living demo: two isolated clinics, staff of every role, synthetic patients whose
histories went through the services, and a second run that adds nothing."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from glabella.accounts.models import Clinic, Membership, Role
from glabella.assistant.models import Entry, EntryStatus
from glabella.assistant.starter import quotes_a_price, shipped_starter
from glabella.audit.models import Action, AuditEvent
from glabella.clinical import ClinicalCore
from glabella.demo.answers import APPROVAL_NOTE
from glabella.demo.charts import CENTRE_POINTS, RIGHT_POINTS
from glabella.demo.clinics import DEMO_CLINICS, DEMO_PASSWORD
from glabella.demo.plans import Planner
from glabella.demo.seed import DemoSizes, seed_demo
from glabella.patients.models import Patient
from glabella.scheduling.models import Appointment, AppointmentKind, AppointmentStatus
from glabella.treatments import services
from glabella.treatments.charting import area_at
from glabella.treatments.models import (
    AdverseEvent,
    Consultation,
    Review,
    ScreeningOverride,
    TreatmentRecord,
    TreatmentStatus,
)

SMALL = DemoSizes(demo=10, second=7)
SMALL_ARGS = ("--patients", str(SMALL.demo), "--second-patients", str(SMALL.second))
ROLES_PER_CLINIC = [Role.MEDICAL_DIRECTOR, Role.INJECTOR, Role.INJECTOR, Role.FRONT_DESK]


@dataclass
class DemoRun:
    output: str
    warmed: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def demo_run(django_db_setup, django_db_blocker) -> Iterator[DemoRun]:  # type: ignore[no-untyped-def]
    """``glabella demo`` run once for the module (seeding takes seconds), its rows rolled back
    afterwards; the assistant's index is not warmed (other tests cover it)."""
    run = DemoRun(output="")
    with (
        django_db_blocker.unblock(),
        pytest.MonkeyPatch.context() as patch,
        transaction.atomic(),
    ):
        patch.setattr(
            "glabella.assistant.engine_cache.engine_for", lambda c: run.warmed.append(c.slug)
        )
        output = StringIO()
        call_command("demo", *SMALL_ARGS, stdout=output)
        run.output = output.getvalue()
        yield run
        transaction.set_rollback(True)


@pytest.fixture
def seeded(demo_run: DemoRun, db: None) -> DemoRun:
    return demo_run


def _clinics() -> list[Clinic]:
    return [Clinic.objects.get(slug=spec.slug) for spec in DEMO_CLINICS]


def _staff_of(clinic: Clinic, role: Role):  # type: ignore[no-untyped-def]
    return Membership.objects.filter(clinic=clinic, role=role).first().user


def _counts() -> dict[str, int]:
    models = (Patient, Consultation, TreatmentRecord, Review, AdverseEvent, Appointment)
    counts = {model.__name__: model.objects.count() for model in models}
    counts["Membership"] = Membership.objects.count()
    counts["AuditEvent"] = AuditEvent.objects.count()
    return counts


def test_two_clinics_with_a_director_two_injectors_and_a_front_desk_each(seeded) -> None:
    for clinic in _clinics():
        roles = sorted(Membership.objects.filter(clinic=clinic).values_list("role", flat=True))
        assert roles == sorted(ROLES_PER_CLINIC)
    assert [c.name for c in _clinics()] == ["Glabella Demo Clinic", "Glabella Demo Clinic East"]


def test_staff_of_one_clinic_have_no_membership_in_the_other(seeded) -> None:
    demo, east = _clinics()
    demo_staff = set(Membership.objects.filter(clinic=demo).values_list("user", flat=True))
    east_staff = set(Membership.objects.filter(clinic=east).values_list("user", flat=True))
    assert len(demo_staff) == len(east_staff) == 4
    assert demo_staff.isdisjoint(east_staff)


def test_demo_logins_use_the_printed_password(seeded, client) -> None:
    assert client.login(username="injector2", password=DEMO_PASSWORD)
    assert client.login(username="east-frontdesk", password=DEMO_PASSWORD)


def test_every_patient_has_a_history_in_their_own_clinic(seeded) -> None:
    demo, east = _clinics()
    assert demo.patients.count() == SMALL.demo
    assert east.patients.count() == SMALL.second
    for patient in Patient.objects.all():
        assert patient.consultations.exists() or patient.treatments.exists(), patient
        assert {t.clinic_id for t in patient.treatments.all()} <= {patient.clinic_id}
        assert {t.injector.memberships.get().clinic_id for t in patient.treatments.all()} <= {
            patient.clinic_id
        }


def test_contact_details_are_synthetic(seeded) -> None:
    for patient in Patient.objects.all():
        assert re.fullmatch(r"\(\d{3}\) 555-01\d\d", patient.phone), patient.phone
        assert patient.email.endswith("@example.test")


def test_every_signed_treatment_has_vials_sites_and_aftercare(seeded) -> None:
    signed = TreatmentRecord.objects.signed()
    assert signed.count() > SMALL.demo + SMALL.second
    for record in signed.prefetch_related("vials", "sites"):
        assert record.vials.all(), record
        assert record.sites.all(), record
        assert record.aftercare_given
        assert all(vial.expires_on >= record.treated_on for vial in record.vials.all())
        assert record.treated_on <= timezone.localdate()


def test_a_dose_off_the_core_suggestion_carries_a_reason(seeded) -> None:
    for record in TreatmentRecord.objects.signed().filter(touch_up_of__isnull=True):
        check = services.check_record(record)
        assert not check.deviations or record.deviation_reason.strip(), record


def test_each_clinic_has_patients_due_for_recall(seeded) -> None:
    today = timezone.localdate()
    for clinic in _clinics():
        director = _staff_of(clinic, Role.MEDICAL_DIRECTOR)
        shown = services.recall_list(clinic, services.RecallFilters(), today=today, by=director)
        rows = shown.entries  # the first page: the newest windows
        assert rows
        assert all(row.treatment.recall_opens_on <= today for row in rows)
        assert all(row.patient.clinic_id == clinic.pk for row in rows)
        monday = today - timedelta(days=today.weekday())
        assert any(row.treatment.recall_opens_on >= monday for row in rows)


def test_each_clinic_has_two_open_adverse_events_linked_to_its_treatments(seeded) -> None:
    for clinic in _clinics():
        events = AdverseEvent.objects.for_clinic(clinic)
        open_kinds = sorted(events.open().values_list("kind", flat=True))
        assert open_kinds == ["eyelid_ptosis", "headache"]
        assert all(e.treatment and e.treatment.clinic_id == clinic.pk for e in events)


def test_the_chair_side_situations_are_there_to_look_at(seeded) -> None:
    for clinic in _clinics():
        records = TreatmentRecord.objects.for_clinic(clinic)
        draft = records.get(status=TreatmentStatus.DRAFT)
        assert draft.treated_on == timezone.localdate()
        assert draft.sites.exists()
        booked = Appointment.objects.for_clinic(clinic).filter(
            kind=AppointmentKind.REVIEW, status=AppointmentStatus.BOOKED
        )
        assert booked.filter(starts_at__date__gte=timezone.localdate()).exists()
        override = ScreeningOverride.objects.get(clinic=clinic)
        assert override.product == "dysport"
        assert override.created_by == _staff_of(clinic, Role.MEDICAL_DIRECTOR)
        assert records.signed().filter(patient=override.patient, product="dysport").exists()
        assert Review.objects.filter(clinic=clinic).exclude(satisfaction=None).exists()


def test_the_command_prints_the_logins_and_a_summary_per_clinic(seeded) -> None:
    for spec in DEMO_CLINICS:
        for account in spec.accounts:
            assert (
                f"  {account.username} / {DEMO_PASSWORD}  ({account.role.label}," in seeded.output
            )
    assert "Glabella Demo Clinic: 10 patients, " in seeded.output
    assert "Glabella Demo Clinic East: 7 patients, " in seeded.output
    assert "(2 open)" in seeded.output
    assert seeded.warmed[:2] == ["demo", "demo-east"]


def test_starter_answers_are_approved_by_each_director_except_those_quoting_prices(
    seeded,
) -> None:
    shipped = shipped_starter()
    for clinic in _clinics():
        director = _staff_of(clinic, Role.MEDICAL_DIRECTOR)
        entries = list(Entry.objects.filter(clinic=clinic).select_related("approved_version"))
        assert len(entries) == len(shipped)
        assert {e.language for e in entries} == {item.language for item in shipped}
        priced = {e.pk for e in entries if quotes_a_price(e.latest_version.answer)}
        assert priced  # the price and consultation-fee answers
        for entry in entries:
            if entry.pk in priced:
                assert (entry.status, entry.approved_version) == (EntryStatus.DRAFT, None)
            else:
                assert (entry.status, entry.approved_by) == (EntryStatus.APPROVED, director)
                assert entry.approved_version == entry.latest_version
                assert entry.approval_note == APPROVAL_NOTE
        approvals = AuditEvent.objects.filter(clinic=clinic, action=Action.APPROVE)
        assert approvals.count() == len(entries) - len(priced)
        assert set(approvals.values_list("actor", flat=True)) == {director.pk}
        assert (
            f"{clinic.name}: {len(entries)} starter answers added, "
            f"{len(entries) - len(priced)} approved by the medical director, "
            f"{len(priced)} quoting prices left as drafts"
        ) in seeded.output


def test_running_the_demo_again_adds_nothing_and_still_prints_the_logins(seeded) -> None:
    before = _counts()
    output = StringIO()
    call_command("demo", *SMALL_ARGS, stdout=output)
    summaries = seed_demo(DemoSizes(demo=50, second=50))
    assert _counts() == before
    assert f"  director / {DEMO_PASSWORD}  (Medical director" in output.getvalue()
    assert "(already seeded) Glabella Demo Clinic: 10 patients" in output.getvalue()
    assert "Histories written" not in output.getvalue()
    assert [(s.seeded, s.patients) for s in summaries] == [(False, 10), (False, 7)]


def test_the_same_seed_plans_the_same_patients_all_in_the_past() -> None:
    core, today = ClinicalCore(), date(2026, 3, 11)
    first, second = (Planner(core, today, random.Random(7)) for _ in range(2))  # noqa: S311
    plans = [first.patient(n) for n in range(40)]
    assert plans == [second.patient(n) for n in range(40)]
    assert max(c.treated_on for p in plans for c in p.courses) <= today
    assert len({p.person.phone for p in plans}) == len(plans)


def test_the_chart_points_land_in_their_own_area_on_both_sides() -> None:
    for area, points in {**RIGHT_POINTS, **CENTRE_POINTS}.items():
        for x, y in points:
            assert area_at(x, y) == area
            assert area_at(100 - x, y) == area
