import json
from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from glabella.assistant import services
from glabella.assistant.clinics import NoClinic, clinic_by_slug


class Command(BaseCommand):
    help = "Ask the patient assistant a question and show its answer with its metadata."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("question")
        parser.add_argument("--clinic", help="clinic slug (default: the only clinic)")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            clinic = clinic_by_slug(options["clinic"])
            reply = services.ask(clinic, options["question"], channel="cli")
        except (NoClinic, ValidationError) as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if options["json"]:
            self.stdout.write(json.dumps(asdict(reply), indent=2, ensure_ascii=False))
            return
        label = {
            "answer": "Answer",
            "clarify": "Did you mean",
            "urgent": "URGENT",
            "abstain": "Handed to staff",
        }[reply.kind]
        self.stdout.write(f"{label}: {reply.title}")
        self.stdout.write(reply.text.strip())
        for offer in reply.offered:
            self.stdout.write(f"  - {offer.title} (entry {offer.entry_id}, topic {offer.topic})")
        for part in reply.also:
            self.stdout.write(f"\nAlso: {part.title}\n{part.text.strip()}")
        self.stdout.write(
            f"entry {reply.entry_id} v{reply.version} · topic {reply.topic} · "
            f"confidence {reply.confidence} · language {reply.language} · source: {reply.source} · "
            f"{reply.timings_ms.get('total', 0):.1f} ms"
        )
