from typing import Any

from glabella.catalogue.cli import ClinicalCommand, cite, unit_range, units
from glabella.clinical import ClinicalCore


class Command(ClinicalCommand):
    help = (
        "Compare units of two brands as a literature range, with its sources and the label "
        "caveat that units are not interchangeable."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("units", type=float, help="units of the first product")
        parser.add_argument("--from", dest="source", required=True, help="product the units are of")
        parser.add_argument("--to", dest="target", required=True, help="product to compare with")

    def handle(self, *args: Any, **options: Any) -> None:
        result = ClinicalCore().compare_units(
            options["units"], options["source"], options["target"]
        )
        if options["json"]:
            self.emit_json(result)
            return
        write = self.stdout.write
        span = unit_range(result.low, result.high)
        write(
            f"{units(result.units)} {result.from_brand}: about {span} {result.to_brand} "
            "(literature range, not a dose)"
        )
        write(f"Reported ratio: {result.ratio} {cite(result.sources)}")
        if result.note:
            write(f"Note: {result.note}")
        write(f"Caveat: {result.caveat} {cite(result.caveat_sources)}")
