from django.urls import path

from . import views

# The namespace the page had when it lived in core: LOGIN_REDIRECT_URL and base.html reverse
# "core:today", and bookmarks and other branches may too.
app_name = "core"

urlpatterns = [
    path("staff/", views.today, name="today"),
]
