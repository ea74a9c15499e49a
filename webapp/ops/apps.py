from __future__ import annotations

from django.apps import AppConfig


class OpsConfig(AppConfig):
    """What load balancers, orchestrators and Prometheus ask: /healthz, /readyz, /metrics."""

    name = "webapp.ops"
    label = "ops"
