"""Photos made by the tests: known strings drawn onto real COCO photos with Pillow.

A :class:`Case` says what to draw (string, text height in pixels, angle, contrast, background);
:func:`draw_case` returns the photo and the drawn string's polygon, so tests can check both the
transcription and where it was found.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_FILE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")  # Debian fonts-dejavu-core


@cache
def font_for_height(height: int, text: str) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A font whose rendering of ``text`` is ``height`` pixels high (ink, ascender to descender);
    DejaVu Sans Bold when installed, else Pillow's built-in scalable font."""
    size = height
    for _ in range(30):
        font = ImageFont.truetype(str(FONT_FILE), size) if FONT_FILE.is_file() else ImageFont.load_default(size=size)
        _, top, _, bottom = font.getbbox(text)
        ink = bottom - top
        if ink == height:
            return font
        size = max(1, size + (1 if ink < height else -1))
    return font


@dataclass(frozen=True)
class Case:
    """One drawn string.

    Attributes:
        text: what is drawn.
        height: ink height of the string in pixels (caps and descenders included).
        angle: anticlockwise rotation in degrees.
        contrast: ``"high"`` (dark on light or light on dark, a difference of ~200 grey levels),
            ``"low"`` (a difference of ~60 levels).
        background: ``"plate"`` (a flat sign-like patch behind the text) or ``"busy"`` (straight
            onto the photo, no patch).
        photo: file name in ``../shared/photos``.
        where: ``(x, y)`` of the text's centre as fractions of the frame.
    """

    text: str
    height: int
    angle: float = 0.0
    contrast: str = "high"
    background: str = "plate"
    photo: str = "000000054718.jpg"
    where: tuple[float, float] = (0.5, 0.5)

    @property
    def id(self) -> str:
        return f"{self.text}-{self.height}px-{self.angle:g}deg-{self.contrast}-{self.background}"


def draw_case(photo: Image.Image, case: Case) -> tuple[Image.Image, np.ndarray]:
    """``photo`` with ``case`` drawn on it, and the text's 4 corners ``(4, 2)`` in its pixels."""
    font = font_for_height(case.height, case.text)
    left, top, right, bottom = font.getbbox(case.text)
    pad = max(4, case.height // 2)
    w, h = right - left + 2 * pad, bottom - top + 2 * pad
    cx, cy = case.where[0] * photo.width, case.where[1] * photo.height
    region = photo.crop((int(cx - w / 2), int(cy - h / 2), int(cx + w / 2), int(cy + h / 2)))
    local = float(np.asarray(region.convert("L"), dtype=np.float32).mean())
    if case.background == "plate":
        # A sign: light plate with dark letters (or the reverse on dark photos).
        plate_level = 235 if local >= 100 else 30
        delta = 200 if case.contrast == "high" else 60
        ink_level = plate_level - delta if plate_level > 128 else plate_level + delta
        plate: tuple[int, ...] | None = (plate_level, plate_level, plate_level - 10, 255)
    else:
        # Straight on the photo: the ink level is set against the local mean of the background.
        delta = 200 if case.contrast == "high" else 60
        ink_level = int(local - delta) if local >= 128 else int(local + delta)
        plate = None
    ink_level = int(np.clip(ink_level, 0, 255))
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0) if plate is None else plate)
    ImageDraw.Draw(layer).text((pad - left, pad - top), case.text, font=font, fill=(ink_level,) * 3 + (255,))
    rotated = layer.rotate(case.angle, resample=Image.Resampling.BICUBIC, expand=True)
    out = photo.copy()
    x0, y0 = int(round(cx - rotated.width / 2)), int(round(cy - rotated.height / 2))
    out.paste(rotated, (x0, y0), rotated)
    # The text's own corners (without the padding), rotated about the layer's centre.
    tw, th = right - left, bottom - top
    corners = np.array([[-tw / 2, -th / 2], [tw / 2, -th / 2], [tw / 2, th / 2], [-tw / 2, th / 2]])
    a = np.deg2rad(case.angle)
    rot = np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]])  # anticlockwise on screen (y down)
    centre = np.array([x0 + rotated.width / 2, y0 + rotated.height / 2])
    return out, corners @ rot.T + centre
