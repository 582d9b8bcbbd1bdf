from typing import Any

from django.core.management.commands.migrate import Command as DjangoMigrate

from glabella.audit.protection import connected_as_owner


class Command(DjangoMigrate):
    """Django's ``migrate``, connected as the tables' owner when ``MIGRATION_DATABASE_URL`` is
    set: the application's own role (``DATABASE_URL``) may not create or alter tables."""

    def execute(self, *args: Any, **options: Any) -> str | None:
        with connected_as_owner():
            return super().execute(*args, **options)
