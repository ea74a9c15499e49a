"""``/api/…``: one django-ninja ``NinjaAPI`` (token auth, one JSON error shape, the generated
OpenAPI schema at ``/api/openapi.json`` and a readable page at ``/api/docs``) that mounts each
app's router, with JSON 405s.

Every call needs ``Authorization: Bearer <token>`` (tokens from the account page, ``manage.py
issue_token`` or ``POST /api/tokens/``). Every error is JSON ``{"error": "<sentence>", "code":
"<word>"}`` with a 4xx status (validation errors add ``detail``). Endpoints are thin: they call
services.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, include, path
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.operation import Operation
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import HttpBearer

from webapp.accounts.api import router as tokens_router
from webapp.accounts.models import ApiToken
from webapp.api.docs import AccessibleDocs
from webapp.integrations.api import router as integrations_router
from webapp.photos.api import router as photos_router
from webapp.photos.records import JSONEncoder
from webapp.search.api import router as search_router


class Encoder(JSONEncoder, NinjaJSONEncoder):
    """ninja's encoder with full-precision times, as exports and webhooks (``records.JSONEncoder``)."""


class Renderer(JSONRenderer):
    encoder_class = Encoder


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        token = token.strip()
        found = ApiToken.authenticate(token) if token else None
        if found is None:
            return None
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


class Api(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # The function's name (unique across the routers), so operation ids stay the same
        # whichever module an endpoint lives in.
        return operation.view_func.__name__


api = Api(
    title="Alt Text Studio API",
    version="1",
    description=(
        "Upload photos, follow their status, read, accept or edit their alt text, search and export "
        "your library, manage API tokens and your webhook. Send `Authorization: Bearer <token>`. "
        'Errors are JSON `{"error": "...", "code": "..."}` with a 4xx status.'
    ),
    auth=BearerToken(),
    urls_namespace="api",
    docs=AccessibleDocs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    renderer=Renderer(),
)
for router in (photos_router, search_router, integrations_router, tokens_router):
    api.add_router("", router)


# -- error handlers: one shape for every error ----------------------------------------------------
@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = api.create_response(
        request,
        {"error": "Send a valid API token: 'Authorization: Bearer <token>'.", "code": "unauthorized"},
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for item in exc.errors:
        where = ".".join(str(part) for part in item.get("loc", ()) if part not in {"body", "payload"})
        problems.append(f"{where}: {item.get('msg', 'invalid')}" if where else str(item.get("msg", "invalid")))
    detail = [{"loc": list(map(str, e.get("loc", ()))), "msg": str(e.get("msg", ""))} for e in exc.errors]
    message = "The request is not valid: " + "; ".join(problems) + "."
    return api.create_response(request, {"error": message, "code": "invalid", "detail": detail}, status=400)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    if message == "Cannot parse request body":
        message = "The body must be JSON."
    return api.create_response(request, {"error": message, "code": "bad_request"}, status=exc.status_code)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"error": "Not found.", "code": "not_found"}, status=404)


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

urlpatterns = [path("api/", include((api_patterns, api_app_name), namespace=api_namespace))]
