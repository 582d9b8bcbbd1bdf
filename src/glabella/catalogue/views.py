from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from glabella.clinical import ClinicalCore
from glabella.clinical.catalogue import iter_evidence
from glabella.core.page_cache import every_visitor, same_for_visitors


@same_for_visitors(every_visitor)
def home(request: HttpRequest) -> HttpResponse:
    """The product catalogue: label doses and reconstitution, each with its sources."""
    core = ClinicalCore()
    catalogue = core.catalogue
    products = list(catalogue.products.values())
    cited = sorted({s for p in products for s in _sources_of(p)})
    return render(
        request,
        "catalogue/home.html",
        {
            "products": products,
            "areas": catalogue.areas,
            "sources": {key: catalogue.sources[key] for key in cited},
            "caveat": catalogue.conversions.caveat,
            "clinic": core.clinic,
        },
    )


def _sources_of(product: object) -> set[str]:
    return {source for fact in iter_evidence(product) for source in fact.sources}
