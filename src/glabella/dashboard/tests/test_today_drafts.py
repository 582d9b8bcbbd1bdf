"""Today shows an injector their own unsigned treatment records, and nobody else's."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.test import Client

from glabella.accounts.models import Membership, Role
from glabella.audit.models import Action, AuditEvent
from glabella.testing import signed_botox
from glabella.treatments import services

pytestmark = pytest.mark.django_db

URL = "/staff/?clinic=north"
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(time_machine) -> None:  # type: ignore[no-untyped-def]
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def colleague(django_user_model, clinic):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user("nurse-col", password="pw-long-enough")
    Membership.objects.create(user=user, clinic=clinic, role=Role.INJECTOR)
    return user


def _draft(patient, by):  # type: ignore[no-untyped-def]
    return services.start_treatment(
        patient, {"product": "botox", "treated_on": date(2026, 11, 18)}, by=by
    )


def test_an_injector_sees_their_own_drafts_and_not_a_colleagues(
    client: Client, injector, colleague, dora, alice
) -> None:
    mine = _draft(dora, injector)
    _draft(alice, colleague)
    signed_botox(alice, by=injector)  # signed: not a draft
    client.force_login(injector)

    response = client.get(URL)

    drafts = response.context["board"].drafts
    assert (drafts.shown, drafts.count) == ([mine], 1)
    page = response.content.decode()
    assert "My unsigned drafts: 1" in page
    assert f'href="/staff/treatments/{mine.public_id}/">Dora Plain: Botox on 18 Nov 2026' in page
    [event] = AuditEvent.objects.filter(object_type="treatments.my_drafts")
    assert (event.action, event.actor, event.detail) == (
        Action.VIEW,
        injector,
        {"rows": 1, "total": 1},
    )


def test_roles_that_do_not_sign_have_no_drafts_block(
    client: Client, director, front_desk, injector, dora
) -> None:
    _draft(dora, injector)
    for user in (director, front_desk):
        client.force_login(user)
        assert client.get(URL).context["board"].drafts is None


def test_nothing_to_sign_says_so_and_reads_no_names(client: Client, injector) -> None:
    client.force_login(injector)

    response = client.get(URL)

    assert "Nothing left to sign." in response.content.decode()
    assert not AuditEvent.objects.filter(object_type="treatments.my_drafts").exists()
