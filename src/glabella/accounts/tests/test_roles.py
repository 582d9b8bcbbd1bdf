"""The role matrix, asked in one place."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from glabella.accounts.models import Clinic, Membership, Role
from glabella.accounts.roles import CAPABILITIES, can, clinics_of, require, role_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic() -> Clinic:
    return Clinic.objects.create(name="A", slug="a", phone="1")


def test_a_role_is_per_clinic(django_user_model, clinic) -> None:
    other = Clinic.objects.create(name="B", slug="b", phone="2")
    user = django_user_model.objects.create_user("u")
    Membership.objects.create(user=user, clinic=clinic, role=Role.INJECTOR)
    assert role_in(user, clinic) == Role.INJECTOR
    assert role_in(user, other) is None
    assert list(clinics_of(user)) == [clinic]


def test_an_inactive_membership_grants_nothing(django_user_model, clinic) -> None:
    user = django_user_model.objects.create_user("u")
    Membership.objects.create(user=user, clinic=clinic, role=Role.MEDICAL_DIRECTOR, is_active=False)
    assert not can(user, clinic, "assistant.read")
    assert not clinics_of(user).exists()


@pytest.mark.parametrize("capability", sorted(CAPABILITIES))
def test_anonymous_users_can_do_nothing(clinic, capability) -> None:
    assert not can(AnonymousUser(), clinic, capability)
    with pytest.raises(PermissionDenied):
        require(AnonymousUser(), clinic, capability)


def test_only_the_medical_director_approves_and_reads_the_audit(django_user_model, clinic) -> None:
    for role in Role:
        user = django_user_model.objects.create_user(f"u-{role}")
        Membership.objects.create(user=user, clinic=clinic, role=role)
        allowed = role == Role.MEDICAL_DIRECTOR
        assert can(user, clinic, "assistant.approve") is allowed
        assert can(user, clinic, "audit.read") is allowed
