from django.apps import AppConfig


class TreatmentsConfig(AppConfig):
    name = "glabella.treatments"
    verbose_name = "Treatments"
    default_auto_field = "django.db.models.BigAutoField"
