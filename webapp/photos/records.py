"""A photo as a record: the dictionary the JSON API answers with, the JSON export lists and the
webhook posts, and the JSON encoding all three use."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet

from webapp.accounts.models import alt_text_language
from webapp.photos.models import DetectedObject, Photo
from webapp.photos.results import suggestion, with_plans

OBJECT_FIELDS = ("label", "score", "x0", "y0", "x1", "y1", "area_fraction", "position", "certainty")


def object_record(
    label: str,
    score: float,
    x0: float,
    y0: float,
    x1: float,
    y1: float,
    area_fraction: float,
    position: str,
    certainty: str,
) -> dict[str, Any]:
    """One of a photo's objects in a record (the arguments are ``OBJECT_FIELDS``)."""
    return {
        "label": label,
        "score": round(score, 4),
        "box": [round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1)],
        "area_fraction": round(area_fraction, 4),
        "position": position,
        "certainty": certainty,
    }


def photo_record(photo: Photo, lang: str | None = None, objects: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Everything a client needs about one photo. ``alt_text`` and ``long_description`` are the
    model's suggestion in ``lang`` (default: the owner's alt text language), rendered from the
    stored plan; ``lang`` says which language they are in (a photo stored without a plan keeps its
    English text). ``accepted_alt_text`` is the person's decision (``""`` when decorative, ``None``
    when not reviewed), in ``accepted_alt_text_lang``, the language it was saved in.
    ``objects``: its ``object_record``s when the caller read them already (``photo_records``);
    otherwise from ``photo.detections``, prefetched when the queryset has them. Uses the
    ``with_plans`` annotations when the queryset has them."""
    if objects is None:
        # .all() (not .exclude) so a prefetch is used: one query for a whole page of photos.
        objects = [
            object_record(*(getattr(o, f) for f in OBJECT_FIELDS))
            for o in photo.detections.all()
            if o.certainty != "dropped"
        ]
    shown = suggestion(photo, alt_text_language(photo.owner_id) if lang is None else lang)
    return {
        "id": photo.pk,
        "file": photo.original_name,
        "status": photo.status,
        "message": photo.status_message,
        "reason": photo.failure_reason or None,
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
        "objects": objects,
        "created_at": photo.created_at,
        "finished_at": photo.finished_at,
    }


def photo_records(photos: QuerySet[Photo], lang: str | None = None) -> list[dict[str, Any]]:
    """``photo_record`` of each of ``photos`` (a page: sliced), their objects read in one query as
    plain values: a page of 48 photos has ~500 objects, and building a model instance for each
    was a third of the API list's CPU."""
    page = list(photos.prefetch_related(None))
    objects: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = (
        DetectedObject.objects.filter(photo__in=[p.pk for p in page])
        .exclude(certainty="dropped")
        .order_by("photo", "index")
        .values_list("photo", *OBJECT_FIELDS)
    )
    for photo_id, *values in rows:
        objects[photo_id].append(object_record(*values))
    return [photo_record(p, lang, objects[p.pk]) for p in page]


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
