from typing import Any

from glabella.catalogue.cli import (
    ClinicalCommand,
    add_dilution_arguments,
    cite,
    marks,
    millilitres,
    units,
)
from glabella.clinical import ClinicalCore


class Command(ClinicalCommand):
    help = "Concentration of a reconstituted vial, and the volume for a dose."

    def add_arguments(self, parser: Any) -> None:
        add_dilution_arguments(parser, example="botox")
        parser.add_argument("--units", type=float, help="dose to draw, in the product's units")
        parser.add_argument("--volume", type=float, help="volume in mL to convert to units")
        parser.add_argument(
            "--vials-for",
            type=float,
            metavar="UNITS",
            help="total units of a plan: how many vials it needs",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        core = ClinicalCore()
        product = core.product(options["product"])
        dilution = core.dilution(
            product.id, vial_units=options["vial"], diluent_ml=options["diluent"]
        )
        result: dict[str, Any] = {"dilution": dilution.model_dump(mode="json")}
        result["in_use_hours"] = core.in_use_hours(product.id)
        if options["units"] is not None:
            result["draw"] = core.draw(dilution, options["units"]).model_dump(mode="json")
        if options["volume"] is not None:
            result["units_in_volume"] = {
                "volume_ml": options["volume"],
                "units": core.units_in_volume(dilution, options["volume"]),
            }
        if options["vials_for"] is not None:
            plan = core.vials_needed(product.id, options["vials_for"], dilution.vial_units)
            result["vials"] = plan.model_dump(mode="json")
        if options["json"]:
            self.emit_json(result)
        else:
            self._print(result)

    def _print(self, result: dict[str, Any]) -> None:
        dilution = result["dilution"]
        write = self.stdout.write
        write(
            f"{dilution['brand']}: {dilution['vial_units']} U vial + "
            f"{millilitres(dilution['diluent_ml'])} saline"
        )
        write(
            f"Concentration: {units(dilution['units_per_0_1_ml'])} per 0.1 mL "
            f"({units(dilution['units_per_ml'])} per mL)"
        )
        label = dilution["label"]
        if label:
            write(
                f"Label reconstitution: {units(label['stated_units'])} per "
                f"{millilitres(label['stated_ml'])} {cite(label['sources'])}"
            )
        write(f"Use within {result['in_use_hours']} h of reconstitution")
        if "draw" in result:
            draw = result["draw"]
            write(
                f"Dose: {units(draw['units'])} = {millilitres(draw['volume_ml'])} "
                f"= {marks(draw['syringe_marks'])} marks on a U-100 insulin syringe"
            )
            dilution["warnings"] += draw["warnings"]
        if "units_in_volume" in result:
            found = result["units_in_volume"]
            write(f"{millilitres(found['volume_ml'])} holds {units(found['units'])}")
        if "vials" in result:
            plan = result["vials"]
            write(
                f"{units(plan['units_needed'])} needs {plan['vials']} × {plan['vial_units']} U "
                f"vial(s), {units(plan['units_left_over'])} left over"
            )
        for warning in dilution["warnings"]:
            write(f"Warning: {warning}")
