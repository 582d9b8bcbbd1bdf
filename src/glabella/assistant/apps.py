from django.apps import AppConfig


class AssistantConfig(AppConfig):
    name = "glabella.assistant"
    verbose_name = "Patient assistant"

    def ready(self) -> None:
        from . import cached_state  # noqa: F401  (drops a saved clinic from the shared cache)
