from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "glabella.dashboard"
    verbose_name = "Glabella dashboard"
