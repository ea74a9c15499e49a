"""JSON API: ``Authorization: Bearer <token>`` (tokens from the account page or
``manage.py issue_token``). Errors are always ``{"error": "..."}`` with a 4xx status."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from webapp.accounts.models import ApiToken
from webapp.photos import services
from webapp.photos.models import Photo
from webapp.photos.uploads import UploadRejected


def error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def token_required(view: Callable[..., JsonResponse]) -> Callable[..., JsonResponse]:
    # Token auth only (no session), so CSRF does not apply: a browser never sends the header.
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


def photo_json(photo: Photo) -> dict[str, Any]:
    return {
        "id": photo.pk,
        "file": photo.original_name,
        "status": photo.status,
        "message": photo.status_message,
        "width": photo.width,
        "height": photo.height,
        "model": photo.model_name,
        "alt_text": photo.suggested_alt,
        "long_description": photo.long_description,
        "accepted_alt_text": photo.accepted_alt if photo.is_reviewed else None,
        "alt_source": photo.alt_source or None,
        "decorative": photo.is_decorative,
        "objects": [
            {
                "label": o.label,
                "score": round(o.score, 4),
                "box": [round(v, 1) for v in o.box],
                "area_fraction": round(o.area_fraction, 4),
                "position": o.position,
                "certainty": o.certainty,
            }
            for o in photo.detections.exclude(certainty="dropped")
        ],
        "created_at": photo.created_at.isoformat(),
        "finished_at": photo.finished_at.isoformat() if photo.finished_at else None,
    }


@token_required
def photos(request: HttpRequest) -> JsonResponse:
    if request.method == "GET":
        items = Photo.objects.filter(owner=request.user).prefetch_related("detections")[:100]
        return JsonResponse({"photos": [photo_json(p) for p in items]})
    if request.method != "POST":
        return error("Use GET or POST.", 405)
    files = request.FILES.getlist("image")
    if not files:
        return error("Send one or more files in the multipart field 'image'.", 400)
    try:
        outcomes = services.create_photos(request.user, files)
    except UploadRejected as exc:
        return error(str(exc), 400)
    accepted = [{"id": o.photo.pk, "file": o.name, "status": o.photo.status} for o in outcomes if o.photo]
    rejected = [{"file": o.name, "error": o.error} for o in outcomes if o.error]
    body = {"photos": accepted, "rejected": rejected}
    if not accepted:
        body["error"] = "No file was accepted."
    return JsonResponse(body, status=202 if accepted else 400)


@token_required
def photo(request: HttpRequest, pk: int) -> JsonResponse:
    item = Photo.objects.filter(pk=pk, owner=request.user).first()
    if item is None:
        return error("No such photo.", 404)
    if request.method == "GET":
        return JsonResponse(photo_json(item))
    if request.method == "DELETE":
        services.delete_photo(item)
        return JsonResponse({}, status=204)
    if request.method != "PATCH":
        return error("Use GET, PATCH or DELETE.", 405)
    try:
        body = json.loads(request.body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return error("The body must be JSON.", 400)
    if not isinstance(body, dict):
        return error("The body must be a JSON object.", 400)
    try:
        if body.get("decorative") is True:
            services.review_alt(item, action="decorative")
        elif body.get("accept") is True:
            services.review_alt(item, action="accept")
        elif isinstance(body.get("alt_text"), str):
            services.review_alt(item, action="edit", text=body["alt_text"])
        else:
            return error('Send {"alt_text": "..."}, {"accept": true} or {"decorative": true}.', 400)
    except ValueError as exc:
        return error(str(exc), 400)
    return JsonResponse(photo_json(item))
