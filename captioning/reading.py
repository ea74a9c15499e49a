"""Saying the text read in a photo (``Instances.text``): what is quoted, where it is, and how.

Planned once (:func:`plan_text`), then said (:func:`add_text`) with the phrases of
:data:`PHRASES` (English; other languages add their own table of the same keys).

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
from dataclasses import replace

import numpy as np

from captioning.geometry import position_phrase
from captioning.model import DetectedObject, Mention, ReadText
from segmentation.result import Instances
from segmentation.text import TextLine, number_plate_lines

ALT_LIMIT = 125
MIN_CHARACTERS = 3
EDGE_MARGIN = 0.005
EDGE_CHARACTERS = 1.0
EDGE_SIDE_SHARE = 0.02
HELD_SHARE = 0.8
MOSTLY_TEXT_SHARE = 0.15
MOSTLY_TEXT_WORDS = 4
ELLIPSIS = "…"

#: Every phrase this module says, in one place (English). ``{text}`` is the text as read,
#: ``{thing}`` the object with its article ("the bus", "the bus on the left").
PHRASES = {
    "on": "Text on {thing}: {text}.",
    "alone": "Text reading {text}.",
    "quote": "'{text}'",
    "list": ", ",
    "unclear_on": "{thing} has text that could not be read clearly.",
    "unclear_alone": "There is text that could not be read clearly.",
    "plate": "{thing}'s number plate is visible (not transcribed).",
    "mostly": "The image is mostly text. It reads: '{text}'.",
    "row": " / ",
    "no_objects": "No recognisable objects.",
}


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


def _thing(index: int, objects: Sequence[DetectedObject]) -> str:
    """"the bus", or "the bus on the left" when more than one object of its kind is named."""
    obj = _object(objects, index)
    noun = obj.generic or obj.label
    same = [o for o in objects if o.label == obj.label and o.certainty != "dropped"]
    if len(same) > 1 and obj.position:
        return f"the {noun} {position_phrase(obj.position)}"
    return f"the {noun}"


def _quote(texts: Sequence[str]) -> str:
    return PHRASES["list"].join(PHRASES["quote"].format(text=t) for t in texts)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def text_sentences(text: Sequence[ReadText], objects: Sequence[DetectedObject]) -> list[str]:
    """One sentence per holder of quoted text, standalone text last (reading order within each)."""
    holders: dict[int | None, list[str]] = {}
    for piece in text:
        if piece.status == "quoted":
            holders.setdefault(piece.on, []).append(piece.text)
    sentences = [
        PHRASES["on"].format(thing=_thing(on, objects), text=_quote(quotes))
        for on, quotes in holders.items()
        if on is not None
    ]
    if None in holders:
        sentences.append(PHRASES["alone"].format(text=_quote(holders[None])))
    return sentences


def _other_sentences(text: Sequence[ReadText], objects: Sequence[DetectedObject]) -> list[str]:
    """Unclear text and number plates, for the long description (one sentence per holder)."""
    out: list[str] = []
    seen: set[tuple[str, int | None]] = set()
    for piece in text:
        key = (piece.status, piece.on)
        if key in seen:
            continue
        seen.add(key)
        if piece.status == "plate" and piece.on is not None:
            out.append(_capital(PHRASES["plate"].format(thing=_thing(piece.on, objects))))
        elif piece.status == "unclear":
            if piece.on is None:
                out.append(PHRASES["unclear_alone"])
            else:
                out.append(_capital(PHRASES["unclear_on"].format(thing=_thing(piece.on, objects))))
    return out


def mostly_text(text: Sequence[ReadText], image_size: tuple[int, int]) -> bool:
    """Whether the photo is mostly text (see the module docstring)."""
    width, height = image_size
    area = sum(max(0.0, t.box[2] - t.box[0]) * max(0.0, t.box[3] - t.box[1]) for t in text)
    words = sum(len(t.text.split()) for t in text if t.status == "quoted")
    return area / float(width * height) >= MOSTLY_TEXT_SHARE and words >= MOSTLY_TEXT_WORDS


def fit_with_ellipsis(text: str, limit: int = ALT_LIMIT) -> str:
    """``text`` cut at a word boundary to fit ``limit`` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS) + 1].rsplit(" ", 1)[0].rstrip(" ,;:/")
    if not cut or len(cut) > limit - len(ELLIPSIS):
        cut = text[: limit - len(ELLIPSIS)]
    return cut + ELLIPSIS


def add_text(
    alt: str,
    long: str,
    mentions: Sequence[Mention],
    text: Sequence[ReadText],
    objects: Sequence[DetectedObject],
    image_size: tuple[int, int],
    *,
    no_objects: bool,
) -> tuple[str, str, tuple[Mention, ...]]:
    """The alt text, long description and mentions with the planned ``text`` said.

    Scene text is added after what the objects' sentences say (so their mentions keep their
    places), in the alt text as far as the 125 characters allow; the long description has it
    all. A mostly-text image's alt text is its text; its long description starts with the text.
    With ``no_objects`` the "no recognisable objects" wording is replaced by what was read."""
    if not text:
        return alt, long, tuple(mentions)
    quoted_sentences = text_sentences(text, objects)
    other = _other_sentences(text, objects)
    if mostly_text(text, image_size):
        rows = [t.text for t in text if t.status == "quoted"]
        full = PHRASES["mostly"].format(text=PHRASES["row"].join(rows))
        prefix = full + " "
        object_long = PHRASES["no_objects"] if no_objects else long
        shifted = tuple(
            replace(m, start=m.start + len(prefix), end=m.end + len(prefix))
            for m in mentions
            if m.field == "long_description" and not no_objects
        )
        new_long = " ".join([full, object_long, *other])
        return fit_with_ellipsis(" ".join(rows)), new_long, shifted
    if no_objects:
        if not quoted_sentences:
            return alt, long, tuple(mentions)
        said = " ".join(quoted_sentences)
        new_alt = fit_with_ellipsis(said)
        return new_alt, " ".join([*quoted_sentences, *other, PHRASES["no_objects"]]), ()
    new_alt = alt
    for sentence in quoted_sentences:
        if len(new_alt) + 1 + len(sentence) <= ALT_LIMIT:
            new_alt = f"{new_alt} {sentence}"
    new_long = " ".join([long, *quoted_sentences, *other])
    return new_alt, new_long, tuple(mentions)
