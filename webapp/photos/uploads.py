"""Checking and normalising uploaded images.

An upload is judged by its content, never its name or Content-Type: Pillow must recognise it
as one of the allowed formats, its header must promise no more than ``UPLOAD_MAX_PIXELS`` pixels
(checked before any pixel is decoded, so a decompression bomb costs nothing), and it must
decode completely. What we keep is a fresh JPEG of the upright pixels with no metadata, so a
polyglot file's extra payload and the camera's GPS position never reach storage.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

try:  # HEIC/HEIF from phones; pillow-heif registers itself as a Pillow plugin.
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF_FORMATS = ["HEIF"]
except ImportError:  # pragma: no cover - pillow-heif is in requirements.txt
    HEIF_FORMATS = []

# Never accept half an image: a truncated file is an error, not grey pixels.
ImageFile.LOAD_TRUNCATED_IMAGES = False

Image.init()  # register every plugin now, so the allowlist below only names loaded ones
ALLOWED_FORMATS = [f for f in ("JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP", "TIFF", *HEIF_FORMATS) if f in Image.OPEN]
ALLOWED_DESCRIPTION = "JPEG, PNG, WebP, GIF, HEIC, TIFF or BMP"
# Errors Pillow raises on damaged input (the same list Pillow's own fuzzers accept).
DECODE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    MemoryError,
    NotImplementedError,
    OverflowError,
    EOFError,
    struct.error,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)

THUMBNAIL_SIZE = (480, 480)
JPEG_QUALITY = 90


class UploadRejected(ValueError):
    """The file is not a photo we accept; ``str(exc)`` is a message for the person."""


@dataclass(frozen=True)
class NormalisedImage:
    jpeg: bytes
    thumbnail: bytes
    width: int
    height: int
    source_format: str


def _human_size(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def normalise_upload(fileobj: IO[bytes], *, size: int, max_bytes: int, max_pixels: int) -> NormalisedImage:
    """Validate one uploaded file and return it re-encoded.

    Raises:
        UploadRejected: with a message that says what is wrong and what would be accepted.
    """
    if size == 0:
        raise UploadRejected("The file is empty (0 bytes).")
    if size > max_bytes:
        raise UploadRejected(f"The file is {_human_size(size)}; the limit is {_human_size(max_bytes)}.")
    fileobj.seek(0)
    with warnings.catch_warnings():
        # Pillow only *warns* between MAX_IMAGE_PIXELS and twice that: make every bomb an error.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(fileobj, formats=ALLOWED_FORMATS)
        except UnidentifiedImageError:
            raise UploadRejected(f"This is not an image we can read. Upload a {ALLOWED_DESCRIPTION} file.") from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise UploadRejected("The image has too many pixels to be a photo.") from None
        except DECODE_ERRORS:
            raise UploadRejected("The image file is damaged and cannot be read.") from None
        with image:
            width, height = image.size
            if width * height > max_pixels:
                raise UploadRejected(
                    f"The image is {width}×{height} pixels ({width * height / 1e6:.0f} megapixels); "
                    f"the limit is {max_pixels / 1e6:.0f} megapixels."
                )
            source_format = image.format or "unknown"
            try:
                image.seek(0)  # animated GIF/WebP: the first frame stands for the photo
                image.load()
                upright = ImageOps.exif_transpose(image)
                rgb = _to_rgb(upright)
            except DECODE_ERRORS:
                raise UploadRejected("The image file is damaged or incomplete and cannot be read.") from None
    return NormalisedImage(
        jpeg=_encode_jpeg(rgb),
        thumbnail=_encode_jpeg(_thumbnail(rgb)),
        width=rgb.width,
        height=rgb.height,
        source_format=source_format,
    )


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode in {"I;16", "I;16B", "I;16L", "I"}:
        # 16-bit greyscale: scale to 8 bits instead of clipping everything to white.
        return image.point(lambda v: v / 256).convert("L").convert("RGB")
    return image.convert("RGB")


def _thumbnail(image: Image.Image) -> Image.Image:
    thumb = image.copy()
    thumb.thumbnail(THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
    return thumb


def _encode_jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()
