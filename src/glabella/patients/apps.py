from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "glabella.patients"
    verbose_name = "Patients"
