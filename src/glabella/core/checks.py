"""System checks: the clinical data must load and validate before anything serves."""

from django.core import checks

from glabella.clinical import CatalogueError, load_catalogue


@checks.register()
def clinical_data_is_valid(app_configs: object, **kwargs: object) -> list[checks.CheckMessage]:
    try:
        load_catalogue()
    except CatalogueError as exc:
        return [checks.Error(f"clinical data is invalid: {exc}", id="glabella.E001")]
    return []
