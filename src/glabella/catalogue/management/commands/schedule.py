from datetime import date
from typing import Any

from glabella.catalogue.cli import ClinicalCommand
from glabella.clinical import ClinicalCore, InvalidQuantity


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidQuantity(f"dates are written YYYY-MM-DD, not {text!r}") from exc


class Command(ClinicalCommand):
    help = (
        "What follows a treatment (review, retreatment window, earliest next date), and whether "
        "a proposed date is sooner than the minimum interval."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--product", required=True, help="product name, e.g. botox")
        parser.add_argument("--treated", required=True, help="treatment date, YYYY-MM-DD")
        parser.add_argument("--proposed", help="a proposed next treatment date, YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        core = ClinicalCore()
        treated = _date(options["treated"])
        result: dict[str, Any] = {
            "schedule": core.schedule_after(treated, options["product"]).model_dump(mode="json")
        }
        if options["proposed"]:
            check = core.check_interval(treated, _date(options["proposed"]), options["product"])
            result["proposed"] = check.model_dump(mode="json")
        if options["json"]:
            self.emit_json(result)
        else:
            self._print(result)

    def _print(self, result: dict[str, Any]) -> None:
        schedule = result["schedule"]
        write = self.stdout.write
        write(f"Treated on {schedule['treated_on']}")
        write(f"Two-week review: {schedule['review_on']}")
        write(
            f"Retreatment window: {schedule['window_opens_on']} to {schedule['window_closes_on']}"
        )
        write(
            f"Earliest retreatment without a recorded reason: {schedule['earliest_retreatment_on']}"
        )
        proposed = result.get("proposed")
        if proposed is None:
            return
        if proposed["too_soon"]:
            write(f"{proposed['proposed_on']} is too soon; a recorded reason is needed:")
            for reason in proposed["reasons"]:
                write(f"  - {reason}")
        else:
            write(f"{proposed['proposed_on']} is after the minimum interval")
