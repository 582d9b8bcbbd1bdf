from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, transaction

from glabella.audit.protection import connected_as_owner, set_up_application_role, trail_guard


class Command(BaseCommand):
    help = (
        "As the database owner (MIGRATION_DATABASE_URL, PostgreSQL): create or update the "
        "application's role so that it may only INSERT and SELECT audit events (no UPDATE, "
        "DELETE, TRUNCATE or trigger control) and read and write everything else. Run it "
        "after every migrate. With --check, only report whether the application's "
        "connection (DATABASE_URL) could erase the trail."
    )
    requires_system_checks: list[str] = []  # type: ignore[assignment]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--role",
            help="the application's role (default: the user of DATABASE_URL)",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="report on the application's connection (DATABASE_URL) and change nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            self._check()
            return
        app = settings.DATABASES[DEFAULT_DB_ALIAS]
        role = options["role"] or app.get("USER") or ""
        if not role:
            raise CommandError("Name the application's role with --role (DATABASE_URL has none).")
        # The password of DATABASE_URL when the role is the one the application connects as.
        password = app.get("PASSWORD") if role == app.get("USER") else None
        with connected_as_owner(), transaction.atomic():
            statements = set_up_application_role(
                role, password=password or None, using=DEFAULT_DB_ALIAS
            )
        for statement in statements:
            self.stdout.write(f"  {statement}")
        self.stdout.write(
            self.style.SUCCESS(f"Role {role} may only INSERT and SELECT audit events.")
        )

    def _check(self) -> None:
        guard = trail_guard(DEFAULT_DB_ALIAS)
        if not guard.applicable:
            self.stdout.write("This database has no roles (SQLite): nothing to check.")
            return
        if guard.erasable:
            raise CommandError(
                "The application could erase the audit trail: " + "; ".join(guard.problems())
            )
        self.stdout.write(self.style.SUCCESS(f"Role {guard.role} cannot erase the audit trail."))
