"""Reads from a PostgreSQL read replica, only where code asks for it (reports and exports).

With ``DATABASE_REPLICA_URL`` set, settings add a ``replica`` connection. Every query still
goes to ``default`` unless it is written ``.using(replica_alias())``: a page that has just
saved something must read it back, and a replica may lag. Writes and migrations go to
``default`` only; rows read from either may be related to each other (the same data).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model

REPLICA = "replica"


def replica_alias() -> str:
    """The connection reports and exports read from: the replica when one is configured."""
    return settings.DATABASE_READ_REPLICA or DEFAULT_DB_ALIAS


class ReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        # A row read from the replica fetches its relations there too (as Django would).
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return str(instance._state.db)
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
