from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "glabella.demo"
    verbose_name = "Glabella demo"
