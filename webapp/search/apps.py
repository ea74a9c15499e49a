from __future__ import annotations

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "webapp.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from webapp.photos import signals
        from webapp.photos.models import Photo
        from webapp.search import services

        # Keep the index in step: a new result (objects, relations, suggestion) or reviewed alt text.
        signals.photo_described.connect(services.on_photo_changed, sender=Photo, dispatch_uid="search-described")
        signals.alt_reviewed.connect(services.on_photo_changed, sender=Photo, dispatch_uid="search-reviewed")
