"""Where things are and how big they are, as keys (``"upper left"``, ``"medium"``: each language
words them, see :mod:`captioning.lang`), plus the overlap test for duplicates."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# Thirds across; vertically only the outer 30 % count as top/bottom, because most subjects sit a
# little below the middle and "at the bottom" for them would mislead more than it helps.
_LEFT, _RIGHT = 1 / 3, 2 / 3
_TOP, _BOTTOM = 0.3, 0.7


def position_word(x: float, y: float) -> str:
    """Words for a point given as ``(x, y)`` fractions of the frame (y grows downwards):
    ``"left"``, ``"centre"``, ``"upper right"``, ``"bottom"``, ..."""
    horizontal = "left" if x < _LEFT else "right" if x > _RIGHT else "centre"
    vertical = "top" if y < _TOP else "bottom" if y > _BOTTOM else ""
    if not vertical:
        return horizontal
    if horizontal == "centre":
        return vertical
    return ("upper " if vertical == "top" else "lower ") + horizontal


def horizontal_part(position: str) -> str:
    """``"upper left"`` -> ``"left"``; ``"top"`` -> ``"centre"``."""
    last = position.split()[-1]
    return last if last in ("left", "right") else "centre"


def group_position(xs: Sequence[float], ys: Sequence[float]) -> str:
    """One position for several objects: their shared position when they agree ("left" for
    upper left and lower left), "mostly X" when a clear majority does, else "across the photo"."""
    words = [position_word(x, y) for x, y in zip(xs, ys, strict=True)]
    if len(set(words)) == 1:
        return words[0]
    # The left and right thirds share a side whatever the height; the middle third does not:
    # "in the centre" is the middle of the photo, so a dog at the top and one at the bottom are
    # not "two dogs in the centre".
    sides = [side if (side := horizontal_part(w)) != "centre" else w for w in words]
    if len(set(sides)) == 1:
        return sides[0]
    for side in dict.fromkeys(sides):  # at most one side holds two thirds
        if sides.count(side) * 3 >= len(sides) * 2:
            return f"mostly {side}"
    return "across the photo"


# Share of the frame, largest first. Mask area reads smaller than it looks (a cat that dominates
# a photo covers under a fifth of it), so the steps are lower than a box-based feel suggests.
# "Fills most of the photo" needs a real mask: a box around a diagonal object can cover half the
# frame while the object covers a tenth, so boxes-only results say "spans" instead.
SIZE_STEPS: tuple[tuple[float, str], ...] = (
    (0.5, "most"),
    (0.15, "large"),
    (0.03, "medium"),
    (0.003, "small"),
    (0.0, "very small"),
)


def size_class(area_fraction: float) -> str:
    for floor, name in SIZE_STEPS:
        if area_fraction >= floor:
            return name
    return "very small"


def size_words(area_fraction: float, *, from_masks: bool = True) -> str:
    """``"fills most of the photo"``, ``"large"``, ``"medium"``, ``"small"``, ``"very small"``.
    From boxes only, the top step says "spans", which claims extent rather than coverage."""
    name = size_class(area_fraction)
    if name == "most":
        return "fills most of the photo" if from_masks else "spans most of the photo"
    return name


def box_iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two xyxy boxes."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return float(inter / union) if union > 0 else 0.0


def mask_iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two boolean masks of the same shape."""
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 0.0
