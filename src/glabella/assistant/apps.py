from django.apps import AppConfig


class AssistantConfig(AppConfig):
    name = "glabella.assistant"
    verbose_name = "Patient assistant"
