"""Loading uploads upright and choosing working sizes."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from segmentation.preprocessing import fit_size, load_image, resize_to_working, to_rgb


def _upright_test_image() -> Image.Image:
    """40x60 (portrait): red top half, blue bottom half, a green square top-left."""
    image = Image.new("RGB", (40, 60), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 40, 30))
    image.paste((0, 255, 0), (0, 0, 10, 10))
    return image


def _with_orientation(stored: Image.Image, orientation: int, fmt: str = "PNG") -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    stored.save(buffer, format=fmt, exif=exif.tobytes())
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("orientation", "stored_from_upright"),
    [
        (1, lambda im: im),
        (3, lambda im: im.transpose(Image.Transpose.ROTATE_180)),
        (6, lambda im: im.transpose(Image.Transpose.ROTATE_90)),  # camera held rotated clockwise
        (8, lambda im: im.transpose(Image.Transpose.ROTATE_270)),
    ],
)
def test_load_image_applies_exif_orientation(orientation: int, stored_from_upright) -> None:  # noqa: ANN001
    upright = _upright_test_image()
    data = _with_orientation(stored_from_upright(upright), orientation)
    for source in (data, io.BytesIO(data), Image.open(io.BytesIO(data))):
        loaded = load_image(source)
        assert loaded.mode == "RGB" and loaded.size == upright.size
        assert np.array_equal(np.asarray(loaded), np.asarray(upright))


def test_load_image_from_path(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "photo.jpg"
    path.write_bytes(_with_orientation(_upright_test_image().transpose(Image.Transpose.ROTATE_90), 6, "JPEG"))
    assert load_image(path).size == (40, 60)
    assert load_image(str(path)).size == (40, 60)


def test_transparency_is_composited_on_white() -> None:
    rgba = Image.new("RGBA", (4, 2), (0, 0, 0, 0))
    rgba.putpixel((0, 0), (10, 20, 30, 255))
    rgba.putpixel((1, 0), (0, 0, 0, 128))
    out = np.asarray(to_rgb(rgba))
    assert tuple(out[0, 0]) == (10, 20, 30)
    assert tuple(out[1, 3]) == (255, 255, 255)
    assert all(120 <= v <= 135 for v in out[0, 1])

    for image in (rgba.convert("LA"), rgba.convert("P")):
        if image.mode == "P":
            image.info["transparency"] = image.getpixel((3, 1))
        assert tuple(np.asarray(to_rgb(image))[1, 3]) == (255, 255, 255)


def test_other_modes_become_rgb() -> None:
    assert to_rgb(Image.new("L", (3, 3), 7)).getpixel((0, 0)) == (7, 7, 7)
    assert to_rgb(Image.new("CMYK", (3, 3))).mode == "RGB"
    deep = Image.fromarray(np.full((3, 3), 65535, dtype=np.uint16))
    assert to_rgb(deep).getpixel((0, 0)) == (255, 255, 255)
    rgb = Image.new("RGB", (2, 2))
    assert to_rgb(rgb) is rgb


def test_fit_size_examples() -> None:
    assert fit_size((4000, 3000), min_size=800, max_size=1333) == (1067, 800)
    assert fit_size((3000, 4000), min_size=800, max_size=1333) == (800, 1067)
    assert fit_size((6000, 1000), min_size=800, max_size=1333) == (1333, 222)  # panorama: long side capped
    assert fit_size((640, 480), min_size=800, max_size=1333) == (640, 480)  # never upscaled by default
    assert fit_size((320, 240), min_size=800, max_size=1333, max_upscale=2.0) == (640, 480)
    assert fit_size((4000, 3000), min_size=640, max_size=640) == (640, 480)  # SSDLite pre-shrink
    with pytest.raises(ValueError):
        fit_size((0, 10), min_size=800, max_size=1333)


@settings(max_examples=300, deadline=None)
@given(
    width=st.integers(1, 20000),
    height=st.integers(1, 20000),
    min_size=st.integers(16, 1500),
    extra=st.integers(0, 1500),
    max_upscale=st.sampled_from([1.0, 1.5, 3.0]),
)
def test_fit_size_properties(width: int, height: int, min_size: int, extra: int, max_upscale: float) -> None:
    max_size = min_size + extra
    w, h = fit_size((width, height), min_size=min_size, max_size=max_size, max_upscale=max_upscale)
    assert w >= 1 and h >= 1
    assert max(w, h) <= max(max_size, round(max(width, height) * min(max_upscale, 1.0)))
    assert w <= round(width * max_upscale) + 1 and h <= round(height * max_upscale) + 1
    if max_upscale == 1.0:
        assert w <= width and h <= height
    # The short side reaches min_size unless capped by max_size or by the upscale limit.
    scale = min(min_size / min(width, height), max_size / max(width, height), max_upscale)
    assert abs(w - width * scale) <= 0.5 + 1e-6 or (w == 1)
    assert abs(h - height * scale) <= 0.5 + 1e-6 or (h == 1)


def test_resize_to_working_scale_maps_back() -> None:
    image = Image.new("RGB", (4000, 2667), (1, 2, 3))
    working = resize_to_working(image, min_size=800, max_size=1333)
    assert working.size == (1200, 800)
    assert working.original_size == (4000, 2667)
    sx, sy = working.scale
    assert working.size[0] * sx == pytest.approx(4000) and working.size[1] * sy == pytest.approx(2667)
    small = Image.new("RGB", (300, 200))
    assert resize_to_working(small, min_size=800, max_size=1333).image is small
