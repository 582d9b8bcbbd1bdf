"""Read-only catalogue endpoints over the clinical core (reference data, no patient data)."""

from django.http import HttpRequest
from ninja import Query, Router, Schema

from glabella.clinical import ClinicalCore, Dilution, Draw
from glabella.clinical.schema import Product, Source

router = Router(tags=["catalogue"])
# The operation ids published while this lived in glabella.core; clients generated from the
# OpenAPI document name their methods after them.
PUBLISHED = "glabella_core_api_"


class ReconstitutionQuery(Schema):
    vial: int | None = None
    diluent: float | None = None
    units: float | None = None


class ReconstitutionOut(Schema):
    dilution: Dilution
    draw: Draw | None = None


@router.get(
    "/products",
    response=list[Product],
    summary="All products with their sourced facts",
    operation_id=PUBLISHED + "list_products",
)
def list_products(request: HttpRequest) -> list[Product]:
    return list(ClinicalCore().catalogue.products.values())


@router.get(
    "/products/{name}",
    response=Product,
    summary="One product by id or name",
    operation_id=PUBLISHED + "get_product",
)
def get_product(request: HttpRequest, name: str) -> Product:
    return ClinicalCore().product(name)


@router.get(
    "/sources",
    response=dict[str, Source],
    summary="Every cited source",
    operation_id=PUBLISHED + "list_sources",
)
def list_sources(request: HttpRequest) -> dict[str, Source]:
    return ClinicalCore().catalogue.sources


@router.get(
    "/products/{name}/reconstitution",
    response=ReconstitutionOut,
    summary="Concentration of a vial, and the volume for a dose",
    operation_id=PUBLISHED + "reconstitution",
)
def reconstitution(
    request: HttpRequest, name: str, query: Query[ReconstitutionQuery]
) -> ReconstitutionOut:
    core = ClinicalCore()
    dilution = core.dilution(name, vial_units=query.vial, diluent_ml=query.diluent)
    draw = core.draw(dilution, query.units) if query.units is not None else None
    return ReconstitutionOut(dilution=dilution, draw=draw)
