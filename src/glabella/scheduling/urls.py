from django.urls import path

from . import views

app_name = "scheduling"
urlpatterns = [
    path("staff/appointments/", views.day, name="day"),
    path(
        "staff/appointments/<uuid:appointment_id>/status/",
        views.change_status,
        name="status",
    ),
    path(
        "staff/patients/<uuid:patient_id>/appointments/new/",
        views.book,
        name="book",
    ),
]
