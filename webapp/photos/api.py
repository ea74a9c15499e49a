"""The photos part of the JSON API (``/api/photos/…``): upload, list, read, review, delete.
Mounted by ``webapp.api.urls``; thin: the endpoints call ``photos.services``."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import pydantic
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext
from ninja import Field, File, Path, Query, Router, Schema, Status
from ninja.errors import ValidationError
from ninja.files import UploadedFile
from pydantic import StrictBool

from webapp.accounts.languages import LANG, UnsupportedLanguage, api_alt_language
from webapp.api.shapes import ErrorOut, errors, fail
from webapp.ids import MAX_ID
from webapp.photos import services
from webapp.photos.models import Photo
from webapp.photos.records import library, photo_record, photo_records
from webapp.photos.results import suggestion
from webapp.photos.uploads import UploadRejected

router = Router()
PhotoId = Path(..., ge=1, le=MAX_ID, description="A photo id from the upload answer or the list")
NO_PHOTO = "No such photo."


# The answers are plain pydantic models, not ninja Schemas: views return ``photo_record``
# dictionaries, and a Schema validates every nested dictionary through ninja's ORM-attribute
# getter (about 0.3 ms per photo: 17 of the API list's 28 ms of CPU for a page of 48). A BaseModel
# validates the same dictionaries in pydantic-core, and the OpenAPI schema is the same.
# The codes of Photo.FailureReason, for the schema (one list: the model's).
FailureCode = Literal[tuple(Photo.FailureReason.values)]  # type: ignore[valid-type]


class ObjectOut(pydantic.BaseModel):
    label: str
    score: float
    box: list[float] = Field(..., description="x0, y0, x1, y1 in pixels of the stored (upright) image")
    area_fraction: float
    position: str
    certainty: str


class PhotoOut(pydantic.BaseModel):
    id: int
    file: str
    status: Literal["queued", "processing", "done", "failed", "rejected"]
    message: str = Field(..., description="What happened, for people (English; the pages translate it)")
    reason: FailureCode | None = Field(
        ..., description="Why the photo failed or was rejected, as a stable code; null otherwise"
    )
    width: int
    height: int
    model: str
    alt_text: str = Field(..., description="The model's suggestion, in `lang`")
    long_description: str
    lang: str = Field(..., description="The language of alt_text and long_description (see the `lang` parameter)")
    accepted_alt_text: str | None = Field(
        ..., description='The reviewed alt text ("" when decorative); null when not reviewed'
    )
    accepted_alt_text_lang: str | None = Field(
        ..., description="The language the reviewed alt text was saved in (never re-rendered); null when none"
    )
    alt_source: Literal["accepted", "edited", "decorative"] | None
    decorative: bool
    objects: list[ObjectOut]
    created_at: datetime
    finished_at: datetime | None


class PhotoListOut(pydantic.BaseModel):
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


# -- photos ----------------------------------------------------------------------------------------
IMAGES = File(None, description="One or more image files (repeat the field)")


@router.post(
    "/photos/",
    response={202: UploadOut, 400: UploadErrorOut, 401: ErrorOut, 413: ErrorOut, 503: UploadErrorOut},
    summary="Upload photos",
    tags=["photos"],
)
def upload_photos(request: HttpRequest, image: list[UploadedFile] | None = IMAGES) -> Any:
    """Send one or more images in the repeatable multipart field `image` (JPEG, PNG, WebP, GIF,
    HEIC, TIFF, BMP). Each accepted photo is queued for description; a file that is not a photo
    we accept is listed under `rejected` with the reason. 400 when none was accepted; 503 (with
    `Retry-After`) when none got in because the photo storage is unreachable: send them again later."""
    files = request.FILES.getlist("image")
    if not files:
        return fail(400, "Send one or more files in the multipart field 'image'.", "no_files")
    try:
        outcomes = services.create_photos(request.user, files)
    except UploadRejected as exc:
        return fail(400, str(exc), "upload_rejected")
    accepted = [{"id": o.photo.pk, "file": o.name, "status": o.photo.status} for o in outcomes if o.photo]
    rejected = [{"file": o.name, "error": o.error} for o in outcomes if o.error]
    if not accepted:
        if any(o.unavailable for o in outcomes):
            # Not the files' fault: the same request succeeds once the storage is back.
            body = {
                "error": gettext(services.STORAGE_DOWN_MESSAGE),  # English unless the request asks
                "code": "storage_unavailable",
                "photos": [],
                "rejected": rejected,
            }
            response = JsonResponse(body, status=503)
            response["Retry-After"] = "30"
            return response
        body = {"error": "No file was accepted.", "code": "upload_rejected", "photos": [], "rejected": rejected}
        return JsonResponse(body, status=400)
    return Status(202, {"photos": accepted, "rejected": rejected})


@router.get("/photos/", response={200: PhotoListOut, **errors(400)}, summary="List your photos", tags=["photos"])
def list_photos(
    request: HttpRequest,
    limit: int = Query(
        settings.PAGE_SIZE, ge=1, le=settings.PAGE_SIZE_MAX, description="At most this many photos (newest first)"
    ),
    offset: int = Query(0, ge=0, le=MAX_ID, description="Skip this many photos"),
    status: Literal["queued", "processing", "done", "failed", "rejected"] | None = Query(None),
    lang: str | None = LANG,
) -> Any:
    try:
        alt_lang = api_alt_language(request)
    except UnsupportedLanguage as exc:
        return fail(400, str(exc), "unsupported_language")
    photos = library(request.user)
    if status:
        photos = photos.filter(status=status)
    return {"photos": photo_records(photos[offset : offset + limit], alt_lang)}


def _own_photo(request: HttpRequest, photo_id: int) -> Photo | None:
    return library(request.user).filter(pk=photo_id).first()


@router.get(
    "/photos/{int:photo_id}/",
    response={200: PhotoOut, **errors(400, 404)},
    summary="A photo: status, alt text, objects",
    tags=["photos"],
)
def get_photo(request: HttpRequest, photo_id: int = PhotoId, lang: str | None = LANG) -> Any:
    """Poll this until `status` is `done`, `failed` or `rejected` (`message` says why)."""
    photo = _own_photo(request, photo_id)
    if photo is None:
        return fail(404, NO_PHOTO, "not_found")
    try:
        return photo_record(photo, api_alt_language(request))
    except UnsupportedLanguage as exc:
        return fail(400, str(exc), "unsupported_language")


# The body is read after the photo is found, so another user's photo is a 404 whatever is sent.
REVIEW_BODY = {
    "requestBody": {"required": True, "content": {"application/json": {"schema": ReviewIn.model_json_schema()}}}
}


@router.patch(
    "/photos/{int:photo_id}/",
    response={200: PhotoOut, **errors(400, 404)},
    summary="Accept, edit or mark decorative",
    tags=["photos"],
    openapi_extra=REVIEW_BODY,
)
def review_photo(request: HttpRequest, photo_id: int = PhotoId, lang: str | None = LANG) -> Any:
    """`{"alt_text": "..."}` saves your text, `{"accept": true}` accepts the suggestion,
    `{"decorative": true}` marks the photo decorative (`alt=""`). A model run never overwrites it.
    The text kept is in `lang` (accepting keeps the suggestion as rendered in it)."""
    photo = _own_photo(request, photo_id)
    if photo is None:
        return fail(404, NO_PHOTO, "not_found")
    try:
        alt_lang = api_alt_language(request)
    except UnsupportedLanguage as exc:
        return fail(400, str(exc), "unsupported_language")
    shown = suggestion(photo, alt_lang)
    try:
        body = ReviewIn.model_validate_json(request.body or b"{}")
    except pydantic.ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            return fail(400, "The body must be JSON.", "bad_request")
        raise ValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from None
    try:
        if body.decorative is True:
            services.review_alt(photo, action="decorative")
        elif body.accept is True:
            services.review_alt(photo, action="accept", suggestion=shown.alt_text, lang=shown.lang)
        elif body.alt_text is not None:
            services.review_alt(photo, action="edit", text=body.alt_text, suggestion=shown.alt_text, lang=alt_lang)
        else:
            return fail(400, 'Send {"alt_text": "..."}, {"accept": true} or {"decorative": true}.', "invalid")
    except ValueError as exc:
        return fail(400, str(exc), "invalid")
    return photo_record(_own_photo(request, photo_id), alt_lang)


@router.delete(
    "/photos/{int:photo_id}/", response={204: None, **errors(400, 404)}, summary="Delete a photo", tags=["photos"]
)
def delete_photo(request: HttpRequest, photo_id: int = PhotoId) -> Any:
    photo = _own_photo(request, photo_id)
    if photo is None:
        return fail(404, NO_PHOTO, "not_found")
    services.delete_photo(photo)
    return Status(204, None)
