from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("staff/", views.today, name="today"),
]
