"""Connect a clinic's Twilio account: `glabella sms_provider <clinic> --account-sid AC…
--from +1…` with the auth token in TWILIO_AUTH_TOKEN (never on the command line)."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from glabella.accounts.models import Clinic
from glabella.messaging.clinic_settings import settings_for
from glabella.messaging.phone import to_e164


class Command(BaseCommand):
    help = "Connect (or with --console, disconnect) a clinic's Twilio account for text messages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("clinic", help="The clinic's slug.")
        parser.add_argument("--account-sid", default="")
        parser.add_argument("--from", dest="from_number", default="")
        parser.add_argument("--console", action="store_true", help="Forget the Twilio account.")

    def handle(self, *args: Any, **options: Any) -> None:
        clinic = Clinic.objects.filter(slug=options["clinic"]).first()
        if clinic is None:
            raise CommandError(f"No clinic {options['clinic']!r}.")
        row = settings_for(clinic)
        if options["console"]:
            row.twilio_account_sid = row.twilio_auth_token = row.twilio_from_number = ""
        else:
            token = os.environ.get("TWILIO_AUTH_TOKEN", "")
            sender = to_e164(options["from_number"])
            if not options["account_sid"].startswith("AC"):
                raise CommandError("Give the account SID (it starts with AC) as --account-sid.")
            if not token:
                raise CommandError("Put the auth token in the TWILIO_AUTH_TOKEN variable.")
            if sender is None:
                raise CommandError("Give the sending number, e.g. --from +14155550100.")
            row.twilio_account_sid, row.twilio_auth_token = options["account_sid"], token
            row.twilio_from_number = sender
        row.save()
        where = "the console" if options["console"] else f"Twilio from {row.twilio_from_number}"
        self.stdout.write(f"{clinic.name} now sends text messages through {where}.")
