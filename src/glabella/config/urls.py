from django.contrib.auth import views as auth_views
from django.urls import include, path

from glabella.accounts.views import SignInView
from glabella.catalogue import views

from . import health
from .api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("glabella.accounts.urls")),
    path("api/v1/", api.urls),
    path("", include("glabella.dashboard.urls")),
    path("", include("glabella.assistant.urls")),
    path("", include("glabella.audit.urls")),
    path("", include("glabella.patients.urls")),
    path("", include("glabella.scheduling.urls")),
    path("", include("glabella.treatments.urls")),
    path("", include("glabella.messaging.urls")),
    path("", include("glabella.booking.urls")),
]
