"""The director's online booking settings page (the same capability as the calendar's)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from glabella.accounts.decorators import with_clinic
from glabella.accounts.embedding import framing_origins, set_framing_origins
from glabella.accounts.forms import FramingOriginsField
from glabella.accounts.models import Clinic

from . import services
from .models import BookingSettings

MANAGE = "calendar.manage"


class SettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    framing_origins = FramingOriginsField()

    class Meta:
        model = BookingSettings
        fields = services.SETTING_FIELDS


@login_required
@require_http_methods(["GET", "POST"])
@with_clinic(MANAGE, choices="booking/choose_clinic.html")
def booking_settings(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    current = services.settings_for(clinic)
    form = SettingsForm(request.POST or None, instance=BookingSettings(pk=current.pk))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            services.update_booking_settings(clinic, form.cleaned_data, by=request.user)
            set_framing_origins(clinic, form.cleaned_data["framing_origins"], by=request.user)
        messages.success(request, "Saved the online booking settings.")
        return redirect(f"{reverse('booking:settings')}?clinic={clinic.slug}")
    if request.method == "GET":
        form = SettingsForm(instance=current, initial={"framing_origins": framing_origins(clinic)})
    page = reverse("booking:book", kwargs={"clinic": clinic.slug})
    context = {"clinic": clinic, "form": form, "page": request.build_absolute_uri(page)}
    context["embed"] = request.build_absolute_uri(reverse("booking:embed-script"))
    return render(request, "booking/settings.html", context, status=400 if form.errors else 200)
