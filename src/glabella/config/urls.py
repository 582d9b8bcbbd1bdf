from django.urls import path

from glabella.core import views

from .api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("api/v1/", api.urls),
]
