"""The audit trail: who did what to which record, when and from where.

Events are append-only. The application offers no way to change or delete one: ``save``
refuses an existing row, ``delete`` refuses, the QuerySet refuses bulk ``update`` and
``delete``, and on PostgreSQL a trigger (migration 0002) rejects UPDATE and DELETE.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NoReturn

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.db.models.fields.json import KT

from glabella.accounts.models import Clinic, Membership


class ImmutableEventError(Exception):
    """An audit event cannot be changed or deleted once written."""


def _refuse(what: str) -> NoReturn:
    raise ImmutableEventError(f"Audit events are append-only; {what} is not allowed.")


class Action(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    EXPORT = "export", "Exported"
    APPROVE = "approve", "Approved"
    RETIRE = "retire", "Retired"
    REPLY = "reply", "Replied"
    SIGN = "sign", "Signed"
    AMEND = "amend", "Amended"
    OVERRIDE = "override", "Overrode"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    OTHER = "other", "Other"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        _refuse("updating events")

    def delete(self) -> NoReturn:
        _refuse("deleting events")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> NoReturn:
        _refuse("updating events")  # before Django opens its transaction for the batch

    def for_clinic(self, clinic: Clinic) -> AuditEventQuerySet:
        """The clinic's events, and the sign-ins (and failed attempts) of its active staff.

        Sign-ins belong to no clinic; a director sees those of the people on their team.
        """
        staff = Membership.objects.active().filter(clinic=clinic)
        sign_ins = Q(clinic=None, action=Action.SIGN_IN, actor__in=staff.values("user"))
        failed = Q(
            clinic=None,
            action=Action.SIGN_IN_FAILED,
            attempted__in=staff.values("user__username"),
        )
        return self.alias(attempted=KT("detail__username")).filter(
            Q(clinic=clinic) | sign_ins | failed
        )

    def between(self, start: datetime | None, end: datetime | None) -> AuditEventQuerySet:
        """Events at or after ``start`` and before ``end`` (either may be open)."""
        events = self
        if start is not None:
            events = events.filter(at__gte=start)
        if end is not None:
            events = events.filter(at__lt=end)
        return events


class AuditEvent(models.Model):
    """One thing that happened; written by ``services.record`` inside the caller's transaction."""

    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # null only for events that belong to no clinic (sign-ins)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )  # null for system actions and anonymous attempts
    actor_label = models.CharField(
        max_length=150, help_text="The username at the time, 'system' or 'anonymous'."
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=100, blank=True)  # e.g. "assistant.handoff"
    object_id = models.CharField(max_length=64, blank=True)  # the object's public UUID
    patient_id = models.UUIDField(null=True, blank=True)  # whose data it was
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["clinic", "at"], name="audit_clinic_at"),
            models.Index(fields=["clinic", "patient_id"], name="audit_clinic_patient"),
            models.Index(fields=["clinic", "actor"], name="audit_clinic_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.object_type} {self.object_id}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            _refuse("saving an existing event")
        # Always an INSERT: never let Django try an UPDATE for a row with a preset key.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("deleting an event")
