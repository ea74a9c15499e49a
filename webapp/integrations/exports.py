"""The owner's library as a download: CSV, JSON or an HTML page of ``<img>`` tags."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.html import escape

from webapp.photos.models import Photo
from webapp.photos.records import library, photo_record, to_json

EXPORT_FORMATS = ("csv", "json", "html")
CSV_COLUMNS = [
    "id",
    "file",
    "status",
    "alt",
    "alt_source",
    "decorative",
    "accepted_alt_text",
    "alt_text",
    "long_description",
    "labels",
    "model",
    "width",
    "height",
    "created_at",
    "finished_at",
]


@dataclass(frozen=True)
class ExportFile:
    content: str
    content_type: str
    filename: str


def publishable_alt(photo: Photo) -> tuple[str, str] | None:
    """The alt text to publish and where it came from: the person's text (``""`` when decorative)
    when reviewed, else the model's suggestion (``"suggested"``); ``None`` when there is neither."""
    if photo.is_reviewed:
        return photo.accepted_alt, photo.alt_source
    if photo.suggested_alt:
        return photo.suggested_alt, "suggested"
    return None


def _iter_library(owner: Any) -> Iterator[Photo]:
    # chunk_size keeps the prefetch working while never holding a 10,000-photo library in memory.
    return library(owner).iterator(chunk_size=500)


def export_json(owner: Any) -> str:
    """``{"user", "exported_at", "count", "photos": [photo_record, ...]}`` (newest first)."""
    photos = [photo_record(p) for p in _iter_library(owner)]
    return to_json(
        {"user": owner.get_username(), "exported_at": timezone.now(), "count": len(photos), "photos": photos}
    )


def export_csv(owner: Any) -> str:
    """One row per photo; ``alt`` is what to publish (see ``publishable_alt``), ``labels`` the
    stated objects as ``label;label``."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for photo in _iter_library(owner):
        record = photo_record(photo)
        alt = publishable_alt(photo)
        writer.writerow(
            {
                **{key: record[key] for key in CSV_COLUMNS if key in record},
                "alt": alt[0] if alt else "",
                "alt_source": alt[1] if alt else "",
                "decorative": "yes" if photo.is_decorative else "no",
                "accepted_alt_text": "" if record["accepted_alt_text"] is None else record["accepted_alt_text"],
                "labels": ";".join(o["label"] for o in record["objects"] if o["certainty"] != "possible"),
                "created_at": photo.created_at.isoformat(),
                "finished_at": photo.finished_at.isoformat() if photo.finished_at else "",
            }
        )
    return buffer.getvalue()


def export_html(owner: Any) -> str:
    """A standalone page with one ``<img src="FILE" alt="...">`` per photo that has alt text to
    publish: the person's text (``alt=""`` for decorative photos), else the model's suggestion,
    marked ``data-alt-source="suggested"`` so it can be found and checked. Photos with neither
    (still queued, failed) are left out and counted in the page's introduction."""
    items, left_out = [], 0
    for photo in _iter_library(owner):
        alt = publishable_alt(photo)
        if alt is None:
            left_out += 1
            continue
        text, source = alt
        items.append(
            f'  <li><img src="{escape(photo.original_name)}" alt="{escape(text)}" '
            f'data-photo-id="{photo.pk}" data-alt-source="{escape(source)}"></li>'
        )
    reviewed_note = (
        "Alt text marked data-alt-source=&quot;suggested&quot; was written by the model and not reviewed yet."
        if any('data-alt-source="suggested"' in item for item in items)
        else "Every alt text here was reviewed by a person."
    )
    missing = ""
    if left_out:
        missing = f" {left_out} photo{'s' if left_out != 1 else ''} without alt text yet are not listed."
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en">',
            f'<head><meta charset="utf-8"><title>Alt text for {escape(owner.get_username())}’s photos</title></head>',
            "<body>",
            f"<h1>Alt text for {escape(owner.get_username())}’s photos</h1>",
            f"<p>{len(items)} photo{'s' if len(items) != 1 else ''}, exported {timezone.now():%Y-%m-%d %H:%M} UTC. "
            f"{reviewed_note}{missing}</p>",
            "<ul>",
            *items,
            "</ul>",
            "</body>",
            "</html>",
            "",
        ]
    )


def export_library(owner: Any, fmt: str) -> ExportFile:
    """The owner's library as a download.

    Raises:
        ValueError: ``fmt`` is not one of ``EXPORT_FORMATS``.
    """
    stamp = f"{timezone.now():%Y%m%d-%H%M}"
    name = f"alt-text-{owner.get_username()}-{stamp}"
    if fmt == "csv":
        return ExportFile(export_csv(owner), "text/csv; charset=utf-8", f"{name}.csv")
    if fmt == "json":
        return ExportFile(export_json(owner), "application/json; charset=utf-8", f"{name}.json")
    if fmt == "html":
        return ExportFile(export_html(owner), "text/html; charset=utf-8", f"{name}.html")
    raise ValueError(f"Unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}.")
