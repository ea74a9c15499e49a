"""A generated corpus of hostile and odd uploads, each with the outcome the app must give.

Every kind is made here from code (plus the real COCO bus photo), so the corpus needs no files
and documents itself: ``expect`` is either ``"accept"`` (stored re-encoded, then processed to
*done*) or the start of the message the person gets with a 4xx for that file.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image

from tests.conftest import BUS_PHOTO

ACCEPT = "accept"
NOT_AN_IMAGE = "This is not an image we can read"
TOO_MANY_PIXELS = "The image has too many pixels"
OVER_MEGAPIXELS = "the limit is 50 megapixels"
DAMAGED = "The image file is damaged"
EMPTY = "The file is empty"
SIDE_TOO_LONG = "each side may be at most 65,500 pixels"

# Image.Transpose that exif_transpose applies for each orientation, and its inverse (to make the
# stored pixels of a photo that *displays* upright with that tag).
ORIENTATION_INVERSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,  # exif_transpose applies ROTATE_270
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,  # exif_transpose applies ROTATE_90
}


@dataclass(frozen=True)
class Kind:
    name: str
    filename: str
    make: Callable[[], bytes]
    expect: str
    content_type: str = "image/jpeg"
    # For accepted files: bytes that must never reach storage (polyglot payloads).
    forbidden: tuple[bytes, ...] = ()
    orientation: int | None = None


def save(image: Image.Image, fmt: str, **kw: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **kw)
    return buffer.getvalue()


def bus() -> Image.Image:
    with Image.open(BUS_PHOTO) as image:
        return image.convert("RGB")


def noise(size: tuple[int, int] = (160, 120), mode: str = "RGB") -> Image.Image:
    return Image.effect_noise(size, 64).convert(mode) if mode != "L" else Image.effect_noise(size, 64)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header promises width×height RGB pixels, with a few bytes of data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def gif_header_only(width: int, height: int) -> bytes:
    screen = struct.pack("<HHBBB", width, height, 0, 0, 0)
    descriptor = b"," + struct.pack("<HHHHB", 0, 0, width, height, 0)
    return b"GIF89a" + screen + descriptor + b"\x02\x02\x4c\x01\x00;"


def bmp_header_only(width: int, height: int) -> bytes:
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, 0, 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + 40 + 16, 0, 0, 14 + 40) + info + b"\x00" * 16


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def oriented_bus(orientation: int) -> bytes:
    """The bus photo stored so that it *displays* upright only when EXIF orientation is applied."""
    upright = bus()
    stored = upright.transpose(ORIENTATION_INVERSE[orientation]) if orientation != 1 else upright
    exif = Image.Exif()
    exif[0x0112] = orientation
    return save(stored, "JPEG", quality=92, exif=exif.tobytes())


def animated(fmt: str) -> bytes:
    frames = [Image.new("RGB", (96, 64), colour) for colour in ((200, 0, 0), (0, 200, 0), (0, 0, 200))]
    return save(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)


def huge_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010E] = "A" * 60_000  # ImageDescription: most of the 64 KB an APP1 segment can hold
    exif[0x0112] = 1
    return save(noise(), "JPEG", exif=exif.tobytes())


def heic_from_phone() -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    exif = Image.Exif()
    exif[0x0112] = 6  # phones store HEIC sideways and say so in EXIF
    return save(bus().transpose(ORIENTATION_INVERSE[6]), "HEIF", quality=80, exif=exif.tobytes())


def sixteen_bit_grey() -> bytes:
    ramp = Image.linear_gradient("L").resize((128, 96)).point(lambda v: v * 257, mode="I")
    return save(ramp.convert("I;16"), "PNG")


def palette_with_transparency() -> bytes:
    image = noise().convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    return save(image, "PNG", transparency=0)


def rgba_alpha() -> bytes:
    image = noise().convert("RGBA")
    image.putalpha(Image.linear_gradient("L").resize(image.size))
    return save(image, "PNG")


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.html", "<script>alert(document.cookie)</script>")
    return buffer.getvalue()


HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)


KINDS: list[Kind] = [
    # Decompression bombs and absurd dimensions (judged from the header: nothing is decoded).
    Kind("png-bomb-100000x100000", "bomb.png", lambda: png_header_only(100_000, 100_000), TOO_MANY_PIXELS),
    Kind("gif-bomb-65535x65535", "bomb.gif", lambda: gif_header_only(65_535, 65_535), TOO_MANY_PIXELS),
    Kind("bmp-bomb-50000x50000", "bomb.bmp", lambda: bmp_header_only(50_000, 50_000), TOO_MANY_PIXELS),
    Kind("png-60-megapixels", "big.png", lambda: png_header_only(10_000, 6_000), OVER_MEGAPIXELS),
    Kind("png-1x65535", "strip.png", lambda: save(Image.new("L", (1, 65_535), 128), "PNG"), SIDE_TOO_LONG),
    Kind("png-65535x1", "strip2.png", lambda: save(Image.new("L", (65_535, 1), 128), "PNG"), SIDE_TOO_LONG),
    # Broken files.
    Kind("zero-bytes", "empty.jpg", lambda: b"", EMPTY),
    Kind("one-byte", "one.jpg", lambda: b"\xff", NOT_AN_IMAGE),
    Kind("truncated-jpeg", "half.jpg", lambda: truncated(BUS_PHOTO.read_bytes()), DAMAGED),
    Kind("truncated-png", "half.png", lambda: truncated(save(noise((300, 200)), "PNG")), DAMAGED),
    Kind("png-signature-then-html", "fake.png", lambda: b"\x89PNG\r\n\x1a\n" + HTML, DAMAGED),
    # Not images, whatever the name says.
    Kind("svg-named-jpg", "vector.jpg", lambda: SVG, NOT_AN_IMAGE),
    Kind("html-named-jpg", "page.jpg", lambda: HTML, NOT_AN_IMAGE),
    Kind("pdf-named-jpg", "doc.jpg", lambda: save(noise(), "PDF"), NOT_AN_IMAGE),
    Kind("ppm-not-allowed", "photo.jpg", lambda: save(noise(), "PPM"), NOT_AN_IMAGE),
    Kind("zip-named-jpg", "archive.jpg", zip_bytes, NOT_AN_IMAGE),
    # Polyglots: valid images with a payload; stored re-encoded, so the payload never comes back.
    Kind("png+html-polyglot", "poly.png", lambda: save(noise(), "PNG") + HTML, ACCEPT, forbidden=(b"<script",)),
    Kind(
        "jpeg+zip-polyglot", "poly.jpg", lambda: save(noise(), "JPEG") + zip_bytes(), ACCEPT, forbidden=(b"PK\x03\x04",)
    ),
    # Colour models and bit depths.
    Kind("cmyk-jpeg", "cmyk.jpg", lambda: save(noise().convert("CMYK"), "JPEG"), ACCEPT),
    Kind("16-bit-grey-png", "grey16.png", sixteen_bit_grey, ACCEPT),
    Kind("palette-png-transparency", "palette.png", palette_with_transparency, ACCEPT),
    Kind("rgba-alpha-png", "alpha.png", rgba_alpha, ACCEPT),
    Kind("greyscale-jpeg", "grey.jpg", lambda: save(noise(mode="L"), "JPEG"), ACCEPT),
    Kind("1-bit-bmp", "mono.bmp", lambda: save(noise().convert("1"), "BMP"), ACCEPT),
    Kind("tiff", "scan.tiff", lambda: save(noise(), "TIFF"), ACCEPT),
    Kind("animated-gif", "anim.gif", lambda: animated("GIF"), ACCEPT),
    Kind("animated-webp", "anim.webp", lambda: animated("WEBP"), ACCEPT),
    # Metadata.
    Kind("huge-exif", "exif.jpg", huge_exif, ACCEPT, forbidden=(b"AAAAAAAAAAAAAAAA",)),
    Kind(
        "huge-icc-profile",
        "icc.jpg",
        lambda: save(noise(), "JPEG", icc_profile=b"\x00" * 128 + b"ICCJUNK!" * 60_000),
        ACCEPT,
        forbidden=(b"ICCJUNK!",),
    ),
    Kind("heic-from-phone", "IMG_0001.HEIC", heic_from_phone, ACCEPT, content_type="image/heic", orientation=6),
    # File names (the content is a plain small JPEG).
    Kind("unicode-name", "фото 📷 café.jpg", lambda: save(noise(), "JPEG"), ACCEPT),
    Kind("path-traversal-name", "../../../etc/passwd.jpg", lambda: save(noise(), "JPEG"), ACCEPT),
    Kind("300-character-name", "n" * 296 + ".jpg", lambda: save(noise(), "JPEG"), ACCEPT),
    Kind("control-characters-name", "a\x00b\r\nc\x1b.jpg", lambda: save(noise(), "JPEG"), ACCEPT),
    # All 8 EXIF orientations of a real photo: boxes must be where the person sees the buses.
    *[
        Kind(f"exif-orientation-{o}", f"bus-o{o}.jpg", lambda o=o: oriented_bus(o), ACCEPT, orientation=o)
        for o in range(1, 9)
    ],
]
