from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "glabella.catalogue"
    verbose_name = "Glabella catalogue"
