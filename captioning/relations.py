"""Relations between objects, read from mask geometry, said only when the pixels clearly show them.

Every rule below is a test on the sampled masks of :class:`~captioning.layout.Layout` (fractions
of the frame, y downwards) and can be traced back to pixels:

* **riding** (person -> bicycle, motorcycle, horse, elephant, skateboard, surfboard, snowboard):
  the boxes overlap across most of the person's width, the person is higher, the two masks touch
  in the person's lower half, and for bicycles, motorcycles and animals the person's feet stop
  above the bottom of the vehicle (a rider's feet are on pedals or stirrups; someone standing next
  to a bike has them on the ground). On skis the person is "on" them.
* **on** (anything but furniture -> table, bed, couch, chair, bench, toilet): most of the cells bordering the
  lower half of the object's mask belong to the support's mask, and the object does not reach
  below the support.
* **holding** (person -> a hand-held class): the object is smaller than the person, its mask
  touches the person's mask along a good part of its outline, and it sits at hand height (between
  15 % and 80 % of the person's height from the top; an umbrella may be above the head).
* **in front of / behind** (people, animals, vehicles, big furniture): the boxes overlap, inside
  the overlap one mask fills the space and the other is nearly absent and ends against it (it is
  cut by the occluder), and the occluder reaches at least as low in the frame (closer to the
  camera). The subject is the more salient of the two.
* **next to** (any two classes, also from boxes alone): similar heights, overlapping vertically,
  bottoms level, side by side with a gap under half the narrower width and little overlap. Boxes
  are enough for this one: it claims nothing about depth or contact. Each object gets at most one.

Without masks (boxes-only backends) only "next to" is said.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from captioning.layout import Layout
from captioning.model import DetectedObject, Predicate, Relation

RIDDEN = {"bicycle", "motorcycle", "horse", "elephant", "skateboard", "surfboard", "snowboard", "skis"}
_GROUND_RIDDEN = {"bicycle", "motorcycle", "horse", "elephant"}
SUPPORTS = {"dining table", "bed", "couch", "chair", "bench", "toilet"}
HANDHELD = {
    "cup",
    "bottle",
    "wine glass",
    "cell phone",
    "remote",
    "umbrella",
    "frisbee",
    "tennis racket",
    "baseball bat",
    "baseball glove",
    "knife",
    "fork",
    "spoon",
    "book",
    "scissors",
    "toothbrush",
    "hair drier",
    "teddy bear",
    "handbag",
    "donut",
    "hot dog",
    "sandwich",
    "banana",
    "apple",
    "orange",
    "carrot",
    "mouse",
}
SOLID = {
    "person",
    *("bicycle car motorcycle airplane bus train truck boat").split(),
    *("bird cat dog horse sheep cow elephant bear zebra giraffe").split(),
    "couch",
    "bed",
    "chair",
    "bench",
    "dining table",
}
MAX_RELATIONS = 8
MIN_NEXT_TO_AREA = 0.01


def find_relations(objects: Sequence[DetectedObject], layout: Layout, rank: Mapping[int, int]) -> tuple[Relation, ...]:
    """Relations between stated objects (``rank``: reading order of each mentioned instance, lower
    first, used to pick the subject of symmetric relations and to order the result)."""
    ids = [o.index for o in objects if o.certainty == "stated" and not o.crowd and o.index in rank]
    if len(ids) < 2:
        return ()
    finder = _Finder(objects, layout)
    found: dict[frozenset[int], Relation] = {}

    def add(subject: int, predicate: Predicate, obj: int) -> None:
        key = frozenset((subject, obj))
        if key not in found:
            found[key] = Relation(subject, predicate, obj)

    labels = {i: objects[i].label for i in ids}
    pre = _prefilter(ids, [labels[i] for i in ids], layout)
    if layout.from_masks:
        for p, o in pre.riding:
            if finder.riding(p, o):
                add(p, "on" if labels[o] == "skis" else "riding", o)
        for o, near in pre.holding:
            holder = finder.holder(o, near)
            if holder is not None:
                add(holder, "holding", o)
        for a, b in pre.on:
            if finder.on(a, b):
                add(a, "on", b)
        for a, b in pre.occlusion:
            if frozenset((a, b)) not in found:
                occluder = finder.occluder(a, b)
                if occluder is not None:
                    subject, other = (a, b) if rank[a] <= rank[b] else (b, a)
                    add(subject, "in front of" if occluder == subject else "behind", other)
    related = {i for key in found for i in key}
    for a, b in _next_to_pairs(pre.next_to, related):
        subject, other = (a, b) if rank[a] <= rank[b] else (b, a)
        add(subject, "next to", other)
    ordered = sorted(found.values(), key=lambda r: (rank[r.subject], rank[r.object]))
    return tuple(ordered[:MAX_RELATIONS])


@dataclass(frozen=True)
class _Candidates:
    """Pairs that pass the box tests of each rule, in the order the rules visit them; only these
    get the (slower) mask tests. ``next_to`` holds ``(gap, a, b)``, closest first."""

    riding: list[tuple[int, int]]
    holding: list[tuple[int, list[int]]]  # (hand-held thing, the people it could be held by)
    on: list[tuple[int, int]]
    occlusion: list[tuple[int, int]]
    next_to: list[tuple[float, int, int]]


def _prefilter(ids: Sequence[int], labels: Sequence[str], layout: Layout) -> _Candidates:
    """The box tests of all rules for all pairs at once: numpy over the pairs each rule can apply
    to (people x ridden classes, things x supports, ...), which are far fewer than ``ids`` x ``ids``
    (on small arrays numpy's cost is per operation, and broadcasting over all pairs costs more)."""
    idx = np.asarray(ids)
    b = layout.boxes[idx]
    area = layout.area[idx]
    centre_y = layout.centre[idx, 1]
    inter = layout.box_inter[idx][:, idx]
    box_area = layout.box_area[idx]
    x0, y0, x1, y1 = b[:, 0], b[:, 1], b[:, 2], b[:, 3]
    w, h = x1 - x0, y1 - y0
    codes: dict[str, int] = {}
    code = np.array([codes.setdefault(label, len(codes)) for label in labels])

    def where(test: Callable[[str], bool]) -> np.ndarray:
        """Positions in ``ids`` whose label passes ``test``, ascending."""
        return np.array([k for k, label in enumerate(labels) if test(label)], dtype=np.intp)

    def pairs(rows: np.ndarray, cols: np.ndarray, ok: np.ndarray) -> list[tuple[int, int]]:
        """``(ids[rows[r]], ids[cols[c]])`` where ``ok[r, c]``; rows and columns ascending, so the
        pairs come in the order of the full ``ids`` x ``ids`` matrix."""
        r, c = np.nonzero(ok)
        return list(zip(idx[rows[r]].tolist(), idx[cols[c]].tolist(), strict=True))

    person = np.array([label == "person" for label in labels])
    people = np.flatnonzero(person)
    # Riding: a person (row) and a ridden thing (column).
    riders = people[(w[people] > 0) & (h[people] > 0)]
    ridden = where(RIDDEN.__contains__)
    ridden = ridden[h[ridden] > 0]
    p, o = riders[:, None], ridden[None, :]
    riding = (
        (np.minimum(x1[p], x1[o]) - np.maximum(x0[p], x0[o]) >= 0.6 * np.minimum(w[p], w[o]))
        & (centre_y[p] < centre_y[o])
        & (y0[p] < y0[o])
    )
    # Holding: a hand-held thing (row) inside the reach of a person (column): its centre across
    # the person's box (a quarter of its width to spare) and at hand height (an umbrella may be
    # above the head), its box touching the person's, and no more than half the person's size.
    held = where(HANDHELD.__contains__)
    o, p = held[:, None], people[None, :]
    umbrella = np.array([labels[k] == "umbrella" for k in held], dtype=bool)[:, None]
    centre_x = layout.centre[idx, 0]
    top = y0[p] - np.where(umbrella, 0.3 * h[p], -0.15 * h[p])
    reach = (
        ~(area[o] > 0.5 * area[p])
        & (x0[p] - 0.25 * w[p] <= centre_x[o])
        & (centre_x[o] <= x1[p] + 0.25 * w[p])
        & (top <= centre_y[o])
        & (centre_y[o] <= y0[p] + 0.8 * h[p])
        & ~((x1[o] < x0[p]) | (x1[p] < x0[o]) | (y1[o] < y0[p]) | (y1[p] < y0[o]))
    )
    holding = [
        (ids[k], [ids[j] for j in people[row].tolist()])
        for k, row in zip(held.tolist(), reach, strict=True)
        if row.any()
    ]
    # On: a thing (row) on a support (column).
    things = where(lambda label: label not in SUPPORTS)
    things = things[area[things] > 0]
    supports = where(SUPPORTS.__contains__)
    a, s = things[:, None], supports[None, :]
    on = (inter[a, s] > 0) & (y1[a] <= y1[s] + 0.02) & (person[a] | (area[a] <= 1.5 * area[s]))
    # Occlusion: two solid things of different classes, each pair once.
    solid = where(SOLID.__contains__)
    a, s = solid[:, None], solid[None, :]
    occlusion = (
        (a < s)
        & (code[a] != code[s])
        & (inter[a, s] > 0)
        & (inter[a, s] >= 0.15 * np.minimum(box_area[a], box_area[s]))
    )
    # Next to: two big enough things of different classes, each pair once.
    big = np.flatnonzero(area >= MIN_NEXT_TO_AREA)
    a, s = big[:, None], big[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        ha, hs = h[a], h[s]
        ratio = ha / hs
        narrow = np.minimum(w[a], w[s])
        gap = (np.maximum(x0[a], x0[s]) - np.minimum(x1[a], x1[s])) / narrow
        v_overlap = np.minimum(y1[a], y1[s]) - np.maximum(y0[a], y0[s])
        lower = np.minimum(ha, hs)
        side = (
            (a < s)
            & (code[a] != code[s])
            & (lower > 0)
            & (narrow > 0)
            & (ratio >= 0.5)
            & (ratio <= 2.0)
            & (v_overlap >= 0.5 * lower)
            & (np.abs(y1[a] - y1[s]) <= 0.25 * np.maximum(ha, hs))
            & (gap >= -0.25)
            & (gap <= 0.5)
        )
    r, c = np.nonzero(side)
    next_to = sorted(zip(gap[r, c].tolist(), idx[big[r]].tolist(), idx[big[c]].tolist(), strict=True))
    return _Candidates(
        pairs(riders, ridden, riding),
        holding,
        pairs(things, supports, on),
        pairs(solid, solid, occlusion),
        next_to,
    )


def _next_to_pairs(candidates: Sequence[tuple[float, int, int]], taken: set[int]) -> list[tuple[int, int]]:
    """Side-by-side pairs among objects not yet in a relation, each object in at most one
    (closest gaps first)."""
    used = set(taken)
    out = []
    for _, a, b in candidates:
        if a not in used and b not in used:
            used.update((a, b))
            out.append((a, b))
    return out


class _Finder:
    """Mask tests on windows of the grid: each mask's extent plus one cell (for the dilation),
    so a test on a small object costs in proportion to its size, not to the frame's."""

    def __init__(self, objects: Sequence[DetectedObject], layout: Layout) -> None:
        self.objects = objects
        self.layout = layout
        # Plain Python floats: the rules do a few dozen scalar comparisons per pair, and numpy
        # scalars make each one several times slower.
        self.boxes: list[list[float]] = layout.boxes.tolist()
        self.area: list[float] = layout.area.tolist()
        self.centre: list[list[float]] = layout.centre.tolist()
        # Boxes-only layouts have no grid; only the box tests ("next to") run for them.
        self._grid = layout.grid if layout.grid is not None else np.zeros((0, 1, 1), dtype=bool)
        self._gh, self._gw = (int(v) for v in self._grid.shape[1:])
        self._extent = layout.extent.tolist() if layout.extent is not None else []
        self._dilated: dict[int, tuple[tuple[int, int, int, int], np.ndarray]] = {}

    # -- mask helpers ----------------------------------------------------------------------
    def window(self, i: int) -> tuple[int, int, int, int]:
        """``(r0, r1, c0, c1)``: the extent of mask ``i`` plus one cell, clipped to the grid."""
        return self.dilated(i)[0]

    def dilated(self, i: int) -> tuple[tuple[int, int, int, int], np.ndarray]:
        """Mask ``i`` grown by one cell (4-neighbours), on its window."""
        found = self._dilated.get(i)
        if found is None:
            gh, gw = self._gh, self._gw
            r0, r1, c0, c1 = self._extent[i]
            win = (max(0, r0 - 1), min(gh, r1 + 1), max(0, c0 - 1), min(gw, c1 + 1))
            h, w = win[1] - win[0], win[3] - win[2]
            # The window with one empty column on the right, flattened: a shift by one cell is a
            # shift by 1 (the empty column keeps rows apart), by one row a shift by ``w + 1``. Four
            # ORs on flat arrays cost half as much as on 2-D slices (``d[1:] |= ...`` on a slice
            # also copies the result back onto itself).
            padded = np.zeros((h, w + 1), dtype=bool)
            padded[:, :w] = self._grid[i, win[0] : win[1], win[2] : win[3]]
            grown = padded.copy()
            m, d, row = padded.ravel(), grown.ravel(), w + 1
            np.logical_or(d[1:], m[:-1], out=d[1:])
            np.logical_or(d[:-1], m[1:], out=d[:-1])
            np.logical_or(d[row:], m[:-row], out=d[row:])
            np.logical_or(d[:-row], m[row:], out=d[:-row])
            found = self._dilated[i] = (win, grown[:, :w])
        return found

    def crop(self, j: int, win: tuple[int, int, int, int]) -> np.ndarray:
        return self._grid[j, win[0] : win[1], win[2] : win[3]]

    def contact(self, i: int, j: int) -> tuple[tuple[int, int, int, int], np.ndarray]:
        """Cells of ``j`` touching or overlapping ``i``, on the window of ``i``."""
        win, d = self.dilated(i)
        return win, d & self.crop(j, win)

    def outline(self, i: int) -> tuple[tuple[int, int, int, int], np.ndarray]:
        """Cells just outside the mask of ``i``, on its window."""
        win, d = self.dilated(i)
        return win, d & ~self.crop(i, win)

    # -- rules ---------------------------------------------------------------------------------
    def riding(self, p: int, o: int) -> bool:
        bp, bo = self.boxes[p], self.boxes[o]
        wp, hp, ho = bp[2] - bp[0], bp[3] - bp[1], bo[3] - bo[1]
        if wp <= 0 or hp <= 0 or ho <= 0:
            return False
        overlap = min(bp[2], bo[2]) - max(bp[0], bo[0])
        if overlap < 0.6 * min(wp, bo[2] - bo[0]):
            return False
        cp, co = self.centre[p], self.centre[o]
        if not (cp[1] < co[1] and bp[1] < bo[1]):
            return False
        win, touch = self.contact(o, p)
        if np.count_nonzero(touch) < 2:
            return False
        rows = np.nonzero(touch)[0] + win[0]
        if ((rows + 0.5) / self._gh).mean() < bp[1] + 0.5 * hp:  # touching in the lower half
            return False
        label = self.objects[o].label
        if label in _GROUND_RIDDEN:
            return bool(bo[1] < bp[3] < bo[3] - 0.08 * ho)
        return bool(bo[1] - 0.15 * hp <= bp[3] <= bo[3] + 0.15 * hp)

    def holder(self, o: int, near: Sequence[int]) -> int | None:
        """The one person holding ``o``, or ``None`` (none, or no clear single one): ``near`` are
        the people that pass the box tests (see :func:`_prefilter`)."""
        win_o, ring = self.outline(o)
        outline = np.count_nonzero(ring)
        if outline == 0:
            return None
        scored = []
        for p in near:
            touch = np.count_nonzero(self.contact(p, o)[1]) + np.count_nonzero(ring & self.crop(p, win_o))
            if touch >= max(2, 0.3 * outline):
                scored.append((touch, p))
        if not scored:
            return None
        scored.sort(reverse=True)
        if len(scored) > 1 and scored[1][0] >= 0.7 * scored[0][0]:
            return None  # two people touch it about as much: not clear who holds it
        return scored[0][1]

    def on(self, a: int, b: int) -> bool:
        ba, bb = self.boxes[a], self.boxes[b]
        if ba[3] > bb[3] + 0.02 or self.area[a] <= 0:
            return False
        if ba[2] <= bb[0] or bb[2] <= ba[0] or ba[3] <= bb[1] or bb[3] <= ba[1]:
            return False  # the boxes do not even meet
        if self.objects[a].label != "person" and self.area[a] > 1.5 * self.area[b]:
            return False
        win, ring = self.outline(a)
        middle = math.floor(self.centre[a][1] * self._gh) - win[0]
        lower = ring[max(0, middle) :]
        cells = np.count_nonzero(lower)
        if cells < 3:
            return False
        below = self._grid[b, win[0] + max(0, middle) : win[1], win[2] : win[3]]
        return bool(np.count_nonzero(lower & below) >= 0.5 * cells)

    def occluder(self, a: int, b: int) -> int | None:
        ba, bb = self.boxes[a], self.boxes[b]
        ix0, iy0, ix1, iy1 = max(ba[0], bb[0]), max(ba[1], bb[1]), min(ba[2], bb[2]), min(ba[3], bb[3])
        if ix1 <= ix0 or iy1 <= iy0:
            return None
        area_a = (ba[2] - ba[0]) * (ba[3] - ba[1])
        area_b = (bb[2] - bb[0]) * (bb[3] - bb[1])
        if (ix1 - ix0) * (iy1 - iy0) < 0.15 * min(area_a, area_b):
            return None
        assert self.layout.grid is not None
        gh, gw = self._gh, self._gw
        r0, r1 = int(iy0 * gh), math.ceil(iy1 * gh)
        c0, c1 = int(ix0 * gw), math.ceil(ix1 * gw)
        cells = max(1, (r1 - r0) * (c1 - c0))
        if cells < 4:
            return None
        fa = np.count_nonzero(self._grid[a, r0:r1, c0:c1]) / cells
        fb = np.count_nonzero(self._grid[b, r0:r1, c0:c1]) / cells
        for front, back, f_front, f_back in ((a, b, fa, fb), (b, a, fb, fa)):
            if f_front >= 0.4 and f_back <= 0.1 and np.count_nonzero(self.contact(front, back)[1]) >= 2:
                if self.boxes[front][3] >= self.boxes[back][3] - 0.05:
                    return front
        return None


def holds(objects: Sequence[DetectedObject], layout: Layout, relation: Relation) -> bool:
    """Whether ``relation`` holds between its two objects by the same box and mask tests
    :func:`find_relations` uses, asked of this pair alone (no competition with other pairs, no
    one-relation-per-object limit): the check of a model's relation against the ground-truth
    masks of the objects it matched (``captioning.crossval``). "next to" needs only boxes."""
    s, o = relation.subject, relation.object
    if s == o:
        return False
    pair = [s, o]
    pre = _prefilter(pair, [objects[i].label for i in pair], layout)
    if relation.predicate == "next to":
        return bool(pre.next_to)
    if not layout.from_masks:
        return False
    finder = _Finder(objects, layout)
    if relation.predicate in ("riding", "on") and (s, o) in pre.riding and finder.riding(s, o):
        return relation.predicate == ("on" if objects[o].label == "skis" else "riding")
    if relation.predicate == "holding":
        return any(held == o and s in near and finder.holder(o, [s]) == s for held, near in pre.holding)
    if relation.predicate == "on":
        return (s, o) in pre.on and finder.on(s, o)
    if relation.predicate in ("in front of", "behind"):
        if not pre.occlusion:
            return False
        front = finder.occluder(*pre.occlusion[0])
        return front == (s if relation.predicate == "in front of" else o)
    return False
