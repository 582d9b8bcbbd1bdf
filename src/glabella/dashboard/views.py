from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from glabella.accounts.decorators import with_clinic
from glabella.accounts.models import Clinic

from .today import APPOINTMENTS, today_board


@login_required
@require_safe
@with_clinic(APPOINTMENTS, choices="dashboard/today.html")
def today(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    """The staff landing page: today's visits and what waits for someone at the clinic."""
    board = today_board(clinic, today=timezone.localdate(), by=request.user)
    return render(request, "dashboard/today.html", {"clinic": clinic, "board": board})
