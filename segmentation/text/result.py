"""The typed result of a text reader: the lines of text read in one photo.

Plain numpy-free dataclasses (tuples of floats), no torch and no Django, so ``captioning`` and the
web process can read them. Designed to ride on :class:`segmentation.result.Instances` later as an
optional field (``Instances.text``), serialised inside its ``to_dict`` under ``"text"``.

Coordinates
-----------
Same frame as ``Instances``: pixels of the photo *as the user sees it* (after EXIF rotation), in
the original upload's resolution; x grows to the right, y downwards.

* ``polygon``: 4 ``(x, y)`` corners of the (possibly rotated) rectangle around the line, clockwise
  from the top-left corner of the text as read: top-left, top-right, bottom-right, bottom-left.
* ``box``: the axis-aligned ``(x0, y0, x1, y1)`` hull of the polygon, clipped to the frame.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Point", "TextLine", "TextLines", "reading_order"]

#: ``(x, y)`` in original-image pixels.
Point = tuple[float, float]


@dataclass(frozen=True)
class TextLine:
    """One line of text read in the photo.

    Attributes:
        text: the string exactly as read (no spelling correction), single-spaced, stripped.
        confidence: the reader's confidence in ``[0, 1]`` (PP-OCR: mean per-character probability).
        polygon: 4 corners, clockwise from the text's top-left, in original pixels.
    """

    text: str
    confidence: float
    polygon: tuple[Point, Point, Point, Point]

    def __post_init__(self) -> None:
        points = tuple((float(x), float(y)) for x, y in self.polygon)
        if len(points) != 4:
            raise ValueError(f"a text line's polygon has 4 corners, got {len(points)}")
        object.__setattr__(self, "polygon", points)
        object.__setattr__(self, "text", " ".join(str(self.text).split()))
        object.__setattr__(self, "confidence", float(self.confidence))

    @property
    def box(self) -> tuple[float, float, float, float]:
        """Axis-aligned ``(x0, y0, x1, y1)`` around the polygon."""
        xs = [p[0] for p in self.polygon]
        ys = [p[1] for p in self.polygon]
        return min(xs), min(ys), max(xs), max(ys)

    @property
    def height(self) -> float:
        """Height of the text (the polygon's short side for a horizontal line), in pixels."""
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = self.polygon
        return ((x3 - x0) ** 2 + (y3 - y0) ** 2) ** 0.5 / 2 + ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5 / 2

    @property
    def width(self) -> float:
        """Length of the line along its baseline, in pixels."""
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = self.polygon
        return ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5 / 2 + ((x2 - x3) ** 2 + (y2 - y3) ** 2) ** 0.5 / 2

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "confidence": round(self.confidence, 4),
            "polygon": [[round(x, 1), round(y, 1)] for x, y in self.polygon],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TextLine:
        return cls(text=data["text"], confidence=data["confidence"], polygon=tuple(map(tuple, data["polygon"])))


def _rows(lines: Sequence[TextLine]) -> list[list[TextLine]]:
    """``lines`` grouped into rows, top to bottom, each row left to right.

    A line joins the row above when its box overlaps a line of that row vertically by at least
    half the smaller height: the words of one tilted sign ("Platform" and a raised "9") stay in
    one row, while a smaller caption under a title starts its own.
    """
    rows: list[list[TextLine]] = []
    for line in sorted(lines, key=lambda item: (item.box[1] + item.box[3]) / 2):
        _, y0, _, y1 = line.box
        if rows and any(
            min(y1, other.box[3]) - max(y0, other.box[1]) >= 0.5 * min(y1 - y0, other.box[3] - other.box[1])
            for other in rows[-1]
        ):
            rows[-1].append(line)
            continue
        rows.append([line])
    return [sorted(row, key=lambda item: item.box[0]) for row in rows]


def reading_order(lines: Sequence[TextLine]) -> list[TextLine]:
    """``lines`` top to bottom, and left to right within a row (see :meth:`TextLines.rows`)."""
    return [line for row in _rows(lines) for line in row]


@dataclass(frozen=True)
class TextLines:
    """All lines a reader found in one photo, in reading order.

    Attributes:
        image_size: ``(width, height)`` of the upright photo in pixels (as ``Instances``).
        lines: the lines, top to bottom and left to right (:func:`reading_order`).
        reader: registry name of the reader (``"ppocr"``).
        confident_at: the reader's confidence at and above which a line counts as *confidently
            read* (its own scale: each reader's module defines it); carried here so consumers
            never need to know which reader ran.
    """

    image_size: tuple[int, int]
    lines: tuple[TextLine, ...] = field(default_factory=tuple)
    reader: str = ""
    confident_at: float = 1.0

    def __post_init__(self) -> None:
        width, height = self.image_size
        if width <= 0 or height <= 0:
            raise ValueError(f"image_size must be positive, got {self.image_size}")
        object.__setattr__(self, "image_size", (int(width), int(height)))
        object.__setattr__(self, "lines", tuple(reading_order(self.lines)))

    def __len__(self) -> int:
        return len(self.lines)

    def __iter__(self) -> Iterator[TextLine]:
        return iter(self.lines)

    def confident(self) -> tuple[TextLine, ...]:
        """Lines read with confidence ``>= confident_at`` (the only ones to quote), in reading order."""
        return tuple(line for line in self.lines if line.confidence >= self.confident_at)

    def uncertain(self) -> tuple[TextLine, ...]:
        """Lines seen but not confidently read (to describe as text that could not be read clearly)."""
        return tuple(line for line in self.lines if line.confidence < self.confident_at)

    def rows(self, *, confident_only: bool = True) -> tuple[tuple[TextLine, ...], ...]:
        """Lines grouped by row, top to bottom, each row left to right. The detector often cuts
        one sign's words into separate lines ("Main", "Street"); a row puts them back together."""
        lines = self.confident() if confident_only else self.lines
        return tuple(tuple(row) for row in _rows(lines))

    @property
    def text(self) -> str:
        """The confidently read text: each row's lines joined by spaces, rows by newlines."""
        return "\n".join(" ".join(line.text for line in row) for row in self.rows())

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (coordinates to 0.1 px, confidences to 4 decimals)."""
        return {
            "image_size": list(self.image_size),
            "reader": self.reader,
            "confident_at": self.confident_at,
            "lines": [line.to_dict() for line in self.lines],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TextLines:
        return cls(
            image_size=tuple(data["image_size"]),
            lines=tuple(TextLine.from_dict(item) for item in data.get("lines", ())),
            reader=data.get("reader", ""),
            confident_at=float(data.get("confident_at", 1.0)),
        )

    @classmethod
    def empty(cls, image_size: tuple[int, int], *, reader: str = "", confident_at: float = 1.0) -> TextLines:
        return cls(image_size=image_size, lines=(), reader=reader, confident_at=confident_at)
