import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from glabella.assistant import engine_cache
from glabella.assistant.services import load_starter_kb
from glabella.audit.protection import refuse_in_production
from glabella.demo.answers import approve_starter_answers
from glabella.demo.clinics import DEMO_CLINICS, DEMO_PASSWORD
from glabella.demo.seed import DemoSizes, ensure_clinics, seed_demo


class Command(BaseCommand):
    help = (
        "Load the living demo (synthetic data): the demo clinic and a second clinic, staff of "
        "every role, patients with two years of treatment history, the starter knowledge base."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = DemoSizes()
        parser.add_argument(
            "--patients", type=int, default=defaults.demo, help="patients of the demo clinic"
        )
        parser.add_argument(
            "--second-patients",
            type=int,
            default=defaults.second,
            help="patients of the second clinic",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        refuse_in_production("load the demo")
        self._load(options)

    @transaction.atomic
    def _load(self, options: dict[str, Any]) -> None:
        clinics = ensure_clinics()
        self.stdout.write("Staff logins (synthetic demo accounts):")
        for spec, (clinic, _) in zip(DEMO_CLINICS, clinics, strict=True):
            for account in spec.accounts:
                self.stdout.write(
                    f"  {account.username} / {DEMO_PASSWORD}  ({account.role.label}, {clinic.name})"
                )
        for clinic, staff in clinics:
            added = load_starter_kb(clinic)
            approved, left = approve_starter_answers(clinic, staff.director)
            self.stdout.write(
                f"{clinic.name}: {added} starter answers added, {approved} approved by the "
                f"medical director, {left} quoting prices left as drafts"
            )
        self.stdout.write("Patients and their histories (written the first time only)…")
        started = time.perf_counter()
        summaries = seed_demo(DemoSizes(options["patients"], options["second_patients"]))
        seconds = time.perf_counter() - started
        self.stdout.write("Preparing the assistant's index (the first time embeds every answer)…")
        for clinic, _ in clinics:
            engine_cache.engine_for(clinic)
        for summary in summaries:
            prefix = "" if summary.seeded else "(already seeded) "
            self.stdout.write(f"  {prefix}{summary.line()}")
        if any(s.seeded for s in summaries):
            self.stdout.write(f"Histories written in {seconds:.1f} s.")
