import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from glabella.catalogue.cli import ClinicalCommand, cite
from glabella.clinical import ClinicalCore, Intake, InvalidIntake, ScreeningResult

BOOLEAN_ANSWERS = [name for name, field in Intake.model_fields.items() if field.annotation is bool]
OUTCOME_WORDS = {
    "ok": "ok",
    "needs_prescriber_review": "needs prescriber review",
    "do_not_treat": "DO NOT TREAT",
}


class Command(ClinicalCommand):
    help = "Screen intake answers against every product: ok, needs prescriber review, do not treat."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--answers",
            type=Path,
            metavar="FILE.json",
            help="intake answers as a JSON object (flags add to it)",
        )
        parser.add_argument("--age", type=int, help="age in years")
        for name in BOOLEAN_ANSWERS:
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name, action="store_true")
        parser.add_argument(
            "--allergy",
            action="append",
            default=[],
            metavar="ALLERGEN",
            help="an allergy (repeat for several), e.g. cow_milk_protein",
        )
        parser.add_argument(
            "--medicine",
            action="append",
            default=[],
            metavar="MEDICINE",
            help="a current medicine class (repeat), e.g. aminoglycoside",
        )
        parser.add_argument("--product", help="show one product only")

    def handle(self, *args: Any, **options: Any) -> None:
        core = ClinicalCore()
        result = core.screen(_intake(options))
        if options["product"]:
            wanted = core.product(options["product"]).id
            result = result.model_copy(
                update={"products": tuple(p for p in result.products if p.product == wanted)}
            )
        if options["json"]:
            self.emit_json(result)
        else:
            self._print(result)

    def _print(self, result: ScreeningResult) -> None:
        for verdict in result.products:
            self.stdout.write(f"{verdict.brand}: {OUTCOME_WORDS[verdict.outcome]}")
            for finding in verdict.findings:
                outcome = OUTCOME_WORDS[finding.outcome]
                self.stdout.write(f"  - {outcome}: {finding.reason} {cite(finding.sources)}")


def _intake(options: dict[str, Any]) -> Intake:
    answers = _read_answers(options["answers"]) if options["answers"] else {}
    if options["age"] is not None:
        answers["age"] = options["age"]
    for name in BOOLEAN_ANSWERS:
        if options[name]:
            answers[name] = True
    answers["allergies"] = [*answers.get("allergies", []), *options["allergy"]]
    answers["medicines"] = [*answers.get("medicines", []), *options["medicine"]]
    try:
        return Intake.model_validate(answers)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors()
        )
        raise InvalidIntake(f"invalid intake answers: {problems}") from exc


def _read_answers(path: Path) -> dict[str, Any]:
    try:
        answers = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise InvalidIntake(f"cannot read answers from {path}: {exc}") from exc
    if not isinstance(answers, dict):
        raise InvalidIntake(f"{path} must hold a JSON object of answers")
    return answers
