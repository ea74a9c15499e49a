from __future__ import annotations

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "webapp.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        # The index's receivers (``@receiver`` in the module) connect on import.
        from webapp.search import services  # noqa: F401
