"""Photos from a COCO-format dataset, described from its annotations (no model run).

For demos, benchmarks and tests: each image is re-encoded like an upload, its annotations become
``Instances`` (score 1.0), the captioner describes them and ``services.store_result`` stores the
result exactly as the worker would, so the search index is filled through the same signal.

Idempotent per (owner, file name): a photo imported before is updated in place, never duplicated.
Crowd annotations (``iscrowd: 1``) are left out: one crowd region stands for an unknown number of
objects, so counting it as one would make "exactly N" answers wrong.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from captioning.coco import MODEL_NAME, instances_from_coco
from webapp.photos import pipeline, services
from webapp.photos.models import Photo
from webapp.photos.uploads import UploadRejected


class ImportFailed(ValueError):
    """The annotation file or the images folder cannot be used (message for the person)."""


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    crowd_skipped: int = 0


def load_dataset(annotations_file: Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(annotations_file).read_text())
    except FileNotFoundError:
        raise ImportFailed(f"No such annotation file: {annotations_file}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ImportFailed(f"{annotations_file} is not JSON: {exc}") from None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), list) for k in ("images", "categories")):
        raise ImportFailed(f"{annotations_file} is not a COCO instances file (needs 'images' and 'categories').")
    return data


def _new_photo(owner: Any, path: Path) -> Photo:
    """Stored like an upload, but not queued: the annotations describe it."""
    with path.open("rb") as handle:
        return services.new_photo(
            owner, handle, name=path.name, size=path.stat().st_size, status=Photo.Status.PROCESSING
        )


def import_coco(annotations_file: Path, images_dir: Path, owner: Any) -> ImportReport:
    """Import every image of the file found in ``images_dir`` as a photo of ``owner``."""
    images_dir = Path(images_dir)
    if not images_dir.is_dir():
        raise ImportFailed(f"No such images folder: {images_dir}")
    data = load_dataset(Path(annotations_file))
    by_image: dict[Any, list[dict]] = defaultdict(list)
    report = ImportReport()
    for ann in data.get("annotations") or []:
        if ann.get("iscrowd"):
            report.crowd_skipped += 1
            continue
        by_image[ann.get("image_id")].append(ann)
    for record in data["images"]:
        name = services.clean_filename(str(record.get("file_name", "")))
        path = images_dir / name
        if not path.is_file():
            report.missing.append(name)
            continue
        instances = instances_from_coco(by_image.get(record["id"], []), record, data["categories"])
        description = pipeline.caption(instances)
        existing = Photo.objects.filter(owner=owner, original_name=name, model_name=MODEL_NAME).first()
        # Decoding, re-encoding and storing the files happen outside any transaction (seconds per
        # photo, and S3 round trips: they must not hold SQLite's write lock); new_photo commits
        # the row on its own and store_result is one short transaction of its own.
        try:
            photo = existing or _new_photo(owner, path)
        except UploadRejected as exc:
            report.rejected.append((name, str(exc)))
            continue
        try:
            services.store_result(photo.pk, instances, description)
        except BaseException:
            if existing is None:
                photo.delete()  # no half-imported photo (its files follow the row)
            raise
        (report.updated if existing else report.created).append(name)
    return report
