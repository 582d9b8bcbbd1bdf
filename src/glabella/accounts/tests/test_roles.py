"""The role matrix, asked in one place."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from glabella.accounts.models import Clinic, Membership, Role
from glabella.accounts.roles import CAPABILITIES, can, clinics_of, require, role_in
from glabella.testing import make_clinic, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic() -> Clinic:
    return make_clinic("a", name="A", phone="1")


def test_a_role_is_per_clinic(clinic) -> None:
    other = make_clinic("b", name="B", phone="2")
    user = make_staff("u", clinic, Role.INJECTOR)
    assert role_in(user, clinic) == Role.INJECTOR
    assert role_in(user, other) is None
    assert list(clinics_of(user)) == [clinic]


def test_an_inactive_membership_grants_nothing(clinic) -> None:
    user = make_staff("u")
    Membership.objects.create(user=user, clinic=clinic, role=Role.MEDICAL_DIRECTOR, is_active=False)
    assert not can(user, clinic, "assistant.read")
    assert not clinics_of(user).exists()


@pytest.mark.parametrize("capability", sorted(CAPABILITIES))
def test_anonymous_users_can_do_nothing(clinic, capability) -> None:
    assert not can(AnonymousUser(), clinic, capability)
    with pytest.raises(PermissionDenied):
        require(AnonymousUser(), clinic, capability)


def test_only_the_medical_director_approves_and_reads_the_audit(clinic) -> None:
    for role in Role:
        user = make_staff(f"u-{role}", clinic, role)
        allowed = role == Role.MEDICAL_DIRECTOR
        assert can(user, clinic, "assistant.approve") is allowed
        assert can(user, clinic, "audit.read") is allowed
