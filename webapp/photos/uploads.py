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
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from webapp.photos import multipart

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
ALLOWED_DESCRIPTION = gettext_lazy("JPEG, PNG, WebP, GIF, HEIC, TIFF or BMP")
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
# What is stored is a JPEG, and a JPEG side cannot exceed 65,500 pixels (libjpeg's JPEG_MAX_DIMENSION).
MAX_SIDE = 65_500


class UploadRejected(ValueError):
    """The file is not a photo we accept; ``str(exc)`` is a message for the person, in the
    request's language: it is raised while a request is handled, so ``gettext`` (not lazy) picks
    the language that request activated (English for the API unless it asks for another)."""


@dataclass(frozen=True)
class NormalisedImage:
    jpeg: bytes
    thumbnail: bytes
    width: int
    height: int
    source_format: str


def _human_size(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def normalise_upload(
    fileobj: IO[bytes], *, size: int, max_bytes: int | None = None, max_pixels: int | None = None
) -> NormalisedImage:
    """Validate one uploaded file of ``size`` bytes and return it re-encoded. The limits are
    ``UPLOAD_MAX_BYTES`` and ``UPLOAD_MAX_PIXELS`` unless given.

    Raises:
        UploadRejected: with a message that says what is wrong and what would be accepted.
    """
    max_bytes = settings.UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    max_pixels = settings.UPLOAD_MAX_PIXELS if max_pixels is None else max_pixels
    if size == 0:
        raise UploadRejected(_("The file is empty (0 bytes)."))
    if size > max_bytes:
        raise UploadRejected(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": _human_size(size), "limit": _human_size(max_bytes)}
        )
    fileobj.seek(0)
    with warnings.catch_warnings():
        # Pillow only *warns* between MAX_IMAGE_PIXELS and twice that: make every bomb an error.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(fileobj, formats=ALLOWED_FORMATS)
        except UnidentifiedImageError:
            raise UploadRejected(
                _("This is not an image we can read. Upload a %(formats)s file.") % {"formats": ALLOWED_DESCRIPTION}
            ) from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise UploadRejected(_("The image has too many pixels to be a photo.")) from None
        except DECODE_ERRORS:
            raise UploadRejected(_("The image file is damaged and cannot be read.")) from None
        with image:
            width, height = image.size
            if max(width, height) > MAX_SIDE:
                raise UploadRejected(
                    _("The image is %(width)s×%(height)s pixels; each side may be at most %(max)s pixels.")
                    % {"width": width, "height": height, "max": number_format(MAX_SIDE, force_grouping=True)}
                )
            if width * height > max_pixels:
                raise UploadRejected(
                    _(
                        "The image is %(width)s×%(height)s pixels (%(megapixels)s megapixels); "
                        "the limit is %(limit)s megapixels."
                    )
                    % {
                        "width": width,
                        "height": height,
                        "megapixels": f"{width * height / 1e6:.0f}",
                        "limit": f"{max_pixels / 1e6:.0f}",
                    }
                )
            source_format = image.format or "unknown"
            # Memory: one full-size pixel buffer at a time (a 7000 x 7000 photo is 147 MB of RGB).
            # The upright turn and the conversion replace the decoded pixels instead of copying
            # them, and the thumbnail is made by reducing, never from a full-size copy.
            try:
                image.seek(0)  # animated GIF/WebP: the first frame stands for the photo
                image.load()
                ImageOps.exif_transpose(image, in_place=True)
                rgb = _to_rgb(image)
            except DECODE_ERRORS:
                raise UploadRejected(_("The image file is damaged or incomplete and cannot be read.")) from None
            try:
                jpeg, thumbnail = _encode_jpeg(rgb), _encode_jpeg(_thumbnail(rgb))
            except DECODE_ERRORS:
                raise UploadRejected(
                    _("The image could not be converted to a JPEG; save it as a JPEG and try again.")
                ) from None
            width, height = rgb.size
            del rgb
    return NormalisedImage(jpeg=jpeg, thumbnail=thumbnail, width=width, height=height, source_format=source_format)


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode in {"I;16", "I;16B", "I;16L", "I"}:
        # 16-bit greyscale: scale to 8 bits instead of clipping everything to white.
        return image.point(lambda v: v / 256).convert("L").convert("RGB")
    if image.mode == "RGB":
        return image  # already what is stored: no copy
    return image.convert("RGB")


def _thumbnail(image: Image.Image) -> Image.Image:
    """At most ``THUMBNAIL_SIZE``, aspect kept (as ``Image.thumbnail``), without copying ``image``:
    ``reducing_gap`` shrinks by whole factors first (cheap box filter), then resamples."""
    scale = min(THUMBNAIL_SIZE[0] / image.width, THUMBNAIL_SIZE[1] / image.height, 1.0)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _encode_jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    # No optimize=True: its two-pass Huffman coding holds every coefficient of the image in memory
    # (+125 MB for a 49-megapixel photo, bench/upload_memory.py) to save about 6% of the file.
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


class UploadLimitsMiddleware:
    """Refuse bodies that are too big, carry too many files or are not valid multipart with a
    clear 4xx (JSON under ``/api/``) before a view or the CSRF check reads them.

    The size is judged from ``Content-Length`` before a byte is read; a multipart body is parsed
    here (files beyond ``FILE_UPLOAD_MAX_MEMORY_SIZE`` spill to disk), so its errors get a message
    that says what to do instead of Django's generic "bad request".
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in {"POST", "PUT", "PATCH"}:
            refused = self.check(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def check(self, request: HttpRequest) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _refuse(request, 400, "The request's Content-Length is not a number.")
        limit = settings.UPLOAD_MAX_REQUEST_BYTES
        if length > limit:
            return _refuse(
                request,
                413,
                f"The upload is {_human_size(length)}; one request may carry at most {_human_size(limit)} "
                f"({settings.UPLOAD_MAX_FILES} files of up to {_human_size(settings.UPLOAD_MAX_BYTES)}).",
            )
        if request.content_type != "multipart/form-data":
            return None
        problems = multipart.install(request)  # a bad file name costs that file only
        try:
            request.POST  # noqa: B018 - parse now, so errors are answered here
        except TooManyFilesSent:
            return _refuse(request, 400, f"Too many files in one upload; send at most {settings.UPLOAD_MAX_FILES}.")
        except (RequestDataTooBig, TooManyFieldsSent):
            return _refuse(request, 413, "The form has too many or too large fields besides the files.")
        except MultiPartParserError:
            return _refuse(request, 400, "The upload is not valid multipart/form-data; send the files again.")
        multipart.mark_files(request, problems)
        return None


def _refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"error": message}, status=status)
    title = "Upload too large" if status == 413 else "Upload not accepted"
    return render(request, "error.html", {"title": title, "text": message}, status=status)
