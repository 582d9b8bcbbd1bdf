from django.urls import path

from . import calendar_views, views

app_name = "scheduling"
urlpatterns = [
    path("staff/appointments/", views.day, name="day"),
    path("staff/appointments/week/", calendar_views.week, name="week"),
    path("staff/appointments/new/", calendar_views.new_booking, name="new"),
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
    path(
        "staff/patients/<uuid:patient_id>/appointments/free-times/",
        views.find_slots,
        name="find-slots",
    ),
    path("staff/calendar/", calendar_views.clinic_calendar, name="calendar"),
    path("staff/calendar/injector/", calendar_views.injector_calendar, name="injector-calendar"),
]
