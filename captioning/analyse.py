"""From a segmentation result to objects with certainty, place and size, grouped by class."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from captioning.geometry import box_iou, mask_iou, position_word, size_words
from captioning.model import DetectedObject
from captioning.thresholds import Certainty, Thresholds
from segmentation.result import Instances

# People go first (readers ask "who" before "what"), unless all of them together are this small a
# share of the frame: a passer-by far behind a bus should not open the description of the bus.
PEOPLE_FIRST_MIN_AREA = 0.005


@dataclass(frozen=True)
class Group:
    """All mentioned instances of one class. ``stated`` and ``possible`` are instance ids,
    largest first."""

    label: str
    stated: tuple[int, ...]
    possible: tuple[int, ...]
    area: float  # total area of the members that lead the group (stated ones if any)


def detect_objects(instances: Instances, thresholds: Thresholds) -> tuple[DetectedObject, ...]:
    """One :class:`DetectedObject` per instance, in instance order, duplicates marked dropped."""
    n = len(instances)
    if n == 0:
        return ()
    areas = instances.area_fractions()
    centres = instances.centroids()
    from_masks = instances.has_masks
    scores = [float(s) for s in instances.scores]
    certainty: list[Certainty] = [thresholds.certainty(lab, s) for lab, s in zip(instances.labels, scores, strict=True)]
    merged_into = _find_duplicates(instances, certainty, thresholds.merge_iou)
    objects = []
    for i in range(n):
        objects.append(
            DetectedObject(
                index=i,
                label=instances.labels[i],
                score=float(instances.scores[i]),
                box=tuple(float(v) for v in instances.boxes[i]),  # type: ignore[arg-type]
                area_fraction=float(areas[i]),
                centre=(float(centres[i, 0]), float(centres[i, 1])),
                position=position_word(float(centres[i, 0]), float(centres[i, 1])),
                size=size_words(float(areas[i]), from_masks=from_masks),
                certainty="dropped" if merged_into[i] is not None else certainty[i],
                merged_into=merged_into[i],
            )
        )
    return tuple(objects)


def _find_duplicates(instances: Instances, certainty: list[Certainty], merge_iou: float) -> list[int | None]:
    """For each instance, the kept instance it duplicates (same label, IoU above ``merge_iou``),
    or ``None``. Higher scores are kept; ties keep the lower index, so the result is stable."""
    n = len(instances)
    merged: list[int | None] = [None] * n
    order = sorted(range(n), key=lambda i: (-float(instances.scores[i]), i))
    kept: dict[str, list[int]] = {}
    for i in order:
        if certainty[i] == "dropped":
            continue
        label = instances.labels[i]
        for j in kept.get(label, []):
            if _iou(instances, i, j) > merge_iou:
                merged[i] = j
                break
        else:
            kept.setdefault(label, []).append(i)
    return merged


def _iou(instances: Instances, i: int, j: int) -> float:
    masks = instances.masks
    if masks is not None and (masks[i].any() or masks[j].any()):
        return mask_iou(masks[i], masks[j])
    return box_iou(instances.boxes[i].astype(np.float64), instances.boxes[j].astype(np.float64))


def group_objects(objects: tuple[DetectedObject, ...]) -> tuple[Group, ...]:
    """Groups of mentioned objects in reading order: classes with stated objects first (people
    first among them, then by total area), then classes that are only "possible"."""
    by_label: dict[str, list[DetectedObject]] = {}
    for obj in objects:
        if obj.certainty != "dropped":
            by_label.setdefault(obj.label, []).append(obj)
    groups = []
    for label, members in by_label.items():
        ranked = sorted(members, key=lambda o: (-o.area_fraction, o.index))
        stated = tuple(o.index for o in ranked if o.certainty == "stated")
        possible = tuple(o.index for o in ranked if o.certainty == "possible")
        leading = [o for o in ranked if o.certainty == ("stated" if stated else "possible")]
        groups.append(Group(label, stated, possible, float(sum(o.area_fraction for o in leading))))

    def key(g: Group) -> tuple[int, int, float, str]:
        people_first = g.label == "person" and g.area >= PEOPLE_FIRST_MIN_AREA
        return (0 if g.stated else 1, 0 if people_first else 1, -g.area, g.label)

    return tuple(sorted(groups, key=key))
