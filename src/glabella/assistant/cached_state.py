"""The clinic a public request speaks for, and its assistant's content revision, from the
shared cache: a patient's question then needs no database round trip to learn that nothing
changed.

Only with a cache every server process shares (Redis: ``settings.GLABELLA_SHARED_CACHE``);
with a per-process cache another process's change would go unseen, so the database is asked.
A saved clinic is dropped from the cache when its transaction commits (signals below); a
revision bump writes the new number once committed. A reader that misses only *adds* what it
read, so it can never overwrite a newer value written meanwhile; the timeouts bound any
staleness that a crash between commit and cache write could leave.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from glabella.accounts.models import Clinic

CLINIC_SECONDS = 60
REVISION_SECONDS = 10 * 60


def shared() -> bool:
    return bool(getattr(settings, "GLABELLA_SHARED_CACHE", False))


def clinic_by_slug(slug: str) -> Clinic | None:
    """The clinic with this slug, or None."""
    if not shared():
        return Clinic.objects.filter(slug=slug).first()
    key = _clinic_key(slug)
    found: Clinic | None = cache.get(key)
    if found is None:
        found = Clinic.objects.filter(slug=slug).first()
        if found is not None:
            cache.add(key, found, CLINIC_SECONDS)
    return found


def assistant_revision(clinic: Clinic) -> int:
    """The clinic's current content revision (bumped by every approval or retirement)."""
    if not shared():
        return _revision_from_database(clinic.pk)
    key = _revision_key(clinic.pk)
    revision = cache.get(key)
    if revision is None:
        revision = _revision_from_database(clinic.pk)
        cache.add(key, revision, REVISION_SECONDS)
    return int(revision)


def revision_changed(clinic_pk: int) -> None:
    """After a bump: publish the new revision once the transaction commits."""
    if shared():
        transaction.on_commit(
            lambda: cache.set(
                _revision_key(clinic_pk), _revision_from_database(clinic_pk), REVISION_SECONDS
            )
        )


@receiver(post_save, sender=Clinic)
@receiver(post_delete, sender=Clinic)
def _forget_clinic(sender: Any, instance: Clinic, **kwargs: Any) -> None:
    if shared():
        transaction.on_commit(lambda: cache.delete(_clinic_key(instance.slug)))


def _revision_from_database(clinic_pk: int) -> int:
    return int(Clinic.objects.values_list("assistant_revision", flat=True).get(pk=clinic_pk))


def _clinic_key(slug: str) -> str:
    return f"assistant:clinic:{slug}"


def _revision_key(clinic_pk: int) -> str:
    return f"assistant:revision:{clinic_pk}"
