from __future__ import annotations

import ipaddress

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class OpsConfig(AppConfig):
    """What load balancers, orchestrators and Prometheus ask: /healthz, /readyz, /metrics."""

    name = "webapp.ops"
    label = "ops"

    def ready(self) -> None:
        # A mistyped network must stop the process at start, not turn every scrape into a 500.
        from django.conf import settings

        for net in settings.METRICS_ALLOWED_NETWORKS:
            try:
                ipaddress.ip_network(net, strict=False)
            except ValueError as exc:
                raise ImproperlyConfigured(f"METRICS_ALLOWED_NETWORKS: {net!r} is not a network ({exc})") from exc
