from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "glabella.booking"
    label = "booking"
    verbose_name = "Online booking"
