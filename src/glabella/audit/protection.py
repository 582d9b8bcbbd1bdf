"""Keeping the audit trail out of the application's reach.

The application refuses to change or delete an event, and on PostgreSQL a trigger refuses
UPDATE and DELETE (migration 0002). Neither stops the table's *owner*: it may TRUNCATE the
table, disable the trigger, or replace it. So in production the migrations run as the owner
and the application connects as another role that may only INSERT and SELECT events
(``glabella audit_role`` sets that role up; README "Security hardening"). ``trail_guard``
says whether the connected role could still erase the trail; ``/readyz`` reports it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from .models import AuditEvent

AUDIT_TABLE = AuditEvent._meta.db_table
ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
GUARD_SQL = """
SELECT current_user,
       r.rolsuper,
       pg_has_role(current_user, c.relowner, 'MEMBER'),
       has_table_privilege(c.oid, 'TRUNCATE'),
       has_table_privilege(c.oid, 'DELETE'),
       has_table_privilege(c.oid, 'UPDATE'),
       has_table_privilege(c.oid, 'TRIGGER')
  FROM pg_class c JOIN pg_roles r ON r.rolname = current_user
 WHERE c.oid = to_regclass(%s)
"""


@dataclass(frozen=True)
class TrailGuard:
    """What the connected database role could do to the audit table."""

    applicable: bool  # False where the database has no roles (SQLite)
    role: str = ""
    superuser: bool = False
    owner: bool = False  # owns the table (or may become its owner): can drop triggers
    can_truncate: bool = False
    can_delete: bool = False
    can_update: bool = False
    can_trigger: bool = False

    @property
    def erasable(self) -> bool:
        """Could this role empty or rewrite the trail? (Never on a database without roles.)"""
        return self.applicable and any(
            (
                self.superuser,
                self.owner,
                self.can_truncate,
                self.can_delete,
                self.can_update,
                self.can_trigger,
            )
        )

    def problems(self) -> list[str]:
        """Why the trail is erasable, one sentence each (empty when it is protected)."""
        if not self.applicable:
            return []
        reasons = {
            "is a superuser": self.superuser,
            f"owns {AUDIT_TABLE}": self.owner,
            "may TRUNCATE it": self.can_truncate,
            "may DELETE from it": self.can_delete,
            "may UPDATE it": self.can_update,
            "may create triggers on it": self.can_trigger,
        }
        return [f"role {self.role} {why}" for why, holds in reasons.items() if holds]


def trail_guard(using: str = "default") -> TrailGuard:
    """Whether the role connected as ``using`` could erase the audit trail."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return TrailGuard(applicable=False)
    with connection.cursor() as cursor:
        cursor.execute(GUARD_SQL, [AUDIT_TABLE])
        row = cursor.fetchone()
    if row is None:  # not migrated yet: nothing to protect, and nothing protected
        raise CommandError(f"The table {AUDIT_TABLE} does not exist; run the migrations first.")
    role, superuser, owner, truncate, delete, update, trigger = row
    return TrailGuard(True, role, superuser, owner, truncate, delete, update, trigger)


@contextmanager
def connected_as_owner() -> Iterator[dict[str, object] | None]:
    """Within the block the default connection is the owner's (``MIGRATION_DATABASE_URL``),
    so that migrations, data migrations included, run as the owner. Yields the application's
    own settings (``DATABASE_URL``), or None when no owner's URL is configured (then nothing
    changes: one role for both, as in development)."""
    owner = settings.MIGRATION_DATABASE
    if not owner:
        yield None
        return
    connection = connections[DEFAULT_DB_ALIAS]
    application = connection.settings_dict
    connection.close()
    connection.settings_dict = {**application, **owner, "TEST": application.get("TEST", {})}
    try:
        yield application
    finally:
        connection.close()
        connection.settings_dict = application


def refuse_in_production(what: str) -> None:
    """Stop a command that would wipe or fill a database with test data in production."""
    if settings.PRODUCTION:
        raise CommandError(
            f"Refusing to {what}: GLABELLA_ENV is production. This database holds real "
            "patients and their audit trail, which must never be wiped or mixed with demo data."
        )


def set_up_application_role(role: str, *, password: str | None, using: str) -> list[str]:
    """As the owner connected as ``using``: create or update ``role`` for the application.

    The role may log in and read and write every table of the schema, tables made by later
    migrations included (default privileges), but only INSERT and SELECT audit events; it
    owns nothing, is no superuser, and cannot create tables or triggers. Idempotent. Returns
    the statements run (the password shown as ***).
    """
    if not ROLE_NAME.fullmatch(role):
        raise CommandError(f"{role!r} is not a plain role name (lower-case letters, digits, _).")
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise CommandError("Database roles exist on PostgreSQL only; SQLite has none to set.")
    ran: list[str] = []
    with connection.cursor() as cursor:

        def run(statement: str, params: list[str] | None = None) -> None:
            cursor.execute(statement, params)
            ran.append(statement.replace("%s", "'***'") if params else statement)

        cursor.execute(
            "SELECT current_user, current_database(), current_schema(), "
            "EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s), "
            "(SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = to_regclass(%s))",
            [role, AUDIT_TABLE],
        )
        owner, database, schema, exists, table_owner = cursor.fetchone()
        if table_owner is None:
            raise CommandError(f"{AUDIT_TABLE} does not exist; run the migrations as the owner.")
        if role in (owner, table_owner):
            raise CommandError(
                f"The application role must not be the owner ({table_owner}): connect as the "
                "owner to run migrations and this command, and give the application another role."
            )
        attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
        verb = "ALTER" if exists else "CREATE"
        if password:
            run(f'{verb} ROLE "{role}" WITH {attributes} PASSWORD %s', [password])
        else:
            run(f'{verb} ROLE "{role}" WITH {attributes}')
        cursor.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", [role, table_owner])
        if cursor.fetchone()[0]:
            raise CommandError(
                f"Role {role} is a member of {table_owner}, the audit table's owner, so it could "
                f"act as the owner: REVOKE {table_owner} FROM {role} first."
            )
        for statement in _grants(role, database, schema):
            run(statement)
    return ran


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _grants(role: str, database: str, schema: str) -> list[str]:
    to, frm = f'TO "{role}"', f'FROM "{role}"'
    database, schema = _quote(database), _quote(schema)
    tables = f"ALL TABLES IN SCHEMA {schema}"
    default = f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema}"
    return [
        f"GRANT CONNECT ON DATABASE {database} {to}",
        f"GRANT USAGE ON SCHEMA {schema} {to}",
        f"REVOKE CREATE ON SCHEMA {schema} {frm}",
        # Start from nothing, so a TRUNCATE or TRIGGER granted earlier by hand goes too.
        f"REVOKE ALL ON {tables} {frm}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {tables} {to}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} {to}",
        f'REVOKE ALL ON "{AUDIT_TABLE}" {frm}',
        f'GRANT SELECT, INSERT ON "{AUDIT_TABLE}" {to}',
        f"{default} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES {to}",
        f"{default} GRANT USAGE, SELECT, UPDATE ON SEQUENCES {to}",
    ]
