"""Probes and metrics: no login, no session, no template; each answers in a bounded time."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from webapp.ops import services


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: this process answers HTTP. Touches nothing else (a database outage must not make
    an orchestrator restart every healthy web process)."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: database, broker and storage each answered within ``READY_TIMEOUT_MS``.
    503 names the checks that failed (class of error only; the details are logged)."""
    results = services.run_checks()
    failed = [r.name for r in results if not r.ok]
    body = {
        "status": "unavailable" if failed else "ok",
        "failed": failed,
        "checks": {
            r.name: {"ok": r.ok, "ms": round(r.seconds * 1000, 1), **({"error": r.error} if r.error else {})}
            for r in results
        },
    }
    return JsonResponse(body, status=503 if failed else 200)


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format, for a bearer token or an allowed network (never public by default)."""
    forwarded = "HTTP_X_FORWARDED_FOR" in request.META or "HTTP_FORWARDED" in request.META
    allowed = services.metrics_allowed(
        request.META.get("REMOTE_ADDR", ""), request.headers.get("Authorization", ""), forwarded
    )
    if not allowed:
        if not settings.METRICS_TOKEN and not settings.METRICS_ALLOWED_NETWORKS:
            return HttpResponse("Metrics are off: set METRICS_TOKEN or METRICS_ALLOWED_NETWORKS.\n", status=404,
                                content_type="text/plain")  # fmt: skip
        response = HttpResponse("A metrics token or an allowed address is needed.\n", status=401,
                                content_type="text/plain")  # fmt: skip
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(services.registry()), content_type=CONTENT_TYPE_LATEST)
