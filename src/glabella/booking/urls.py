from django.urls import path

from . import staff_views, views

app_name = "booking"
urlpatterns = [
    path("book/embed.js", views.embed_script, name="embed-script"),
    path("staff/booking/settings/", staff_views.booking_settings, name="settings"),
    path("c/<slug:clinic>/book", views.book, name="book"),
    path("c/<slug:clinic>/book/visit/<str:token>", views.manage, name="manage"),
    path("c/<slug:clinic>/book/visit/<str:token>/cancel", views.cancel, name="cancel"),
    path("c/<slug:clinic>/book/visit/<str:token>/move", views.move, name="move"),
    path("c/<slug:clinic>/book/visit/<str:token>/calendar.ics", views.calendar, name="calendar"),
]
