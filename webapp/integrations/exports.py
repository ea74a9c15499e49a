"""The owner's library as a download: CSV, JSON or an HTML page of ``<img>`` tags."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.html import escape

from webapp.accounts.models import alt_text_language
from webapp.photos.models import Photo
from webapp.photos.records import library, photo_record, to_json
from webapp.photos.results import AltText, publishable
from webapp.text import csv_writer

EXPORT_FORMATS = ("csv", "json", "html")
CSV_COLUMNS = [
    "id",
    "file",
    "status",
    "alt",
    "alt_lang",
    "alt_source",
    "decorative",
    "accepted_alt_text",
    "alt_text",
    "long_description",
    "lang",
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


def publishable_alt(photo: Photo, lang: str) -> AltText | None:
    """The alt text to publish, its language and where it came from: the person's text (``""``
    when decorative) when reviewed, else the model's suggestion in ``lang`` (``"suggested"``);
    ``None`` when there is neither (see ``photos.results.publishable``)."""
    alt = publishable(photo, lang)
    return alt if alt.exists else None


def _iter_library(owner: Any) -> Iterator[Photo]:
    # chunk_size keeps the prefetch working while never holding a 10,000-photo library in memory.
    return library(owner).iterator(chunk_size=500)


def export_json(owner: Any, lang: str) -> str:
    """``{"user", "exported_at", "count", "photos": [photo_record, ...]}`` (newest first)."""
    photos = [photo_record(p, lang) for p in _iter_library(owner)]
    return to_json(
        {"user": owner.get_username(), "exported_at": timezone.now(), "count": len(photos), "photos": photos}
    )


def export_csv(owner: Any, lang: str) -> str:
    """One row per photo; ``alt`` is what to publish (see ``publishable_alt``), ``labels`` the
    stated objects as ``label;label``. Cells that a spreadsheet would run as a formula start with
    a single quote (``text.csv_writer``)."""
    buffer = io.StringIO()
    writer = csv_writer(buffer, CSV_COLUMNS)
    writer.writeheader()
    for photo in _iter_library(owner):
        record = photo_record(photo, lang)
        alt = publishable_alt(photo, lang)
        writer.writerow(
            {
                **{key: record[key] for key in CSV_COLUMNS if key in record},
                "alt": alt.text if alt else "",
                "alt_lang": alt.lang if alt else "",
                "alt_source": alt.source if alt else "",
                "decorative": "yes" if photo.is_decorative else "no",
                "accepted_alt_text": "" if record["accepted_alt_text"] is None else record["accepted_alt_text"],
                "labels": ";".join(o["label"] for o in record["objects"] if o["certainty"] != "possible"),
                "created_at": photo.created_at.isoformat(),
                "finished_at": photo.finished_at.isoformat() if photo.finished_at else "",
            }
        )
    return buffer.getvalue()


def export_html(owner: Any, lang: str) -> str:
    """A standalone page with one ``<img src="FILE" alt="...">`` per photo that has alt text to
    publish: the person's text (``alt=""`` for decorative photos), else the model's suggestion,
    marked ``data-alt-source="suggested"`` so it can be found and checked. Photos with neither
    (still queued, failed) are left out and counted in the page's introduction."""
    items, left_out = [], 0
    for photo in _iter_library(owner):
        alt = publishable_alt(photo, lang)
        if alt is None:
            left_out += 1
            continue
        # issue 18: a text in another language than the page's says which (WCAG 3.1.2).
        other = f' lang="{escape(alt.lang)}"' if alt.lang and alt.lang != lang else ""
        items.append(
            f'  <li><img src="{escape(photo.original_name)}" alt="{escape(alt.text)}"{other} '
            f'data-photo-id="{photo.pk}" data-alt-source="{escape(alt.source)}"></li>'
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
            # The page's words are English; the list's alt texts are in ``lang`` (each other one says its own).
            f'<ul lang="{escape(lang)}">',
            *items,
            "</ul>",
            "</body>",
            "</html>",
            "",
        ]
    )


def export_library(owner: Any, fmt: str, lang: str | None = None) -> ExportFile:
    """The owner's library as a download, suggestions in ``lang`` (default: the owner's alt text
    language; a person's text stays in the language it was saved in).

    Raises:
        ValueError: ``fmt`` is not one of ``EXPORT_FORMATS``.
    """
    lang = alt_text_language(owner) if lang is None else lang
    stamp = f"{timezone.now():%Y%m%d-%H%M}"
    name = f"alt-text-{owner.get_username()}-{stamp}"
    if fmt == "csv":
        return ExportFile(export_csv(owner, lang), "text/csv; charset=utf-8", f"{name}.csv")
    if fmt == "json":
        return ExportFile(export_json(owner, lang), "application/json; charset=utf-8", f"{name}.json")
    if fmt == "html":
        return ExportFile(export_html(owner, lang), "text/html; charset=utf-8", f"{name}.html")
    raise ValueError(f"Unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}.")
