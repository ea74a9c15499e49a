from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from webapp.accounts.urls import auth_urlpatterns

urlpatterns = [
    # First: the API (/api/…) answers before any older route with the same address.
    path("", include("webapp.api.urls")),
    path("", include("webapp.integrations.urls")),
    path("", include("webapp.photos.urls")),
    path("", include("webapp.search.urls")),
    path("account/", include("webapp.accounts.urls")),
    path("accounts/", include(auth_urlpatterns)),
    path("admin/", admin.site.urls),
    # Probes and metrics for load balancers, orchestrators and Prometheus (/healthz, /readyz, /metrics).
    path("", include("webapp.ops.urls")),
]

handler404 = "webapp.errors.not_found"
handler403 = "webapp.errors.forbidden"
handler400 = "webapp.errors.bad_request"
handler500 = "webapp.errors.server_error"
