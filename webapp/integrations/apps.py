from __future__ import annotations

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "webapp.integrations"
    label = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        # The webhook outbox's receivers (``@receiver`` in the module) connect on import.
        from webapp.integrations import webhooks  # noqa: F401
