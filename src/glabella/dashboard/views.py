from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from glabella.accounts.access import ClinicNotChosen, staff_clinic

from .today import APPOINTMENTS, today_board


@login_required
@require_safe
def today(request: HttpRequest) -> HttpResponse:
    """The staff landing page: today's visits and what waits for someone at the clinic."""
    try:
        clinic = staff_clinic(request, APPOINTMENTS)
    except ClinicNotChosen as choice:
        return render(request, "dashboard/today.html", {"clinic_choices": choice.clinics})
    board = today_board(clinic, today=timezone.localdate(), by=request.user)
    return render(request, "dashboard/today.html", {"clinic": clinic, "board": board})
