"""Saying the text read in a photo (``Instances.text``): what is quoted, where it is, and how.

Decided once per piece (:func:`plan_text`), then planned with the rest of the description
(:func:`captioning.planning.text_plan`) and said by each language (its ``PHRASES``, see
:mod:`captioning.lang`).

Rules, each for a reason:

* Only a **confident** line (``confidence >= TextLines.confident_at``) is quoted, exactly as read.
  A line that is not is said as "text that could not be read clearly" (long description only),
  never guessed.
* Not quoted either (said as unclear): lines of fewer than :data:`MIN_CHARACTERS` letters or
  digits (mostly stray strokes read as "A" or "11") and lines touching the frame's edge (within
  :data:`EDGE_MARGIN` of it), or whose left or right end is closer to the frame's side than
  :data:`EDGE_CHARACTERS` line heights (about a character's width), at most
  :data:`EDGE_SIDE_SHARE` of the frame's width (so a page's or screenshot's large lines a small
  margin from the side still count as whole): the word may go on beyond the frame. Cut-off
  words were the main wrong quotes ("STOR" of "STORE", "being refun", "ULIA" of "ZULIA" on
  ``coco-val-calib``; bench/README.md "Text in the photo", ``text_reading.py quotes``).
* **Number plates** (``segmentation.text.plates``) are never transcribed: the long description
  says the vehicle's number plate is visible, without its characters.
* A line is **on** the smallest stated object whose mask (its box for boxes-only results) holds
  at least :data:`HELD_SHARE` of the line's box; else it stands alone (text is never put on a
  "possibly" object: "text on the bus" would state the bus).
* Nothing is said that the object's name already says (a stop sign's "STOP"): status ``said``.
* A photo that is **mostly text** (screenshot, slide, document, meme: its lines' boxes cover at
  least :data:`MOSTLY_TEXT_SHARE` of the frame and it has at least :data:`MOSTLY_TEXT_WORDS`
  quoted words) gets the text itself as its alt text (cut at a word within 125 characters, with
  an ellipsis), and the full text first in the long description, in reading order. Scene photos
  of signs have text covering a few per cent of the frame (a close-up street sign reading one
  word stays a sign, hence the word count); a page or a screenshot is most of it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from captioning.model import DetectedObject, ReadText
from segmentation.result import Instances
from segmentation.text import TextLine, number_plate_lines

MIN_CHARACTERS = 3
EDGE_MARGIN = 0.005
EDGE_CHARACTERS = 1.0
EDGE_SIDE_SHARE = 0.02
HELD_SHARE = 0.8
MOSTLY_TEXT_SHARE = 0.15
MOSTLY_TEXT_WORDS = 4


def plan_text(instances: Instances, objects: Sequence[DetectedObject]) -> tuple[ReadText, ...]:
    """What to do with each piece of text in ``instances.text`` (empty when none was read).

    Lines of one row held by the same object with the same status are joined ("Main" "Street"
    read as two lines of one sign are one quote)."""
    lines = instances.text
    if lines is None or not len(lines):
        return ()
    plates = set(number_plate_lines(lines, instances.labels, instances.boxes))
    index_of = {id(line): i for i, line in enumerate(lines.lines)}
    candidates = [obj for obj in objects if obj.certainty == "stated"]
    out: list[ReadText] = []
    for row in lines.rows(confident_only=False):
        for line in row:
            i = index_of[id(line)]
            on = _holder(line, instances, candidates)
            status = _status(line, i in plates, lines.confident_at, lines.image_size, on, objects)
            if status is None:
                continue
            if out and out[-1].status == status == "quoted" and out[-1].on == on and _same_row(out[-1], line):
                prev = out[-1]
                box = (min(prev.box[0], line.box[0]), min(prev.box[1], line.box[1]),
                       max(prev.box[2], line.box[2]), max(prev.box[3], line.box[3]))  # fmt: skip
                out[-1] = ReadText(f"{prev.text} {line.text}", box, status, on)
                continue
            out.append(ReadText(line.text, line.box, status, on))
    return tuple(out)


def _same_row(previous: ReadText, line: TextLine) -> bool:
    y0, y1 = previous.box[1], previous.box[3]
    overlap = min(y1, line.box[3]) - max(y0, line.box[1])
    return overlap >= 0.5 * min(y1 - y0, line.box[3] - line.box[1])


def _status(
    line: TextLine,
    plate: bool,
    confident_at: float,
    image_size: tuple[int, int],
    on: int | None,
    objects: Sequence[DetectedObject],
) -> str | None:
    if plate:
        return "plate"
    characters = sum(c.isalnum() for c in line.text)
    if characters < MIN_CHARACTERS:
        return None  # a stroke or two: not worth a word, quoted or not
    if on is not None and _already_said(line.text, _object(objects, on).label):
        return "said"
    if line.confidence < confident_at or _touches_edge(line, image_size):
        return "unclear"
    return "quoted"


def _already_said(text: str, label: str) -> bool:
    """Whether every word of ``text`` is a word of the object's name ("STOP" on a stop sign)."""
    words = ["".join(c for c in w if c.isalnum()).lower() for w in text.split()]
    return bool(words) and all(w in label.split() for w in words if w)


def _touches_edge(line: TextLine, image_size: tuple[int, int]) -> bool:
    """Whether the line may be cut by the frame: within :data:`EDGE_MARGIN` of any edge, or its
    left or right end within :data:`EDGE_CHARACTERS` line heights (at most :data:`EDGE_SIDE_SHARE`
    of the width) of the frame's side."""
    width, height = image_size
    mx, my = EDGE_MARGIN * width, EDGE_MARGIN * height
    x0, y0, x1, y1 = line.box
    cut = x0 <= mx or y0 <= my or x1 >= width - mx or y1 >= height - my
    return cut or min(x0, width - x1) < min(EDGE_CHARACTERS * line.height, EDGE_SIDE_SHARE * width)


def _holder(line: TextLine, instances: Instances, candidates: Sequence[DetectedObject]) -> int | None:
    """The smallest candidate object holding at least :data:`HELD_SHARE` of the line's box."""
    held = [obj for obj in candidates if _held_share(line.box, instances, obj.index) >= HELD_SHARE]
    return min(held, key=lambda obj: obj.area_fraction).index if held else None


def _held_share(box: tuple[float, float, float, float], instances: Instances, index: int) -> float:
    width, height = instances.image_size
    x0, y0, x1, y1 = (max(box[0], 0.0), max(box[1], 0.0), min(box[2], width), min(box[3], height))
    if x1 <= x0 or y1 <= y0:
        return 0.0
    if instances.masks is None:
        bx0, by0, bx1, by1 = (float(v) for v in instances.boxes[index])
        ix = max(0.0, min(x1, bx1) - max(x0, bx0))
        iy = max(0.0, min(y1, by1) - max(y0, by0))
        return ix * iy / ((x1 - x0) * (y1 - y0))
    mask = instances.masks[index]
    h, w = mask.shape
    # The mask cells the box covers (at least one), at the mask's working resolution.
    c0, c1 = int(x0 * w / width), max(int(np.ceil(x1 * w / width)), int(x0 * w / width) + 1)
    r0, r1 = int(y0 * h / height), max(int(np.ceil(y1 * h / height)), int(y0 * h / height) + 1)
    cells = mask[r0:r1, c0:c1]
    return float(cells.mean()) if cells.size else 0.0


def _object(objects: Sequence[DetectedObject], index: int) -> DetectedObject:
    return next(obj for obj in objects if obj.index == index)


def mostly_text(text: Sequence[ReadText], image_size: tuple[int, int]) -> bool:
    """Whether the photo is mostly text (see the module docstring)."""
    width, height = image_size
    area = sum(max(0.0, t.box[2] - t.box[0]) * max(0.0, t.box[3] - t.box[1]) for t in text)
    words = sum(len(t.text.split()) for t in text if t.status == "quoted")
    return area / float(width * height) >= MOSTLY_TEXT_SHARE and words >= MOSTLY_TEXT_WORDS
