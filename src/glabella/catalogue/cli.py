"""Shared plumbing for the clinical console commands: errors, JSON and tables."""

from __future__ import annotations

import json
import sys
import types
from argparse import ArgumentParser
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from pydantic import BaseModel
from tabulate import tabulate

from glabella.clinical import ClinicalError
from glabella.clinical.quantities import round_for_display

EXIT_USAGE = 2


def _one_line_error(parser: ArgumentParser, message: str) -> None:
    parser.exit(EXIT_USAGE, f"{parser.prog}: error: {message}\n")


class ClinicalCommand(BaseCommand):
    """A command that answers from the clinical core without touching the database.

    Domain errors and bad arguments print one line and exit with status 2.
    """

    requires_system_checks: list[str] = []  # type: ignore[assignment]
    requires_migrations_checks = False

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.prog = f"glabella {subcommand}"
        if getattr(parser, "called_from_command_line", False):
            parser.error = types.MethodType(_one_line_error, parser)  # type: ignore[method-assign]
        parser.add_argument("--json", action="store_true", help="print JSON for machines")
        return parser

    def execute(self, *args: Any, **options: Any) -> str | None:
        try:
            return super().execute(*args, **options)
        except ClinicalError as exc:
            if self._called_from_command_line:
                self.stderr.write(f"glabella: error: {exc}")
                sys.exit(EXIT_USAGE)
            raise CommandError(str(exc), returncode=EXIT_USAGE) from exc

    def emit_json(self, payload: BaseModel | dict[str, Any] | list[Any]) -> None:
        data = payload.model_dump(mode="json") if isinstance(payload, BaseModel) else payload
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))

    def emit_table(self, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
        self.stdout.write(tabulate(list(rows), headers=list(headers), tablefmt="simple"))


def add_dilution_arguments(parser: ArgumentParser, example: str) -> None:
    parser.add_argument("--product", required=True, help=f"product name, e.g. {example}")
    parser.add_argument("--vial", type=int, help="vial size in units (default: label)")
    parser.add_argument("--diluent", type=float, help="saline volume in mL (default: label)")


def units(value: float) -> str:
    return f"{round_for_display(value, 1):g} U"


def unit_range(low: float, high: float) -> str:
    low_text, high_text = (f"{round_for_display(v, 1):g}" for v in (low, high))
    return f"{low_text} U" if low_text == high_text else f"{low_text}–{high_text} U"


def millilitres(value: float) -> str:
    return f"{round_for_display(value, 3):g} mL"


def marks(value: float) -> str:
    return f"{round_for_display(value, 1):g}"


def cite(sources: Sequence[str]) -> str:
    return "[" + ", ".join(sources) + "]" if sources else ""


def flagged(text: str, status: str) -> str:
    """Text with its evidence status appended where the fact is not settled."""
    return text if status == "confirmed" else f"{text} ({status})"
