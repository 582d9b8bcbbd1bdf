import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from glabella.assistant import engine_cache, services
from glabella.assistant.clinics import NoClinic, clinic_by_slug
from glabella.assistant.engine.evaluation import (
    calibrate,
    evaluate,
    read_samples,
    write_thresholds,
)
from glabella.assistant.services import load_starter_kb

CALIBRATION_FILES = {
    "en": engine_cache.DATA_DIR / "calibration.jsonl",
    "es": engine_cache.DATA_DIR / "calibration_es.jsonl",
}
THRESHOLDS_FILE = engine_cache.DATA_DIR / "thresholds.toml"


class Command(BaseCommand):
    help = "Patient assistant: evaluate, calibrate, load the starter content, purge old logs."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        run = commands.add_parser("eval", help="measure on a labelled JSONL file")
        run.add_argument("file", type=Path)
        run.add_argument("--json", action="store_true")
        run.add_argument("--clinic", help="use this clinic's approved entries")
        run.add_argument(
            "--starter",
            action="store_true",
            help="use the shipped starter content instead of a clinic's entries",
        )
        tune = commands.add_parser("calibrate", help="choose thresholds on calibration data")
        tune.add_argument("--write", action="store_true", help="write data/thresholds.toml")
        tune.add_argument("--language", choices=["en", "es"], default="en")
        learn = commands.add_parser(
            "train-triage", help="train the learned urgent nets on the triage bank"
        )
        learn.add_argument("--write", action="store_true", help="write data/urgent_net.npz")
        learn.add_argument(
            "--encoder", choices=["minilm", "e5"], action="append", help="default: both"
        )
        load = commands.add_parser("load-starter", help="add the starter answers as drafts")
        load.add_argument("--clinic")
        commands.add_parser("purge-logs", help="delete questions past each clinic's retention")
        ship = commands.add_parser(
            "starter-vectors", help="embed the starter texts into data/starter_vectors.npz"
        )
        ship.add_argument("--write", action="store_true", help="write the file and its digest")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"].replace("-", "_")
        getattr(self, f"_{action}")(options)

    def _eval(self, options: dict[str, Any]) -> None:
        if not options["file"].exists():
            raise CommandError(f"no such file: {options['file']}", returncode=2)
        try:
            samples = read_samples(options["file"])
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        engine = self._engine(options)
        result = evaluate(engine, samples)
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
        else:
            self._print_summary(result["summary"])

    def _engine(self, options: dict[str, Any]) -> Any:
        """The named clinic's entries; else the only clinic's; else the starter content."""
        if options["starter"]:
            return engine_cache.starter_assistant()
        try:
            clinic = clinic_by_slug(options["clinic"])
        except NoClinic as exc:
            if options["clinic"]:
                raise CommandError(str(exc), returncode=2) from exc
            self.stderr.write(f"{exc}: evaluating the shipped starter content")
            return engine_cache.starter_assistant()
        except DatabaseError:
            self.stderr.write("no database yet: evaluating the shipped starter content")
            return engine_cache.starter_assistant()
        return engine_cache.engine_for(clinic)

    def _print_summary(self, summary: dict[str, Any]) -> None:
        rows = [
            ("questions", summary["questions"]),
            ("in-scope top-1 accuracy", _percent(summary["top1_accuracy"])),
            ("accuracy of answered", _percent(summary["answered_accuracy"])),
            ("coverage (answered in-scope)", _percent(summary["coverage"])),
            ("out-of-scope abstention", _percent(summary["out_of_scope_abstention"])),
            ("red-flag recall", _percent(summary["red_flag_recall"])),
            ("false-alarm rate", _percent(summary["false_alarm_rate"])),
            ("latency p50", f"{summary['latency_ms_p50']} ms"),
            ("latency p99", f"{summary['latency_ms_p99']} ms"),
        ]
        for name, value in rows:
            self.stdout.write(f"{name:32} {value}")
        if summary["misses_by_topic"]:
            self.stdout.write("\nmisses by topic:")
            for topic, misses in summary["misses_by_topic"].items():
                for miss in misses:
                    self.stdout.write(f"  {topic}: {miss}")

    def _calibrate(self, options: dict[str, Any]) -> None:
        language = options["language"]
        engine = engine_cache.starter_engine(language=language)
        chosen, summary = calibrate(engine, read_samples(CALIBRATION_FILES[language]))
        self.stdout.write(f"chosen: {chosen}")
        self._print_summary({**summary, "misses_by_topic": {}})
        if options["write"]:
            write_thresholds(THRESHOLDS_FILE, language, chosen)
            self.stdout.write(f"wrote {THRESHOLDS_FILE}")

    def _train_triage(self, options: dict[str, Any]) -> None:
        from glabella.assistant import triage_training

        trained = []
        for name in options["encoder"] or ["minilm", "e5"]:
            result = triage_training.train_encoder(name)
            trained.append(result)
            self.stdout.write(
                f"{name}: threshold {result.net.threshold:.3f}, strength {result.strength}"
                " (each batch scored by a net trained without it; lexicon or net):"
            )
            for row in result.reports:
                self.stdout.write(
                    f"  {row.batch:22} urgent {row.caught}/{row.urgent}"
                    f"   false alarms {row.false_alarms}/{row.negatives}"
                )
        if options["write"]:
            kept = triage_training.load_nets_with_digests()
            triage_training.write_weights(trained, keep=kept)
            self.stdout.write(f"wrote {triage_training.WEIGHTS_FILE}")

    def _load_starter(self, options: dict[str, Any]) -> None:
        try:
            clinic = clinic_by_slug(options["clinic"])
        except NoClinic as exc:
            raise CommandError(str(exc), returncode=2) from exc
        added = load_starter_kb(clinic)
        self.stdout.write(
            f"{clinic}: {added} starter entries added as drafts; the medical director approves "
            "them at /staff/assistant/ before they answer patients"
        )

    def _purge_logs(self, options: dict[str, Any]) -> None:
        self.stdout.write(f"deleted {services.purge_question_logs()} old questions")

    def _starter_vectors(self, options: dict[str, Any]) -> None:
        from glabella.assistant import starter_vectors

        if not options["write"]:
            shipped = set(starter_vectors.shipped_store().keys())
            needed = set(starter_vectors.starter_keys())
            state = "up to date" if shipped == needed else "STALE: run with --write"
            self.stdout.write(f"{len(needed)} starter texts, {len(shipped)} shipped: {state}")
            return
        written = starter_vectors.write()
        self.stdout.write(f"wrote {written} vectors to {starter_vectors.VECTORS_FILE}")


def _percent(share: float) -> str:
    return f"{share * 100:.1f}%"
