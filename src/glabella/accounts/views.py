"""Two-factor pages: set up an authenticator app, and enter a code after signing in."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import two_factor
from .devices import remember_device
from .forms import ThrottledAuthenticationForm, TwoFactorCodeForm


class SignInView(LoginView):
    """Django's sign-in page with the throttled form: a refusal for the wait answers 429 with
    Retry-After, and a successful sign-in marks the browser as a known device (devices.py)."""

    authentication_form = ThrottledAuthenticationForm

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        remember_device(self.request, response, form.get_user().get_username())
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if form.retry_after:
            response.status_code = 429
            response["Retry-After"] = str(form.retry_after)
        return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if two_factor.confirmed_device(request.user) is not None:
        # A second device only after verifying with the first: a password alone adds none.
        if _is_verified(request):
            return HttpResponseRedirect(next_url)
        return _redirect_with_next("accounts:two-factor-verify", next_url)
    device = two_factor.pending_device(request.user)
    form = TwoFactorCodeForm(request.POST or None)
    if form.is_valid():
        try:
            two_factor.enable_two_factor(request, device, form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            return HttpResponseRedirect(next_url)
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": two_factor.qr_svg(device),
        "secret": two_factor.secret_text(device),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    device = two_factor.confirmed_device(request.user)
    if device is None:
        return _redirect_with_next("accounts:two-factor-setup", next_url)
    if _is_verified(request):
        return HttpResponseRedirect(next_url)
    form = TwoFactorCodeForm(request.POST or None)
    if form.is_valid():
        try:
            two_factor.verify_two_factor(request, device, form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            return HttpResponseRedirect(next_url)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


def _is_verified(request: HttpRequest) -> bool:
    user: Any = request.user  # OTPMiddleware adds is_verified()
    return bool(user.is_verified())


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if safe else resolve_url(settings.LOGIN_REDIRECT_URL)


def _redirect_with_next(url_name: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(url_name)}?{urlencode({'next': next_url})}")
