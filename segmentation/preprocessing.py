"""Turning uploads into upright RGB images and shrinking them to a model's working size.

Resizing happens here, with Pillow's antialiased filters, *before* the image becomes a tensor:
a 12 MP phone photo is never pushed through a model's transform at full size, and results map
back to the original pixels through :attr:`WorkingImage.scale`.
"""

from __future__ import annotations

import io
import math
import os
from dataclasses import dataclass
from typing import IO, Union

import numpy as np
from PIL import Image, ImageOps

__all__ = ["ImageSource", "WorkingImage", "fit_size", "load_image", "resize_to_working", "to_rgb"]

#: What :func:`load_image` accepts: a path, raw bytes, a binary file object or a PIL image.
ImageSource = Union[str, "os.PathLike[str]", bytes, IO[bytes], Image.Image]

_BACKGROUND = (255, 255, 255)


def to_rgb(image: Image.Image) -> Image.Image:
    """``image`` as 8-bit RGB; transparent areas are composited onto white (a transparent PNG's
    hidden pixels are often black or garbage, which a model would otherwise see)."""
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info
    )
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


def fit_size(
    size: tuple[int, int], *, min_size: int, max_size: int, max_upscale: float = 1.0
) -> tuple[int, int]:
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


def resize_to_working(
    image: Image.Image, *, min_size: int, max_size: int, max_upscale: float = 1.0
) -> WorkingImage:
    """Resize ``image`` (RGB) to :func:`fit_size` with an antialiasing bilinear filter.

    The image is returned unchanged (not copied) when it already has the working size.
    """
    target = fit_size(image.size, min_size=min_size, max_size=max_size, max_upscale=max_upscale)
    resized = image if target == image.size else image.resize(target, Image.Resampling.BILINEAR, reducing_gap=3.0)
    return WorkingImage(image=resized, original_size=image.size)
