from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.i18n import JavaScriptCatalog

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
    # set_language: the language switcher posts here (next= the page it came from).
    path("i18n/", include("django.conf.urls.i18n")),
    # The scripts' words in the interface language (djangojs catalogue); the page asks for it with
    # its language in the address, so a cached copy is never another language's.
    path(
        "jsi18n/",
        cache_control(max_age=3600)(JavaScriptCatalog.as_view()),
        name="javascript-catalog",
    ),
    # Probes and metrics for load balancers, orchestrators and Prometheus (/healthz, /readyz, /metrics).
    path("", include("webapp.ops.urls")),
]

handler404 = "webapp.errors.not_found"
handler403 = "webapp.errors.forbidden"
handler400 = "webapp.errors.bad_request"
handler500 = "webapp.errors.server_error"
