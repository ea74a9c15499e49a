"""Recognising vehicles' number plates among the lines read, so they are never transcribed.

A line of text is a number plate when all of these hold:

1. **It is on a vehicle**: at least :data:`INSIDE_SHARE` of its box lies inside the box of a
   detected ``car``, ``truck``, ``bus`` or ``motorcycle`` (:data:`VEHICLE_LABELS`, COCO names as in
   ``Instances.labels``), in its lower part (the line's centre below the top
   :data:`PLATE_TOP_SHARE` of the vehicle's box: plates sit on bumpers and tails, names and
   adverts sit on sides and roofs too), and it is small for the vehicle (at most
   :data:`PLATE_WIDTH_SHARE` of its width).
2. **It reads like a plate** (:func:`looks_like_plate_text`): 4 to 10 letters and digits once
   spaces, hyphens and dots are dropped, at least one digit, no lower-case letter, at most 4
   groups. "AB 123 CD", "B-MW 1234", "7ABC123", "07153" do; "SCOTT BROWN", "Taxi", "62", "EXIT"
   do not.
3. **It is shaped like one**: the line is 1.5 to 10 times as long as it is high.

Deliberately cautious: a fleet number low on a bus's front ("07153") also passes, and is not
quoted either; a plate whose vehicle the segmenter missed (a close-up of a plate alone) is not
recognised as one. These lines are not described as "a sign with text": a caption may say the
vehicle has a number plate, never its characters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from segmentation.text.result import TextLine, TextLines

__all__ = [
    "INSIDE_SHARE",
    "PLATE_TOP_SHARE",
    "PLATE_WIDTH_SHARE",
    "VEHICLE_LABELS",
    "is_number_plate",
    "looks_like_plate_text",
    "number_plate_lines",
]

#: COCO classes that carry number plates.
VEHICLE_LABELS = frozenset({"car", "truck", "bus", "motorcycle"})
#: Share of the line's box that must lie inside the vehicle's box.
INSIDE_SHARE = 0.8
#: The line's centre must lie below this share of the vehicle box's height, from its top.
PLATE_TOP_SHARE = 0.4
#: The line may be at most this share of the vehicle box's width.
PLATE_WIDTH_SHARE = 0.7

_SEPARATORS = re.compile(r"[\s\-.·•:]+")


def looks_like_plate_text(text: str) -> bool:
    """Whether ``text`` has the make of a number plate (see the module docstring, rule 2)."""
    groups = [g for g in _SEPARATORS.split(text.strip()) if g]
    compact = "".join(groups)
    if not 4 <= len(compact) <= 10 or len(groups) > 4:
        return False
    if not all(c.isdigit() or (c.isalpha() and c.isupper()) for c in compact):
        return False
    return any(c.isdigit() for c in compact)


def _inside_share(line_box: Sequence[float], box: Sequence[float]) -> float:
    x0, y0, x1, y1 = line_box
    area = max(x1 - x0, 0.0) * max(y1 - y0, 0.0)
    if area <= 0:
        return 0.0
    ix = max(0.0, min(x1, box[2]) - max(x0, box[0]))
    iy = max(0.0, min(y1, box[3]) - max(y0, box[1]))
    return ix * iy / area


def is_number_plate(line: TextLine, vehicle_box: Sequence[float]) -> bool:
    """Whether ``line`` is a number plate of the vehicle whose ``(x0, y0, x1, y1)`` box is given
    (same pixels as the line)."""
    if not looks_like_plate_text(line.text):
        return False
    if not 1.5 <= line.width / max(line.height, 1e-6) <= 10:
        return False
    vx0, vy0, vx1, vy1 = (float(v) for v in vehicle_box)
    if _inside_share(line.box, (vx0, vy0, vx1, vy1)) < INSIDE_SHARE:
        return False
    x0, y0, x1, y1 = line.box
    if (y0 + y1) / 2 < vy0 + PLATE_TOP_SHARE * (vy1 - vy0):
        return False
    return x1 - x0 <= PLATE_WIDTH_SHARE * (vx1 - vx0)


def number_plate_lines(text: TextLines, labels: Sequence[str], boxes: Sequence[Sequence[float]]) -> tuple[int, ...]:
    """Indices into ``text.lines`` of the lines that are number plates.

    Args:
        text: the lines read in the photo.
        labels: COCO names of the objects found (``Instances.labels``).
        boxes: their ``(x0, y0, x1, y1)`` boxes in the same pixels (``Instances.boxes``).
    """
    vehicles = [box for label, box in zip(labels, boxes, strict=True) if label in VEHICLE_LABELS]
    return tuple(i for i, line in enumerate(text.lines) if any(is_number_plate(line, box) for box in vehicles))
