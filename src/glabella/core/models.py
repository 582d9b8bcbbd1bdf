import uuid
from typing import TypeVar

from django.conf import settings
from django.db import models


class BaseModel(models.Model):
    """Public UUID (URLs and payloads never show integer keys) and timestamps."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True


Row = TypeVar("Row", bound=models.Model)


def clinic_settings_row(clinic: models.Model, model: type[Row]) -> Row:
    """A clinic's one row of ``model`` (its settings of one kind), made with the model's
    defaults the first time it is asked for and kept on the clinic for the request."""
    found: Row | None = getattr(clinic, _kept_as(model), None)
    if found is None:
        found, _ = model.objects.get_or_create(clinic=clinic)  # type: ignore[attr-defined]
        keep_clinic_settings_row(clinic, found)
    return found


def keep_clinic_settings_row(clinic: models.Model, row: models.Model) -> None:
    """After a change: ``clinic_settings_row`` answers with ``row`` from now on."""
    setattr(clinic, _kept_as(type(row)), row)


def _kept_as(model: type[models.Model]) -> str:
    return f"_{model._meta.label_lower.replace('.', '_')}_row"
