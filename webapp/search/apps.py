from __future__ import annotations

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "webapp.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from django.db.models.signals import pre_delete

        from webapp.photos import signals
        from webapp.photos.models import Photo
        from webapp.search import services

        # Keep the index in step: a new result (objects, relations, suggestion) or reviewed alt text.
        signals.photo_described.connect(services.on_photo_changed, sender=Photo, dispatch_uid="search-described")
        signals.alt_reviewed.connect(services.on_photo_changed, sender=Photo, dispatch_uid="search-reviewed")
        # A deleted photo's rows go by cascade; its keys must leave the owner's totals.
        pre_delete.connect(services.on_photo_deleted, sender=Photo, dispatch_uid="search-photo-deleted")
