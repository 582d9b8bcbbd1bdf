"""Writing the audit trail.

Every service that reads patient data for display, changes it or exports it calls
``record(...)`` itself, *inside its own* ``transaction.atomic()`` block:

    with transaction.atomic():
        handoff.save(update_fields=["status"])
        audit.record(action=Action.CHANGE, clinic=handoff.clinic, obj=handoff, request=request)

``record`` deliberately opens no transaction of its own, so the event commits or rolls back
with the change it describes: a change that failed leaves no event, and a change that
committed always has one. It refuses to run outside one (``NotInTransaction``). A read
changes nothing for its event to commit with: ``record_read`` opens the transaction itself.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.http import HttpRequest

from glabella.accounts.models import Clinic
from glabella.accounts.types import Actor, StaffUser
from glabella.core.db_router import replica_alias

from .context import current_request
from .models import Action, AuditEvent, AuditEventQuerySet

SYSTEM = "system"
ANONYMOUS = "anonymous"
USER_AGENT_LENGTH = AuditEvent._meta.get_field("user_agent").max_length or 300
LABEL_LENGTH = AuditEvent._meta.get_field("actor_label").max_length or 150


class NotInTransaction(RuntimeError):
    """``record`` was called outside the caller's ``transaction.atomic()``."""


def _in_callers_transaction() -> bool:
    """Whether the caller opened a transaction. As in Django's own check for durable blocks,
    the blocks a test case wraps around each test do not count, so the test suite finds a
    service that forgot to open one instead of passing where production would fail."""
    blocks = transaction.get_connection().atomic_blocks
    return any(not block._from_testcase for block in blocks)


def record(
    *,
    action: Action | str,
    clinic: Clinic | None,
    actor: Actor = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    patient_id: UUID | str | None = None,
    request: HttpRequest | None = None,
    detail: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Write one event in the caller's transaction (see the module docstring).

    ``obj`` gives the object type ("app_label.model_name") and id (its public UUID).
    ``request`` gives the address, the browser and, when ``actor`` is not passed, the
    signed-in user. With neither an actor nor a signed-in user the actor is "system"
    (no request) or "anonymous" (a request from someone not signed in).
    """
    if not _in_callers_transaction():
        raise NotInTransaction("audit.record runs inside the transaction of what it records.")
    request = request or current_request()
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or str(obj.public_id)  # type: ignore[attr-defined]
    request_user = getattr(request, "user", None) if request is not None else None
    if actor is None and getattr(request_user, "is_authenticated", False):
        actor = request_user
    if actor is not None:
        label = actor.get_username()
    else:
        label = ANONYMOUS if request is not None else SYSTEM
    return AuditEvent.objects.create(
        clinic=clinic,
        actor=actor,
        actor_label=label[:LABEL_LENGTH],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        patient_id=patient_id,
        ip=_ip(request),
        user_agent=_user_agent(request),
        detail=dict(detail or {}),
    )


def record_for_patient(
    action: Action | str, obj: models.Model, patient: Any, *, by: Actor, **detail: Any
) -> AuditEvent:
    """``record`` for an event about ``obj``, which belongs to ``patient`` (the patient's
    clinic and id go with it); ``detail`` as keyword arguments."""
    return record(
        action=action,
        clinic=patient.clinic,
        actor=by,
        obj=obj,
        patient_id=patient.public_id,
        detail=detail,
    )


def record_read(clinic: Clinic, what: str, *, by: Any, **detail: Any) -> AuditEvent:
    """Record that ``by`` was shown ``what`` (an object type such as "patients.duplicate_queue")
    at ``clinic``, with ``detail``; in a transaction of its own, or in the caller's (no
    savepoint: a failed audit write fails the caller's transaction, as it should)."""
    with transaction.atomic(savepoint=False):
        return record(action=Action.VIEW, clinic=clinic, actor=by, object_type=what, detail=detail)


def _ip(request: HttpRequest | None) -> str | None:
    """The peer address. Behind a proxy this is the proxy unless the server sets it right."""
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _user_agent(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return str(request.META.get("HTTP_USER_AGENT", ""))[:USER_AGENT_LENGTH]


# --- sign-ins (called by django.contrib.auth's signals, connected in apps.py) --------------


@transaction.atomic
def record_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record(action=Action.SIGN_IN, clinic=None, actor=user, request=request)


@transaction.atomic
def record_failed_sign_in(
    sender: Any, credentials: Mapping[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Keep the username that was tried; never the password (or any other credential)."""
    username_field = get_user_model().USERNAME_FIELD
    attempted = str(credentials.get(username_field) or credentials.get("username") or "")
    record(
        action=Action.SIGN_IN_FAILED,
        clinic=None,
        request=request,
        detail={"username": attempted[:LABEL_LENGTH]},
    )


# --- reading the trail -----------------------------------------------------------------


def view_trail(
    clinic: Clinic, *, by: StaffUser, request: HttpRequest, filters: Mapping[str, Any]
) -> AuditEventQuerySet:
    """The clinic's events matching ``filters``; looking at the trail is itself recorded.

    The caller has checked ``audit.read``. ``filters`` are ORM lookups plus ``start`` and
    ``end`` datetimes (from ``EventFilterForm.filters``).
    """
    lookups = dict(filters)
    start, end = lookups.pop("start", None), lookups.pop("end", None)
    with transaction.atomic():
        record(
            action=Action.VIEW,
            clinic=clinic,
            actor=by,
            object_type="audit.trail",
            request=request,
            detail={"filters": {k: str(v) for k, v in filters.items()}},
        )
    events = AuditEvent.objects.using(replica_alias()).for_clinic(clinic)
    return events.between(start, end).filter(**lookups)
