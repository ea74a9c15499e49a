"""Turning uploads into upright RGB images and shrinking them to a model's working size.

Resizing happens here, with Pillow's antialiased filters, *before* the image becomes a tensor:
a 12 MP phone photo is never pushed through a model's transform at full size, and results map
back to the original pixels through :attr:`WorkingImage.scale`.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Union

import numpy as np
from PIL import Image, ImageOps

__all__ = [
    "ImageSource",
    "WorkingImage",
    "fit_size",
    "load_image",
    "open_working",
    "resize_to_working",
    "to_rgb",
    "upright_size",
]

#: What :func:`load_image` accepts: a path, raw bytes, a binary file object or a PIL image.
ImageSource = Union[str, "os.PathLike[str]", bytes, IO[bytes], Image.Image]

_BACKGROUND = (255, 255, 255)


def to_rgb(image: Image.Image) -> Image.Image:
    """``image`` as 8-bit RGB; transparent areas are composited onto white (a transparent PNG's
    hidden pixels are often black or garbage, which a model would otherwise see)."""
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (image.mode == "P" and "transparency" in image.info)
    if has_alpha:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (*_BACKGROUND, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    if image.mode.startswith("I") or image.mode == "F":
        # 16/32-bit or float greyscale: Pillow's convert would clip, so rescale to 8 bits.
        values = np.asarray(image, dtype=np.float64)
        if image.mode != "F" and values.size and values.max() > 255:
            values = values / 257.0
        grey = Image.fromarray(np.clip(values + 0.5, 0, 255).astype(np.uint8))
        return grey.convert("RGB")
    if image.mode != "RGB":
        return image.convert("RGB")
    return image


def load_image(src: ImageSource) -> Image.Image:
    """Open an upload as the upright RGB image the user sees.

    Applies the EXIF orientation (``ImageOps.exif_transpose``), composites transparency onto
    white and converts to RGB. The pixels are fully decoded, so a file object may be closed
    afterwards. For animated images the first frame is used.

    Args:
        src: a path, ``bytes``, a binary file object, or an already opened ``PIL.Image.Image``
            (which is also EXIF-transposed).

    Raises:
        PIL.UnidentifiedImageError / OSError: not a readable image.
    """
    if isinstance(src, Image.Image):
        image = src
    else:
        if isinstance(src, (bytes, bytearray, memoryview)):
            src = io.BytesIO(bytes(src))
        image = Image.open(src)
    image.load()
    upright = ImageOps.exif_transpose(image)
    return to_rgb(upright if upright is not None else image)


def fit_size(size: tuple[int, int], *, min_size: int, max_size: int, max_upscale: float = 1.0) -> tuple[int, int]:
    """Working ``(w, h)`` for an image of ``size = (W, H)``.

    The scale is ``min(min_size / short_side, max_size / long_side, max_upscale)``, i.e.
    torchvision's detection rule (short side to ``min_size`` unless the long side would exceed
    ``max_size``), except that small photos are upscaled by at most ``max_upscale``. The default
    ``1.0`` never upscales: enlarging adds no detail and costs time, and the FPN models handle
    objects of the sizes a small photo contains. Each side is rounded and at least 1 pixel.
    """
    width, height = size
    if width <= 0 or height <= 0:
        raise ValueError(f"image size must be positive, got {size}")
    if min_size <= 0 or max_size <= 0 or max_upscale <= 0:
        raise ValueError("min_size, max_size and max_upscale must be positive")
    scale = min(min_size / min(width, height), max_size / max(width, height), max_upscale)
    if scale >= 1.0 and max_upscale <= 1.0:
        return width, height
    # Rounding cannot push the long side past max_size: long * scale <= max_size (an integer).
    return max(1, int(math.floor(width * scale + 0.5))), max(1, int(math.floor(height * scale + 0.5)))


@dataclass(frozen=True)
class WorkingImage:
    """An image at a model's working size, with the way back to the original.

    Attributes:
        image: RGB ``PIL.Image`` of size ``(w, h)`` (the working size).
        original_size: ``(W, H)`` of the upright original.
    """

    image: Image.Image
    original_size: tuple[int, int]

    @property
    def size(self) -> tuple[int, int]:
        """Working ``(w, h)``."""
        return self.image.size

    @property
    def scale(self) -> tuple[float, float]:
        """``(W / w, H / h)``: multiply working-pixel x / y coordinates by these to get original
        pixels (per axis, so rounding of the working size costs no accuracy)."""
        (width, height), (w, h) = self.original_size, self.image.size
        return width / w, height / h


def resize_to_working(image: Image.Image, *, min_size: int, max_size: int, max_upscale: float = 1.0) -> WorkingImage:
    """Resize ``image`` (RGB) to :func:`fit_size` with an antialiasing bilinear filter.

    The image is returned unchanged (not copied) when it already has the working size.
    """
    target = fit_size(image.size, min_size=min_size, max_size=max_size, max_upscale=max_upscale)
    resized = image if target == image.size else image.resize(target, Image.Resampling.BILINEAR, reducing_gap=3.0)
    return WorkingImage(image=resized, original_size=image.size)


#: EXIF orientations (tag 0x0112) that swap width and height.
_TRANSPOSED = {5, 6, 7, 8}


def upright_size(image: Image.Image) -> tuple[int, int]:
    """``(W, H)`` of ``image`` once its EXIF orientation is applied, read from the header (no
    pixel is decoded)."""
    orientation = image.getexif().get(0x0112, 1)
    width, height = image.size
    return (height, width) if orientation in _TRANSPOSED else (width, height)


def open_working(
    src: ImageSource, working_size: Callable[[tuple[int, int]], tuple[int, int]], *, draft: bool = True
) -> WorkingImage:
    """Open an upload straight at a model's working size, decoding as few pixels as possible.

    Same pixels as ``resize_to_working(load_image(src), ...)`` up to the decoder's own
    downscaling: for a JPEG whose working size is at most half its size, Pillow's ``draft``
    decodes at 1/2, 1/4 or 1/8 scale in the DCT domain (never below the working size), so a
    12 MP phone photo costs a fraction of a full decode; the rest of the way is the same
    antialiased bilinear resize. Other formats are decoded in full.

    Args:
        src: a path, ``bytes``, a binary file object, or a PIL image (no draft for those).
        working_size: maps the upright ``(W, H)`` to the working ``(w, h)`` (e.g.
            ``functools.partial(fit_size, min_size=800, max_size=1333)``).
        draft: ``False`` decodes in full (the reference the fast path is tested against).

    Returns:
        the RGB image at ``(w, h)``, with ``original_size`` the upright ``(W, H)``.

    Raises:
        PIL.UnidentifiedImageError / OSError: not a readable image.
    """
    if isinstance(src, Image.Image):
        image = load_image(src)
        target = working_size(image.size)
        return resize_to_working_size(image, target)
    if isinstance(src, (bytes, bytearray, memoryview)):
        src = io.BytesIO(bytes(src))
    with Image.open(src) as opened:
        original = upright_size(opened)
        target = working_size(original)
        box: tuple[float, float, float, float] | None = None
        if draft and opened.format == "JPEG":
            rotated = original != opened.size
            stored = (target[1], target[0]) if rotated else target
            if stored[0] * 2 <= opened.size[0] and stored[1] * 2 <= opened.size[1]:
                drafted = opened.draft(None, stored)
                if drafted is not None and opened.getexif().get(0x0112, 1) == 1:
                    # The decoded frame is rounded up to whole pixels: resize exactly the photo.
                    box = tuple(float(v) for v in drafted[1])
        image = load_image(opened)
    if image.size == target and box is None:
        return WorkingImage(image=image, original_size=original)
    resized = image.resize(target, Image.Resampling.BILINEAR, box=box, reducing_gap=None if box else 3.0)
    return WorkingImage(image=resized, original_size=original)


def resize_to_working_size(image: Image.Image, target: tuple[int, int]) -> WorkingImage:
    """``image`` (upright RGB) resized to ``target = (w, h)`` (antialiased bilinear)."""
    resized = image if target == image.size else image.resize(target, Image.Resampling.BILINEAR, reducing_gap=3.0)
    return WorkingImage(image=resized, original_size=image.size)
