"""The real COCO photos imported with ``import_coco``, and an oracle that answers each query form
straight from ``instances.json`` (independently of the search index)."""

from __future__ import annotations

import json
import warnings
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pytest
from django.core.management import call_command
from pycocotools import mask as mask_utils

from tests.conftest import PHOTOS

ANNOTATIONS = PHOTOS / "instances.json"


@dataclass
class Truth:
    """One image as the annotations say: counts, and per instance its area share and centroid."""

    file_name: str
    counts: Counter = field(default_factory=Counter)
    supers: Counter = field(default_factory=Counter)
    instances: list[tuple[str, float, float, float]] = field(default_factory=list)  # label, area, cx, cy


def _mask(segmentation: object, height: int, width: int) -> np.ndarray:
    if isinstance(segmentation, list):
        rle = mask_utils.merge(mask_utils.frPyObjects(segmentation, height, width))
    else:
        rle = mask_utils.frPyObjects(segmentation, height, width)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return mask_utils.decode(rle).astype(bool)


SUPER = {c["name"]: c["supercategory"] for c in json.loads(ANNOTATIONS.read_text())["categories"]}


@pytest.fixture(scope="session")
def truth() -> dict[str, Truth]:
    data = json.loads(ANNOTATIONS.read_text())
    names = {c["id"]: c["name"] for c in data["categories"]}
    supers = {c["name"]: c["supercategory"] for c in data["categories"]}
    out = {}
    for image in data["images"]:
        t = Truth(image["file_name"])
        h, w = image["height"], image["width"]
        for ann in data["annotations"]:
            if ann["image_id"] != image["id"] or ann.get("iscrowd"):
                continue
            label = names[ann["category_id"]]
            t.counts[label] += 1
            if supers[label] != label:
                t.supers[supers[label]] += 1
            mask = _mask(ann["segmentation"], h, w)
            ys, xs = np.nonzero(mask)
            t.instances.append((label, mask.sum() / (h * w), xs.mean() / w, ys.mean() / h))
        out[image["file_name"]] = t
    return out


def without_dropped(truth: dict[str, Truth], user: object) -> dict[str, Truth]:
    """The annotations minus the instances the captioner marked ``dropped`` (merged duplicates)
    in each imported photo's stored result: the documented rule is that those are not counted.
    Instance ``i`` of a photo is its ``i``-th annotation (ground truth scores tie, file order kept)."""
    from webapp.photos.models import Photo

    out = {}
    for name, t in truth.items():
        result = Photo.objects.get(owner=user, original_name=name).result
        dropped = {o["index"] for o in result["description"]["objects"] if o["certainty"] != "stated"}
        kept = Truth(name)
        for i, (label, area, x, y) in enumerate(t.instances):
            if i in dropped:
                continue
            kept.instances.append((label, area, x, y))
            kept.counts[label] += 1
            if SUPER[label] != label:
                kept.supers[SUPER[label]] += 1
        out[name] = kept
    return out


@pytest.fixture
def imported(user, other_user, django_capture_on_commit_callbacks):  # noqa: ANN001
    """Both users import the same dataset (through the command, so the index fills via signals)."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_coco", str(ANNOTATIONS), str(PHOTOS), user=user.username)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_coco", str(ANNOTATIONS), str(PHOTOS), user=other_user.username)
    return user
