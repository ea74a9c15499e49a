from __future__ import annotations

from django.apps import AppConfig


class PhotosConfig(AppConfig):
    name = "webapp.photos"
    label = "photos"
    verbose_name = "Photos"

    def ready(self) -> None:
        # Connects the receivers that delete a photo's files with its row, by every route.
        from webapp.photos import checks, signals  # noqa: F401
