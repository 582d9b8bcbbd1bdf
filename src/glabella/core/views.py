from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from glabella.accounts.access import ClinicNotChosen, staff_clinic
from glabella.clinical import ClinicalCore
from glabella.clinical.catalogue import iter_evidence

from .page_cache import every_visitor, same_for_visitors
from .today import APPOINTMENTS, today_board


@same_for_visitors(every_visitor)
def home(request: HttpRequest) -> HttpResponse:
    """The product catalogue: label doses and reconstitution, each with its sources."""
    core = ClinicalCore()
    catalogue = core.catalogue
    products = list(catalogue.products.values())
    cited = sorted({s for p in products for s in _sources_of(p)})
    return render(
        request,
        "core/home.html",
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


@login_required
@require_safe
def today(request: HttpRequest) -> HttpResponse:
    """The staff landing page: today's visits and what waits for someone at the clinic."""
    try:
        clinic = staff_clinic(request, APPOINTMENTS)
    except ClinicNotChosen as choice:
        return render(request, "core/today.html", {"clinic_choices": choice.clinics})
    board = today_board(clinic, today=timezone.localdate(), by=request.user)
    return render(request, "core/today.html", {"clinic": clinic, "board": board})
