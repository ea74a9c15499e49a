"""Shared helpers for the captioning tests: building small Instances by hand."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

# The project root must be importable however pytest is started (``pytest`` or ``python -m pytest``).
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from segmentation.result import Instances  # noqa: E402

MakeInstances = Callable[..., Instances]


def boxes_to_masks(boxes: np.ndarray, image_size: tuple[int, int], mask_size: tuple[int, int]) -> np.ndarray:
    """Filled-box masks at a working resolution ``(h, w)``."""
    width, height = image_size
    h, w = mask_size
    masks = np.zeros((len(boxes), h, w), dtype=bool)
    for k, (x0, y0, x1, y1) in enumerate(boxes):
        c0, c1 = int(round(x0 / width * w)), int(round(x1 / width * w))
        r0, r1 = int(round(y0 / height * h)), int(round(y1 / height * h))
        masks[k, r0:r1, c0:c1] = True
    return masks


def make_instances(
    labels: Sequence[str],
    boxes: Sequence[Sequence[float]],
    scores: Sequence[float] | None = None,
    *,
    image_size: tuple[int, int] = (640, 480),
    masks: str | np.ndarray | None = "boxes",
) -> Instances:
    """``masks="boxes"`` fills each box at 96x128; ``None`` gives a boxes-only result."""
    box_array = np.asarray(boxes, dtype=np.float32).reshape(-1, 4)
    if isinstance(masks, str):
        masks = boxes_to_masks(box_array, image_size, (96, 128))
    return Instances(
        image_size=image_size,
        labels=tuple(labels),
        scores=np.asarray([1.0] * len(labels) if scores is None else scores, dtype=np.float32),
        boxes=box_array,
        masks=masks,
        model="test",
    )


@pytest.fixture
def make() -> MakeInstances:
    return make_instances
