"""View decorators over the access helpers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .access import ClinicNotChosen, staff_clinic
from .models import Clinic

P = ParamSpec("P")
ClinicView = Callable[Concatenate[HttpRequest, Clinic, P], HttpResponse]
View = Callable[Concatenate[HttpRequest, P], HttpResponse]


def with_clinic(capability: str, *, choices: str) -> Callable[[ClinicView[P]], View[P]]:
    """Call the view with the clinic the request works on (``staff_clinic``: 403 without the
    capability, 404 for a clinic not among the user's). Someone at several clinics who named
    none gets the ``choices`` template with ``clinic_choices`` instead; each page words that
    choice itself."""

    def decorate(view: ClinicView[P]) -> View[P]:
        @wraps(view)
        def chosen(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            try:
                clinic = staff_clinic(request, capability)
            except ClinicNotChosen as choice:
                return render(request, choices, {"clinic_choices": choice.clinics})
            return view(request, clinic, *args, **kwargs)

        return chosen

    return decorate
