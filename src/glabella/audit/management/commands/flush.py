from typing import Any

from django.core.management.commands.flush import Command as DjangoFlush

from glabella.audit.protection import refuse_in_production


class Command(DjangoFlush):
    """Django's ``flush``, refused in production: it would delete every patient and every
    audit event."""

    def handle(self, **options: Any) -> None:
        refuse_in_production("flush the database")
        super().handle(**options)
