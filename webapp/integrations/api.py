"""The export and webhook parts of the JSON API (``/api/export/``, ``/api/webhook/``).
Mounted by ``webapp.api.urls``; thin: they call ``exports`` and ``webhooks``."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictBool

from webapp.accounts.languages import LANG, UnsupportedLanguage, api_alt_language
from webapp.api.shapes import errors, fail
from webapp.integrations import exports, webhooks

router = Router()


class WebhookIn(Schema):
    url: str = Field(..., max_length=500, description="http(s) address that receives a POST per finished photo")
    secret: str | None = Field(None, max_length=128, description="16-128 characters; omit to keep or generate one")
    active: StrictBool = True


class WebhookOut(Schema):
    url: str
    active: bool
    secret_hint: str
    last_attempt_at: datetime | None
    last_ok: bool | None
    last_result: str


class WebhookSavedOut(WebhookOut):
    secret: str | None = Field(None, description="The generated secret, only when one was made by this call")


# -- export ----------------------------------------------------------------------------------------
EXPORT_CONTENT = {
    "application/json": {"schema": {"type": "object"}},
    "text/csv": {"schema": {"type": "string"}},
    "text/html": {"schema": {"type": "string"}},
}


@router.get(
    "/export/",
    response={200: None, **errors(400)},
    summary="Export your library",
    tags=["export"],
    openapi_extra={"responses": {200: {"description": "The library as a file", "content": EXPORT_CONTENT}}},
)
def export(
    request: HttpRequest,
    format: Literal["csv", "json", "html"] = Query("json"),  # noqa: A002
    lang: str | None = LANG,
) -> Any:
    """Every photo as `json` (the same records as `GET /api/photos/{id}/`), `csv` (one row per
    photo; `alt` is the text to publish) or `html` (a page of `<img src="FILE" alt="...">` tags:
    your reviewed alt text, `alt=""` for decorative photos, else the suggestion, marked
    `data-alt-source="suggested"`)."""
    try:
        exported = exports.export_library(request.user, format, api_alt_language(request))
    except UnsupportedLanguage as exc:
        return fail(400, str(exc), "unsupported_language")
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


# -- webhook ---------------------------------------------------------------------------------------
def _webhook_record(hook: Any) -> dict[str, Any]:
    return {
        "url": hook.url,
        "active": hook.is_active,
        "secret_hint": hook.secret_hint,
        "last_attempt_at": hook.last_attempt_at,
        "last_ok": hook.last_ok,
        "last_result": hook.last_result,
    }


@router.get("/webhook/", response={200: WebhookOut, **errors(404)}, summary="Your webhook", tags=["webhook"])
def get_webhook(request: HttpRequest) -> Any:
    """Each finished photo is POSTed to the URL as JSON `{"event": "photo.described", "delivery",
    "photo": {...}}` with `X-Signature: sha256=<HMAC-SHA256 of the raw body, keyed with the secret>`;
    failures (network, timeout, 5xx, 408, 429) are retried with exponential backoff."""
    hook = getattr(request.user, "webhook", None)
    if hook is None:
        return fail(404, "No webhook is set.", "not_found")
    return _webhook_record(hook)


@router.put("/webhook/", response={200: WebhookSavedOut, **errors(400)}, summary="Set your webhook", tags=["webhook"])
def put_webhook(request: HttpRequest, body: WebhookIn) -> Any:
    try:
        hook, generated = webhooks.save_webhook(request.user, body.url, secret=body.secret, active=body.active)
    except webhooks.WebhookInvalid as exc:
        return fail(400, str(exc), "invalid")
    return {**_webhook_record(hook), "secret": generated}


@router.delete("/webhook/", response={204: None, **errors(404)}, summary="Remove your webhook", tags=["webhook"])
def delete_webhook(request: HttpRequest) -> Any:
    if not webhooks.delete_webhook(request.user):
        return fail(404, "No webhook is set.", "not_found")
    return Status(204, None)
