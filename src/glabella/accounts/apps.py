from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "glabella.accounts"
    verbose_name = "Clinics and staff"
