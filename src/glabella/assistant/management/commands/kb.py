import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from glabella.assistant import services
from glabella.assistant.clinics import NoClinic, clinic_by_slug
from glabella.assistant.engine.importer import DocumentError, detect_format, parse_document
from glabella.assistant.models import Entry

IMPORTED_TOPIC = "imported"


class Command(BaseCommand):
    help = "Knowledge base: import a clinic's FAQ document as drafts, or export the entries."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        load = commands.add_parser("import", help="import .txt, .md or .csv as draft entries")
        load.add_argument("file", type=Path)
        load.add_argument("--clinic")
        load.add_argument(
            "--topic",
            default=IMPORTED_TOPIC,
            help="topic for entries the document gives none (default: imported)",
        )
        dump = commands.add_parser("export", help="print every entry with its versions as JSON")
        dump.add_argument("--clinic")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            clinic = clinic_by_slug(options["clinic"])
        except NoClinic as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if options["action"] == "import":
            self._import(clinic, options)
        else:
            self.stdout.write(json.dumps(export_entries(clinic), indent=2, ensure_ascii=False))

    def _import(self, clinic: Any, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        try:
            entries = parse_document(path.read_text(encoding="utf-8-sig"), detect_format(path.name))
        except (OSError, UnicodeDecodeError, DocumentError) as exc:
            raise CommandError(f"{path}: {exc}", returncode=2) from exc
        report = services.import_entries(clinic, entries, by=None, default_topic=options["topic"])
        self.stdout.write(
            f"{path.name}: {len(report.created)} new drafts, {len(report.updated)} changed "
            f"(new versions), {len(report.unchanged)} unchanged"
        )


def export_entries(clinic: Any) -> list[dict[str, Any]]:
    entries = Entry.objects.filter(clinic=clinic).prefetch_related("versions")
    return [
        {
            "id": str(entry.public_id),
            "topic": entry.topic,
            "status": entry.status,
            "approved_version": entry.approved_version.number if entry.approved_version else None,
            "versions": [
                {
                    "number": version.number,
                    "title": version.title,
                    "phrasings": version.phrasings,
                    "answer": version.answer,
                    "source": version.source,
                    "created_at": version.created_at.isoformat(),
                }
                for version in entry.versions.all()
            ],
        }
        for entry in entries
    ]
