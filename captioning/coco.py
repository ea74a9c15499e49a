"""COCO annotations -> :class:`~segmentation.result.Instances`.

Used for oracle tests (captions written from ground truth), and meant for the evaluation tool
and the import command: the same function reads ground truth (score 1.0) and COCO-format
detection results (which carry a ``score``). numpy + pycocotools only.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from pycocotools import mask as mask_utils

from captioning.thresholds import GROUND_TRUTH_MODEL
from segmentation.result import Instances

MODEL_NAME = GROUND_TRUTH_MODEL


def category_names(categories: Sequence[Mapping[str, Any]] | Mapping[int, str]) -> dict[int, str]:
    """``{category_id: name}`` from the ``categories`` list of a COCO file (or such a dict)."""
    if isinstance(categories, Mapping):
        return {int(k): str(v) for k, v in categories.items()}
    return {int(c["id"]): str(c["name"]) for c in categories}


def instances_from_coco(
    annotations: Iterable[Mapping[str, Any]],
    image_record: Mapping[str, Any],
    categories: Sequence[Mapping[str, Any]] | Mapping[int, str],
    *,
    include_crowd: bool = False,
    model: str = MODEL_NAME,
) -> Instances:
    """The annotations of one image as an :class:`Instances` with full-resolution masks.

    Args:
        annotations: COCO annotation dicts; those of other images (``image_id`` differs from
            ``image_record["id"]``) are ignored, so a whole file's list can be passed.
        image_record: the image's entry from ``images`` (``id``, ``width``, ``height``).
        categories: the file's ``categories`` list, or ``{id: name}``.
        include_crowd: keep ``iscrowd`` regions. Off by default: one crowd region stands for
            many objects, and counting it as one would be wrong.
        model: name recorded in the result.

    Scores are the annotation's ``score`` when present (detection results), else 1.0 (ground
    truth). Instances are sorted by score, highest first, keeping file order among equals.
    Results without any ``segmentation`` (boxes-only backends) give ``masks=None``, exactly as the
    backend itself returns them, so their text is worded from boxes.
    """
    names = category_names(categories)
    width, height = int(image_record["width"]), int(image_record["height"])
    image_id = image_record["id"]
    chosen = [
        a for a in annotations if a.get("image_id", image_id) == image_id and (include_crowd or not a.get("iscrowd", 0))
    ]
    scores = np.array([float(a.get("score", 1.0)) for a in chosen], dtype=np.float32)
    order = sorted(range(len(chosen)), key=lambda i: -float(scores[i]))
    chosen = [chosen[i] for i in order]
    if not chosen:
        return Instances.empty((width, height), model=model, mask_size=(height, width))
    boxes = np.array([_xywh_to_xyxy(a["bbox"]) for a in chosen], dtype=np.float32)
    masks = None  # a boxes-only result (no segmentation anywhere, e.g. SSDLite): said from boxes
    if any(a.get("segmentation") for a in chosen):
        masks = np.stack([_decode(a.get("segmentation"), height, width) for a in chosen])
    return Instances(
        image_size=(width, height),
        labels=tuple(names[int(a["category_id"])] for a in chosen),
        scores=scores[order],
        boxes=boxes,
        masks=masks,
        model=model,
    )


def _xywh_to_xyxy(bbox: Sequence[float]) -> list[float]:
    x, y, w, h = (float(v) for v in bbox)
    return [x, y, x + w, y + h]


def _decode(segmentation: Any, height: int, width: int) -> np.ndarray:
    """A COCO segmentation (polygons, uncompressed or compressed RLE) as a bool (h, w) mask."""
    if not segmentation:
        return np.zeros((height, width), dtype=bool)
    if isinstance(segmentation, list):  # polygons: one object may have several parts
        rle = mask_utils.merge(mask_utils.frPyObjects(segmentation, height, width))
    elif isinstance(segmentation.get("counts"), list):  # uncompressed RLE
        rle = mask_utils.frPyObjects(segmentation, height, width)
    else:
        rle = dict(segmentation)
        if isinstance(rle["counts"], str):
            rle["counts"] = rle["counts"].encode("ascii")
    with warnings.catch_warnings():
        # pycocotools 2.0.x warns about numpy 2's copy keyword on every decode; harmless noise.
        warnings.simplefilter("ignore", DeprecationWarning)
        return mask_utils.decode(rle).astype(bool)
