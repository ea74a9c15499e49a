"""Per-photo geometry computed once: areas, centroids and pairwise overlaps of all instances.

Masks arrive at the model's working resolution (about 800 x 1067 for Mask R-CNN): summing 50 of
them pixel by pixel costs tens of milliseconds. Everything here works on a strided sample of the
masks with the long side at most :data:`MAX_SIDE` cells, which is plenty for "left / centre /
right", size classes and contact tests; objects too small to be seen in the sample (fewer than
:data:`SMALL_CELLS` cells) are measured exactly on the crop of their box, which is cheap because
their box is small. Pairwise intersections are counted only where two boxes overlap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from segmentation.result import Instances

MAX_SIDE = 96
SMALL_CELLS = 12


@dataclass(frozen=True, eq=False)
class Layout:
    """Geometry of one photo's instances, all in fractions of the frame (y downwards).

    Attributes:
        boxes: ``(N, 4)`` clipped xyxy boxes as fractions of width / height.
        area: ``(N,)`` share of the frame (mask area, or box area without masks).
        centre: ``(N, 2)`` mask centroid (box centre without masks or for an empty mask).
        grid: ``(N, h, w)`` bool sampled masks, or ``None`` for boxes-only results.
        cells: ``(N,)`` cells of each sampled mask, or ``None``.
        extent: ``(N, 4)`` ints ``(r0, r1, c0, c1)``: the rows and columns of the grid where each
            sampled mask has cells (end exclusive; all 0 for an empty mask), or ``None``. Mask
            tests work on these windows instead of the whole grid.

    Box overlaps of all pairs are computed at once with numpy the first time they are asked for
    (most pairs do not overlap, and a lookup rules them out); box IoU and mask intersections only
    for pairs that need them, the latter on the overlap of the two boxes.
    """

    boxes: np.ndarray
    area: np.ndarray
    centre: np.ndarray
    grid: np.ndarray | None
    cells: np.ndarray | None
    extent: np.ndarray | None = None

    @cached_property
    def box_inter(self) -> np.ndarray:
        """``(N, N)`` intersection area of the boxes (fractions of the frame; 0 where apart)."""
        b = self.boxes
        w = np.minimum(b[:, None, 2], b[None, :, 2]) - np.maximum(b[:, None, 0], b[None, :, 0])
        h = np.minimum(b[:, None, 3], b[None, :, 3]) - np.maximum(b[:, None, 1], b[None, :, 1])
        return np.clip(w, 0.0, None) * np.clip(h, 0.0, None)

    @cached_property
    def box_area(self) -> np.ndarray:
        return _box_area(self.boxes)

    def intersection(self, i: int, j: int) -> int:
        """Cells shared by the sampled masks of ``i`` and ``j``, counted on the overlap of their
        boxes (one cell of margin) and remembered. Per pair on purpose: a matrix product over all
        pairs goes through BLAS, whose threads cost hundreds of milliseconds on a busy machine."""
        key = (i, j) if i <= j else (j, i)
        found = self._inter.get(key)
        if found is not None:
            return found
        assert self.grid is not None
        r0, r1, c0, c1 = self._window(i, j)
        count = 0
        if r1 > r0 and c1 > c0:
            count = int(np.count_nonzero(self.grid[i, r0:r1, c0:c1] & self.grid[j, r0:r1, c0:c1]))
        self._inter[key] = count
        return count

    def _window(self, i: int, j: int) -> tuple[int, int, int, int]:
        """``(r0, r1, c0, c1)``: the grid cells of the overlap of the boxes of ``i`` and ``j``, one
        cell of margin (end exclusive, clipped to the grid)."""
        assert self.grid is not None
        a, b = self._box_list[i], self._box_list[j]
        gh, gw = self.grid.shape[1:]
        r0, r1 = int(max(a[1], b[1]) * gh), min(gh, int(math.ceil(min(a[3], b[3]) * gh)) + 1)
        c0, c1 = int(max(a[0], b[0]) * gw), min(gw, int(math.ceil(min(a[2], b[2]) * gw)) + 1)
        return r0, r1, c0, c1

    # Plain Python copies for the per-pair tests, which do a few scalar operations each: on numpy
    # scalars every one of them is several times slower.
    @cached_property
    def _box_list(self) -> list[list[float]]:
        return self.boxes.tolist()

    @cached_property
    def _box_area_list(self) -> list[float]:
        return self.box_area.tolist()

    @cached_property
    def _cell_list(self) -> list[float] | None:
        return None if self.cells is None else self.cells.tolist()

    @cached_property
    def _inter(self) -> dict[tuple[int, int], int]:
        return {}

    @property
    def from_masks(self) -> bool:
        return self.grid is not None

    def __len__(self) -> int:
        return len(self.area)

    def iou(self, i: int, j: int) -> float:
        """Mask IoU on the sampled grid (box IoU without masks, or when a mask is too small to show
        in the sample); 0 when the boxes do not overlap."""
        return self._iou(i, j, bound=False)

    def iou_bound(self, i: int, j: int) -> float:
        """At least :meth:`iou`, without counting shared cells: they are no more than the cells
        of the smaller mask, nor than the grid cells of the overlap of the boxes. Most pairs that
        overlap at all are far from any IoU threshold, and this tells them apart cheaply. Equal
        to :meth:`iou` where that is a box IoU."""
        return self._iou(i, j, bound=True)

    def _iou(self, i: int, j: int, *, bound: bool) -> float:
        box = self._box_iou(i, j)
        cells = self._cell_list
        if cells is None or cells[i] == 0 or cells[j] == 0:
            return box
        if box == 0:
            return 0.0
        if bound:
            r0, r1, c0, c1 = self._window(i, j)
            shared = min(cells[i], cells[j], max(0, r1 - r0) * max(0, c1 - c0))
        else:
            shared = self.intersection(i, j)
        return shared / (cells[i] + cells[j] - shared)

    def _box_iou(self, i: int, j: int) -> float:
        inter: float = self.box_inter.item(i, j)
        union = self._box_area_list[i] + self._box_area_list[j] - inter
        return inter / union if union > 0 else 0.0

    def containment(self, i: int, j: int) -> float:
        """Share of the smaller of ``i`` and ``j`` that lies inside the other (masks only; 0 without)."""
        cells = self._cell_list
        if cells is None:
            return 0.0
        smaller = min(cells[i], cells[j])
        return self.intersection(i, j) / smaller if smaller else 0.0


def _box_area(boxes: np.ndarray) -> np.ndarray:
    """Area of xyxy boxes, 0 for a degenerate one (``x1 < x0`` or ``y1 < y0``): the plain product
    of two negative sides would be a positive area, of one a negative area (whose square root, in
    the salience of a group, is a complex number that cannot be sorted)."""
    return np.clip(boxes[:, 2] - boxes[:, 0], 0.0, None) * np.clip(boxes[:, 3] - boxes[:, 1], 0.0, None)


def compute_layout(instances: Instances, *, max_side: int = MAX_SIDE) -> Layout:
    n = len(instances)
    width, height = instances.image_size
    boxes = instances.clipped_boxes() / np.array([width, height, width, height], dtype=np.float64)
    box_area = _box_area(boxes)
    box_centre = np.stack([(boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2], axis=1)
    masks = instances.masks
    if masks is None or n == 0:
        return Layout(boxes, box_area, box_centre.reshape(n, 2), None, None)
    h, w = masks.shape[1:]
    step = max(1, math.ceil(max(h, w) / max_side))
    grid = np.ascontiguousarray(masks[:, step // 2 :: step, step // 2 :: step])
    gh, gw = grid.shape[1:]
    # Row and column counts per mask give areas and centroids without touching the grid twice.
    counts = grid.view(np.uint8)  # summing bytes is several times faster than summing bools
    # A row or column has at most ``max_side`` cells: with the default that fits in a byte, and
    # summing bytes as bytes is faster again than as int32. ``einsum`` sums two to three times
    # faster than ``np.add.reduce`` here (a single operand: no BLAS involved).
    acc = np.uint8 if max(gh, gw) <= np.iinfo(np.uint8).max else np.int32
    col_counts = np.einsum("nhw->nw", counts, dtype=acc).astype(np.float64)  # (n, gw)
    row_counts = np.einsum("nhw->nh", counts, dtype=acc).astype(np.float64)  # (n, gh)
    cells = row_counts.sum(axis=1)
    # Centres of the sampled cells as fractions of the frame.
    ys = (np.arange(gh) * step + step // 2 + 0.5) / h
    xs = (np.arange(gw) * step + step // 2 + 0.5) / w
    area = cells / float(gh * gw)
    centre = box_centre.copy()
    seen = cells > 0
    if seen.any():
        centre[seen, 0] = (col_counts[seen] @ xs) / cells[seen]
        centre[seen, 1] = (row_counts[seen] @ ys) / cells[seen]
    for i in np.flatnonzero(cells < SMALL_CELLS) if step > 1 else ():
        area[i], centre[i] = _exact(masks[i], boxes[i], centre[i])
    return Layout(boxes, area, centre, grid, cells, _extent(row_counts > 0, col_counts > 0))


def _extent(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``(r0, r1, c0, c1)`` per mask from which rows / columns hold any cell."""
    gh, gw = rows.shape[1], cols.shape[1]
    r0 = rows.argmax(axis=1)
    r1 = gh - rows[:, ::-1].argmax(axis=1)
    c0 = cols.argmax(axis=1)
    c1 = gw - cols[:, ::-1].argmax(axis=1)
    out = np.stack([r0, r1, c0, c1], axis=1).astype(np.int64)
    out[~rows.any(axis=1)] = 0
    return out


def _exact(mask: np.ndarray, box: np.ndarray, fallback: np.ndarray) -> tuple[float, np.ndarray]:
    """Area fraction and centroid of one (small) mask, measured on the crop of its box (one cell
    of margin), or over the whole mask when the mask strays outside its box."""
    h, w = mask.shape
    if not np.isfinite(box).all():  # a broken box (NaN from a diverged model) says nothing
        box = np.array([0.0, 0.0, 1.0, 1.0])
    r0, r1 = max(0, int(box[1] * h) - 1), min(h, int(math.ceil(box[3] * h)) + 1)
    c0, c1 = max(0, int(box[0] * w) - 1), min(w, int(math.ceil(box[2] * w)) + 1)
    rows, cols = np.nonzero(mask[r0:r1, c0:c1])
    if len(rows) == 0:
        rows, cols = np.nonzero(mask)
        if len(rows) == 0:
            return 0.0, fallback
        r0 = c0 = 0
    total = len(rows)
    centre = np.array([(cols.mean() + c0 + 0.5) / w, (rows.mean() + r0 + 0.5) / h])
    return total / float(h * w), centre
