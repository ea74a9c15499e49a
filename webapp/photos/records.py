"""A photo as a record: the dictionary the JSON API answers with, the JSON export lists and the
webhook posts, and the JSON encoding all three use."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet

from webapp.accounts.models import alt_text_language
from webapp.photos.models import Photo
from webapp.photos.results import suggestion, with_plans


def photo_record(photo: Photo, lang: str | None = None) -> dict[str, Any]:
    """Everything a client needs about one photo. ``alt_text`` and ``long_description`` are the
    model's suggestion in ``lang`` (default: the owner's alt text language), rendered from the
    stored plan; ``lang`` says which language they are in (a photo stored without a plan keeps its
    English text). ``accepted_alt_text`` is the person's decision (``""`` when decorative, ``None``
    when not reviewed), in ``accepted_alt_text_lang``, the language it was saved in.
    Uses prefetched ``detections`` and ``with_plans`` annotations when the queryset has them."""
    shown = suggestion(photo, alt_text_language(photo.owner_id) if lang is None else lang)
    return {
        "id": photo.pk,
        "file": photo.original_name,
        "status": photo.status,
        "message": photo.status_message,
        "width": photo.width,
        "height": photo.height,
        "model": photo.model_name,
        "alt_text": shown.alt_text,
        "long_description": shown.long_description,
        "lang": shown.lang,
        "accepted_alt_text": photo.accepted_alt if photo.is_reviewed else None,
        "accepted_alt_text_lang": (photo.accepted_alt_lang or "en")
        if photo.is_reviewed and not photo.is_decorative
        else None,
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
            # .all() (not .exclude) so a prefetch is used: one query for a whole page of photos.
            for o in photo.detections.all()
            if o.certainty != "dropped"
        ],
        "created_at": photo.created_at,
        "finished_at": photo.finished_at,
    }


def for_records(photos: QuerySet[Photo]) -> QuerySet[Photo]:
    """``photos`` ready for :func:`photo_record`: with their objects and plans, without the stored masks."""
    return with_plans(photos.defer("result").prefetch_related("detections"))


def library(owner: Any) -> QuerySet[Photo]:
    """The owner's photos, newest first, ready for :func:`photo_record`."""
    return for_records(Photo.objects.filter(owner=owner))


class JSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (``isoformat()``), so an export or a
    webhook parses back to exactly the stored value."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


def to_json(data: Any) -> str:
    return json.dumps(data, cls=JSONEncoder, ensure_ascii=False)
