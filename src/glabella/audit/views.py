from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from glabella.accounts.decorators import with_clinic
from glabella.accounts.models import Clinic

from . import services
from .access import READ
from .forms import EventFilterForm

PER_PAGE = 50


@login_required
@require_safe
@with_clinic(READ, choices="audit/event_list.html")
def event_list(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    filters = EventFilterForm(request.GET)
    events = services.view_trail(
        clinic, by=request.user, request=request, filters=filters.filters()
    )
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/event_list.html",
        {"clinic": clinic, "filters": filters, "page": page, "events": page.object_list},
    )
