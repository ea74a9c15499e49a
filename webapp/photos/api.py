"""The JSON API moved to ``webapp.integrations.api`` (django-ninja, OpenAPI at /api/openapi.json).

What is left here is only for ``webapp.search.api``, which still imports these two helpers
until its old ``api/search`` view is removed (the ninja API already answers that address);
then this module can be deleted."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from webapp.accounts.models import ApiToken


def error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def token_required(view: Callable[..., JsonResponse]) -> Callable[..., JsonResponse]:
    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        header = request.headers.get("Authorization", "")
        scheme, _, raw = header.partition(" ")
        token = ApiToken.authenticate(raw.strip()) if scheme.lower() == "bearer" and raw.strip() else None
        if token is None:
            response = error("Send a valid API token: 'Authorization: Bearer <token>'.", 401)
            response["WWW-Authenticate"] = "Bearer"
            return response
        request.user = token.user
        return view(request, *args, **kwargs)

    return wrapper
