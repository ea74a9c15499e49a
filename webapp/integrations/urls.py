"""``/api/…`` (the django-ninja API, with JSON 405s), the export page and the webhook settings."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, include, path

from webapp.integrations import views
from webapp.integrations.api import api

app_name = "integrations"


def json_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """django-ninja answers a method no operation takes with a text/plain 405; make it the API's
    JSON error shape (keeping the ``Allow`` header)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = HttpResponse(
                json.dumps({"error": f"Use {allowed.replace(', ', ' or ')}.", "code": "method_not_allowed"}),
                status=405,
                content_type="application/json; charset=utf-8",
            )
            response["Allow"] = allowed
        return response

    wrapper.csrf_exempt = True  # type: ignore[attr-defined]  # token auth only, as ninja's own views
    return wrapper


def _wrap(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = json_not_allowed(pattern.callback)
        else:
            _wrap(pattern.url_patterns)
    return patterns


api_patterns, api_app_name, api_namespace = api.urls
_wrap(api_patterns)

urlpatterns = [
    path("api/", include((api_patterns, api_app_name), namespace=api_namespace)),
    path("export/", views.export_page, name="export"),
    path("export/<slug:fmt>/", views.export_download, name="export-download"),
    path("webhook/", views.webhook_settings, name="webhook"),
]
