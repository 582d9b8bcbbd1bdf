from typing import Any

from glabella.catalogue.cli import ClinicalCommand, flagged, units
from glabella.clinical import ClinicalCore
from glabella.clinical.schema import Product


class Command(ClinicalCommand):
    help = "The product catalogue: vials, label reconstitution, label doses, intervals."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("product", nargs="?", help="show one product in full")

    def handle(self, *args: Any, **options: Any) -> None:
        core = ClinicalCore()
        if options["product"]:
            products = [core.product(options["product"])]
        else:
            products = list(core.catalogue.products.values())
        if options["json"]:
            self.emit_json([p.model_dump(mode="json") for p in products])
            return
        self.emit_table(
            [
                "Product",
                "Generic",
                "Vials",
                "Label reconstitution",
                "Label doses",
                "Retreat after",
                "In use",
            ],
            (_row(product) for product in products),
        )
        self.stdout.write(
            "\n(unconfirmed) and (conflict) mark facts the sources do not settle; "
            "--json shows every source and note."
        )


def _row(product: Product) -> list[str]:
    reconstitutions = "\n".join(
        flagged(
            f"{r.vial_units} U + {r.diluent_ml:g} mL → {units(r.stated_units)}/{r.stated_ml:g} mL",
            r.status,
        )
        for r in product.reconstitutions
    )
    doses = "\n".join(
        flagged(f"{indication.area}: {units(regimen.total_units)}", regimen.status)
        for indication in product.indications
        for regimen in indication.regimens
    )
    return [
        product.brand,
        product.generic,
        ", ".join(f"{size} U" for size in product.vial_sizes),
        reconstitutions,
        doses,
        flagged(f"{product.retreatment.min_days} days", product.retreatment.status),
        flagged(f"{product.storage.in_use_hours} h", product.storage.status),
    ]
