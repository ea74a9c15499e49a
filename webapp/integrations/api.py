"""The JSON API (django-ninja): photos, review, search, export, tokens, webhook.

Mounted at ``/api/``; the OpenAPI schema is generated from these functions and their types and
served at ``/api/openapi.json``, with a readable page at ``/api/docs``. Every call needs
``Authorization: Bearer <token>`` (tokens from the account page, ``manage.py issue_token`` or
``POST /api/tokens/``). Every error is JSON ``{"error": "<sentence>", "code": "<word>"}`` with a
4xx status (validation errors add ``detail``). Views are thin: they call services.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import pydantic
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import Field, File, NinjaAPI, Path, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.files import UploadedFile
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import HttpBearer
from pydantic import StrictBool

from webapp.accounts.models import ApiToken
from webapp.integrations import services
from webapp.integrations.docs import AccessibleDocs
from webapp.photos import services as photo_services
from webapp.photos.models import Photo
from webapp.photos.uploads import UploadRejected
from webapp.search import services as search_services

MAX_ID = 2**63 - 1  # the database's integer; a bigger id is a 400, not an overflow
PhotoId = Path(..., ge=1, le=MAX_ID, description="A photo id from the upload answer or the list")


class Encoder(NinjaJSONEncoder):
    """ninja's encoder with full-precision times (``isoformat()``, as exports and webhooks)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


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


api = NinjaAPI(
    title="Alt Text Studio API",
    version="1",
    description=(
        "Upload photos, follow their status, read, accept or edit their alt text, search and export "
        "your library, manage API tokens and your webhook. Send `Authorization: Bearer <token>`. "
        'Errors are JSON `{"error": "...", "code": "..."}` with a 4xx status.'
    ),
    auth=BearerToken(),
    urls_namespace="integrations:api",
    docs=AccessibleDocs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    renderer=Renderer(),
)


# -- schemas ---------------------------------------------------------------------------------------
class ErrorOut(Schema):
    error: str = Field(..., description="What went wrong and what to do, in a sentence")
    code: str | None = Field(None, description="A stable word for programs: not_found, invalid, unauthorized…")
    detail: list[dict[str, Any]] | None = Field(None, description="Validation problems, one per field")


class ObjectOut(Schema):
    label: str
    score: float
    box: list[float] = Field(..., description="x0, y0, x1, y1 in pixels of the stored (upright) image")
    area_fraction: float
    position: str
    certainty: str


class PhotoOut(Schema):
    id: int
    file: str
    status: Literal["queued", "processing", "done", "failed", "rejected"]
    message: str
    width: int
    height: int
    model: str
    alt_text: str = Field(..., description="The model's suggestion")
    long_description: str
    accepted_alt_text: str | None = Field(
        ..., description='The reviewed alt text ("" when decorative); null when not reviewed'
    )
    alt_source: Literal["accepted", "edited", "decorative"] | None
    decorative: bool
    objects: list[ObjectOut]
    created_at: datetime
    finished_at: datetime | None


class PhotoListOut(Schema):
    photos: list[PhotoOut]


class QueuedOut(Schema):
    id: int
    file: str
    status: str


class RejectedOut(Schema):
    file: str
    error: str


class UploadOut(Schema):
    photos: list[QueuedOut]
    rejected: list[RejectedOut]


class UploadErrorOut(ErrorOut):
    photos: list[QueuedOut] = Field([], description="Always empty: nothing was accepted")
    rejected: list[RejectedOut] = Field([], description="Each file that was refused, with the reason")


class ReviewIn(Schema):
    """Exactly one of: ``{"alt_text": "..."}``, ``{"accept": true}``, ``{"decorative": true}``."""

    alt_text: str | None = Field(None, max_length=5000, description="Your own alt text")
    accept: StrictBool | None = Field(None, description="true: accept the model's suggestion")
    decorative: StrictBool | None = Field(None, description='true: the photo is decorative (alt="")')


class SearchHitOut(Schema):
    id: int
    score: float
    file: str
    alt_text: str
    alt_source: str | None


class SearchOut(Schema):
    query: str
    explanation: str
    total: int
    page: int
    pages: int
    results: list[SearchHitOut]
    notes: list[str]
    did_you_mean: list[str]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(..., description="The token's first characters, to tell tokens apart")
    created_at: datetime
    last_used_at: datetime | None


class TokenListOut(Schema):
    tokens: list[TokenOut]


class TokenIn(Schema):
    name: str = Field("API token", max_length=100)


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="The token itself: shown only in this answer")


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


def errors(*codes: int) -> dict[int, type[Schema]]:
    return dict.fromkeys((401, *codes), ErrorOut)


def fail(status: int, message: str, code: str) -> JsonResponse:
    """An error answer: ``{"error", "code"}`` (sent as is, so no ``null`` fields are added)."""
    return JsonResponse({"error": message, "code": code}, status=status)


NO_PHOTO = "No such photo."


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


# -- photos ----------------------------------------------------------------------------------------
IMAGES = File(None, description="One or more image files (repeat the field)")


@api.post(
    "/photos/",
    response={202: UploadOut, 400: UploadErrorOut, 401: ErrorOut, 413: ErrorOut},
    summary="Upload photos",
    tags=["photos"],
)
def upload_photos(request: HttpRequest, image: list[UploadedFile] | None = IMAGES) -> Any:
    """Send one or more images in the repeatable multipart field `image` (JPEG, PNG, WebP, GIF,
    HEIC, TIFF, BMP). Each accepted photo is queued for description; a file that is not a photo
    we accept is listed under `rejected` with the reason. 400 when none was accepted."""
    files = request.FILES.getlist("image")
    if not files:
        return fail(400, "Send one or more files in the multipart field 'image'.", "no_files")
    try:
        outcomes = photo_services.create_photos(request.user, files)
    except UploadRejected as exc:
        return fail(400, str(exc), "upload_rejected")
    accepted = [{"id": o.photo.pk, "file": o.name, "status": o.photo.status} for o in outcomes if o.photo]
    rejected = [{"file": o.name, "error": o.error} for o in outcomes if o.error]
    if not accepted:
        body = {"error": "No file was accepted.", "code": "upload_rejected", "photos": [], "rejected": rejected}
        return JsonResponse(body, status=400)
    return Status(202, {"photos": accepted, "rejected": rejected})


@api.get("/photos/", response={200: PhotoListOut, **errors(400)}, summary="List your photos", tags=["photos"])
def list_photos(
    request: HttpRequest,
    limit: int = Query(100, ge=1, le=100, description="At most this many photos (newest first)"),
    offset: int = Query(0, ge=0, le=MAX_ID, description="Skip this many photos"),
    status: Literal["queued", "processing", "done", "failed", "rejected"] | None = Query(None),
) -> Any:
    photos = services.library(request.user)
    if status:
        photos = photos.filter(status=status)
    return {"photos": [services.photo_record(p) for p in photos[offset : offset + limit]]}


def _own_photo(request: HttpRequest, photo_id: int) -> Photo | None:
    return services.library(request.user).filter(pk=photo_id).first()


@api.get(
    "/photos/{int:photo_id}/",
    response={200: PhotoOut, **errors(400, 404)},
    summary="A photo: status, alt text, objects",
    tags=["photos"],
)
def get_photo(request: HttpRequest, photo_id: int = PhotoId) -> Any:
    """Poll this until `status` is `done`, `failed` or `rejected` (`message` says why)."""
    photo = _own_photo(request, photo_id)
    if photo is None:
        return fail(404, NO_PHOTO, "not_found")
    return services.photo_record(photo)


# The body is read after the photo is found, so another user's photo is a 404 whatever is sent.
REVIEW_BODY = {
    "requestBody": {"required": True, "content": {"application/json": {"schema": ReviewIn.model_json_schema()}}}
}


@api.patch(
    "/photos/{int:photo_id}/",
    response={200: PhotoOut, **errors(400, 404)},
    summary="Accept, edit or mark decorative",
    tags=["photos"],
    openapi_extra=REVIEW_BODY,
)
def review_photo(request: HttpRequest, photo_id: int = PhotoId) -> Any:
    """`{"alt_text": "..."}` saves your text, `{"accept": true}` accepts the suggestion,
    `{"decorative": true}` marks the photo decorative (`alt=""`). A model run never overwrites it."""
    photo = _own_photo(request, photo_id)
    if photo is None:
        return fail(404, NO_PHOTO, "not_found")
    try:
        body = ReviewIn.model_validate_json(request.body or b"{}")
    except pydantic.ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            return fail(400, "The body must be JSON.", "bad_request")
        raise ValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from None
    try:
        if body.decorative is True:
            photo_services.review_alt(photo, action="decorative")
        elif body.accept is True:
            photo_services.review_alt(photo, action="accept")
        elif body.alt_text is not None:
            photo_services.review_alt(photo, action="edit", text=body.alt_text)
        else:
            return fail(400, 'Send {"alt_text": "..."}, {"accept": true} or {"decorative": true}.', "invalid")
    except ValueError as exc:
        return fail(400, str(exc), "invalid")
    return services.photo_record(_own_photo(request, photo_id))


@api.delete(
    "/photos/{int:photo_id}/", response={204: None, **errors(400, 404)}, summary="Delete a photo", tags=["photos"]
)
def delete_photo(request: HttpRequest, photo_id: int = PhotoId) -> Any:
    photo = _own_photo(request, photo_id)
    if photo is None:
        return fail(404, NO_PHOTO, "not_found")
    photo_services.delete_photo(photo)
    return Status(204, None)


# -- search ----------------------------------------------------------------------------------------
@api.get("/search/", response={200: SearchOut, **errors(400)}, summary="Search your photos", tags=["search"])
def search(
    request: HttpRequest,
    q: str = Query("", max_length=1000, description="For example `two dogs`, `bus or truck`, `person not car`"),
    page: int = Query(1, ge=1, le=MAX_ID),
    per_page: int = Query(search_services.PER_PAGE, ge=1, le=100),
) -> Any:
    """The search page's answer as JSON, newest first; `did_you_mean` suggests a spelling when
    nothing matched."""
    if not q.strip():
        return fail(400, "Send a search in the 'q' parameter, for example ?q=two+dogs.", "invalid")
    result = search_services.search(request.user, q, page=min(page, search_services.MAX_PAGE), per_page=per_page)
    if result.error:
        return fail(400, result.error, "bad_search")
    return {
        "query": result.query,
        "explanation": result.explanation,
        "total": result.total,
        "page": result.page,
        "pages": result.pages,
        "results": [
            {
                "id": hit.photo.pk,
                "score": hit.score,
                "file": hit.photo.original_name,
                "alt_text": hit.photo.current_alt,
                "alt_source": hit.photo.alt_source or None,
            }
            for hit in result.hits
        ],
        "notes": result.notes,
        "did_you_mean": result.suggestions,
    }


# Without the trailing slash too: a redirect would drop the Authorization header in some clients.
api.get("/search", response={200: SearchOut, **errors(400)}, include_in_schema=False, url_name="search_no_slash")(
    search
)


# -- export ----------------------------------------------------------------------------------------
EXPORT_CONTENT = {
    "application/json": {"schema": {"type": "object"}},
    "text/csv": {"schema": {"type": "string"}},
    "text/html": {"schema": {"type": "string"}},
}


@api.get(
    "/export/",
    response={200: None, **errors(400)},
    summary="Export your library",
    tags=["export"],
    openapi_extra={"responses": {200: {"description": "The library as a file", "content": EXPORT_CONTENT}}},
)
def export(request: HttpRequest, format: Literal["csv", "json", "html"] = Query("json")) -> Any:  # noqa: A002
    """Every photo as `json` (the same records as `GET /api/photos/{id}/`), `csv` (one row per
    photo; `alt` is the text to publish) or `html` (a page of `<img src="FILE" alt="...">` tags:
    your reviewed alt text, `alt=""` for decorative photos, else the suggestion, marked
    `data-alt-source="suggested"`)."""
    exported = services.export_library(request.user, format)
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


# -- tokens ----------------------------------------------------------------------------------------
def _token_record(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
    }


@api.get("/tokens/", response={200: TokenListOut, **errors()}, summary="List your API tokens", tags=["tokens"])
def list_tokens(request: HttpRequest) -> Any:
    return {"tokens": [_token_record(t) for t in ApiToken.objects.filter(user=request.user)]}


@api.post("/tokens/", response={201: TokenCreatedOut, **errors(400)}, summary="Create a token", tags=["tokens"])
def create_token(request: HttpRequest, body: TokenIn) -> Any:
    """The answer holds the token itself, shown only once: keep it in your secret store."""
    token, raw = services.issue_token(request.user, body.name)
    return Status(201, {**_token_record(token), "token": raw})


TokenId = Path(..., ge=1, le=MAX_ID)


@api.get("/tokens/{int:token_id}/", response={200: TokenOut, **errors(400, 404)}, summary="A token", tags=["tokens"])
def get_token(request: HttpRequest, token_id: int = TokenId) -> Any:
    token = ApiToken.objects.filter(user=request.user, pk=token_id).first()
    if token is None:
        return fail(404, "No such token.", "not_found")
    return _token_record(token)


@api.delete(
    "/tokens/{int:token_id}/", response={204: None, **errors(400, 404)}, summary="Revoke a token", tags=["tokens"]
)
def revoke_token(request: HttpRequest, token_id: int = TokenId) -> Any:
    """Revoking the token that signs this request is allowed: it stops working at once."""
    deleted, _ = ApiToken.objects.filter(user=request.user, pk=token_id).delete()
    if not deleted:
        return fail(404, "No such token.", "not_found")
    return Status(204, None)


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


@api.get("/webhook/", response={200: WebhookOut, **errors(404)}, summary="Your webhook", tags=["webhook"])
def get_webhook(request: HttpRequest) -> Any:
    """Each finished photo is POSTed to the URL as JSON `{"event": "photo.described", "delivery",
    "photo": {...}}` with `X-Signature: sha256=<HMAC-SHA256 of the raw body, keyed with the secret>`;
    failures (network, timeout, 5xx, 408, 429) are retried with exponential backoff."""
    hook = getattr(request.user, "webhook", None)
    if hook is None:
        return fail(404, "No webhook is set.", "not_found")
    return _webhook_record(hook)


@api.put("/webhook/", response={200: WebhookSavedOut, **errors(400)}, summary="Set your webhook", tags=["webhook"])
def put_webhook(request: HttpRequest, body: WebhookIn) -> Any:
    try:
        hook, generated = services.save_webhook(request.user, body.url, secret=body.secret, active=body.active)
    except services.WebhookInvalid as exc:
        return fail(400, str(exc), "invalid")
    return {**_webhook_record(hook), "secret": generated}


@api.delete("/webhook/", response={204: None, **errors(404)}, summary="Remove your webhook", tags=["webhook"])
def delete_webhook(request: HttpRequest) -> Any:
    if not services.delete_webhook(request.user):
        return fail(404, "No webhook is set.", "not_found")
    return Status(204, None)
