"""The PP-OCRv5 reader: its OpenCV-free geometry, and real reading on real COCO photos.

Photos made by the tests: known strings drawn on the 10 ``../shared/photos`` (``synth.py``).
``READ_EXACTLY`` are cases the model reads exactly on this pipeline, spanning 12-48 px text,
0-15 degrees, high and low contrast, sign-like plates and busy backgrounds. Cases *expected not
to be read exactly*, measured on the 128-string grid of ``bench/text_reading.py synthetic``
(94/128 exact; plates 60/64, busy backgrounds 34/64), and so not asserted:

* 10-16 px text straight on a busy, low-contrast background: missed, or cut ("Bakery" -> "Bak");
* a lone digit after a word on a busy background ("Platform 9" -> "Platform");
* the space between words dropped at 20-48 px ("Bus Stop" -> "BusStop", "EXIT 12" -> "EXIT12");
* "PIZZA 2 EUR" on busy backgrounds ("PZZA 2 EUR", "PIZZA2 EUP").

Silence: ``NO_LEGIBLE_TEXT`` are the photos of ``../shared/photos`` without legible text (looked
at one by one): elephants, a blurred kitchen (packets and a magazine too blurred to read), an
office (wall maps whose lettering is a few pixels high), a cat and a budgerigar, surfers, a hotel
room, a frisbee game, children with a microwave. The other two have text: 000000252639 (a bus's
fleet number "07153", a route "62" and a Cyrillic shop sign, all under 8 px high) and
000000100667 ("RD" on a T-shirt, cut off). Nothing may be *confidently* read on the silent ones.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image

from segmentation.preprocessing import load_image
from segmentation.text import TextLines, TextReader, build_text_reader
from segmentation.text.ppocr import CONFIDENT_READING, _components, _min_area_rect, detect_quads
from tests.segmentation.conftest import SHARED
from tests.segmentation.text.conftest import photo
from tests.segmentation.text.synth import Case, draw_case

# fmt: off
READ_EXACTLY = (
    Case("Bakery", 12, 0, "high", "busy", "000000373381.jpg", (0.45, 0.75)),
    Case("EXIT 12", 12, 0, "low", "plate", "000000442450.jpg", (0.6, 0.25)),
    Case("No Parking", 12, 5, "high", "plate", "000000054718.jpg", (0.3, 0.75)),
    Case("SALE", 12, 5, "low", "busy", "000000100667.jpg", (0.7, 0.75)),
    Case("Library", 12, 10, "high", "plate", "000000196393.jpg", (0.3, 0.25)),
    Case("PIZZA 2 EUR", 12, 10, "low", "busy", "000000373381.jpg", (0.7, 0.25)),
    Case("GLADYS", 12, 15, "high", "plate", "000000442450.jpg", (0.3, 0.5)),
    Case("Bakery", 12, 15, "low", "busy", "000000069468.jpg", (0.7, 0.5)),
    Case("OPEN 24 HOURS", 14, 15, "high", "plate", "000000196393.jpg", (0.3, 0.75)),
    Case("No Parking", 16, 15, "low", "plate", "000000084284.jpg", (0.6, 0.75)),
    Case("Fresh Fish", 20, 15, "high", "busy", "000000373381.jpg", (0.45, 0.75)),
    Case("Fresh Fish", 24, 10, "low", "busy", "000000069468.jpg", (0.7, 0.5)),
    Case("Welcome", 24, 0, "low", "plate", "000000084284.jpg", (0.6, 0.5)),
    Case("Welcome", 32, 15, "low", "plate", "000000054718.jpg", (0.6, 0.75)),
    Case("Main Street", 48, 0, "high", "busy", "000000100667.jpg", (0.45, 0.75)),
    Case("Hotel Roma", 48, 10, "high", "plate", "000000054718.jpg", (0.3, 0.25)),
)
# fmt: on

NO_LEGIBLE_TEXT = (
    "000000054718.jpg",  # elephants
    "000000069468.jpg",  # kitchen, blurred packets
    "000000084284.jpg",  # office, tiny map lettering
    "000000196393.jpg",  # cat and budgerigar
    "000000211325.jpg",  # surfers
    "000000373381.jpg",  # hotel room
    "000000442450.jpg",  # frisbee in a forest
    "000000488571.jpg",  # children, microwave
)


# -- geometry without OpenCV -----------------------------------------------------------------------


def test_components_are_8_connected() -> None:
    bitmap = np.zeros((6, 8), dtype=bool)
    bitmap[0, 0:3] = True
    bitmap[1, 3] = True  # diagonal neighbour of (0, 2): same component
    bitmap[4:6, 5:8] = True
    comps = _components(bitmap)
    assert len(comps) == 2
    xs = sorted(sorted(set(c[:, 0].astype(int).tolist())) for c in comps)
    assert xs == [[0, 2, 3], [5, 7]]
    assert _components(np.zeros((3, 3), dtype=bool)) == []


@pytest.mark.parametrize("angle", [0.0, 12.0, -30.0])
def test_min_area_rect_of_a_rotated_rectangle(angle: float) -> None:
    a = np.deg2rad(angle)
    u, v = np.array([np.cos(a), np.sin(a)]), np.array([-np.sin(a), np.cos(a)])
    grid = np.array([i * u + j * v for i in np.linspace(0, 40, 41) for j in np.linspace(0, 10, 11)]) + 50
    corners, long_side, short_side = _min_area_rect(grid)
    assert long_side == pytest.approx(40, abs=1e-6) and short_side == pytest.approx(10, abs=1e-6)
    assert sorted(np.round(corners, 6).tolist()) == sorted(np.round(grid[[0, 10, 440, 450]], 6).tolist())


def test_detect_quads_grows_a_text_region_by_paddles_unclip() -> None:
    prob = np.zeros((64, 128), dtype=np.float32)
    prob[20:30, 10:90] = 0.9  # an 80 x 10 region of text
    prob[50:52, 100:102] = 0.9  # too thin: noise
    (quad,) = detect_quads(prob)
    # Run ends are pixel centres: 79 x 9; d = 79 * 9 * 1.6 / (2 * 88) = 6.46 on each side.
    d = 79 * 9 * 1.6 / (2 * (79 + 9))
    assert quad[:, 0].min() == pytest.approx(10 - d) and quad[:, 0].max() == pytest.approx(89 + d)
    assert quad[:, 1].min() == pytest.approx(20 - d) and quad[:, 1].max() == pytest.approx(29 + d)
    assert detect_quads(prob * 0.4) == []  # below the detector's pixel threshold


# -- reading real photos ---------------------------------------------------------------------------


def read_case(reader: TextReader, case: Case) -> tuple[TextLines, str, np.ndarray]:
    image, polygon = draw_case(photo(case.photo), case)
    lines = reader.read(image)
    x0, y0 = polygon.min(axis=0)
    x1, y1 = polygon.max(axis=0)
    over = [
        line
        for line in lines.confident()
        if x0 <= (line.box[0] + line.box[2]) / 2 <= x1 and y0 <= (line.box[1] + line.box[3]) / 2 <= y1
    ]
    return lines, " ".join(line.text for line in over), polygon


@pytest.mark.parametrize("case", READ_EXACTLY, ids=lambda case: case.id)
def test_drawn_text_is_read_exactly_where_it_was_drawn(ppocr: TextReader, case: Case) -> None:
    lines, read, polygon = read_case(ppocr, case)
    assert read == case.text, f"{case.id}: read {[(line.text, round(line.confidence, 3)) for line in lines]}"
    # Where: the read lines cover the drawn text, in the photo's own pixels.
    x0, y0 = polygon.min(axis=0)
    x1, y1 = polygon.max(axis=0)
    over = [line for line in lines.confident() if line.text in case.text]
    bx0, by0 = min(line.box[0] for line in over), min(line.box[1] for line in over)
    bx1, by1 = max(line.box[2] for line in over), max(line.box[3] for line in over)
    slack = case.height
    assert bx0 <= x0 + slack and by0 <= y0 + slack and bx1 >= x1 - slack and by1 >= y1 - slack
    assert bx0 >= x0 - 2 * slack and by0 >= y0 - 2 * slack and bx1 <= x1 + 2 * slack and by1 <= y1 + 2 * slack
    assert all(line.confidence >= CONFIDENT_READING for line in over)


@pytest.mark.parametrize("name", NO_LEGIBLE_TEXT)
def test_nothing_is_confidently_read_on_photos_without_legible_text(ppocr: TextReader, name: str) -> None:
    lines = ppocr.read(photo(name))
    assert lines.confident() == (), [(line.text, round(line.confidence, 3)) for line in lines]
    assert lines.text == ""


# Held-out COCO val2017 photos with text a person reads at a glance (bench/text_reading.py survey).
REAL_TEXT = (
    ("coco-val-calib/images/000000460229.jpg", "STOP"),  # a stop sign
    ("coco-val-captions/images/000000086483.jpg", "ABBEY\nROAD NW8\nCITY OF WESTMINSTER"),  # a street sign
    ("coco-val-captions/images/000000266981.jpg", "MGM GRAND"),  # lettering on a tilted facade
)


@pytest.mark.parametrize(("path", "expected"), REAL_TEXT, ids=lambda value: value.rsplit("/", 1)[-1])
def test_real_signs_are_read_exactly_in_reading_order(ppocr: TextReader, path: str, expected: str) -> None:
    lines = ppocr.read(load_image(SHARED / path))
    assert lines.text == expected, [(line.text, round(line.confidence, 3)) for line in lines]


def test_exif_rotated_upload_is_read_in_upright_pixels(ppocr: TextReader) -> None:
    case = Case("Hotel Roma", 20, 0, "high", "plate", "000000054718.jpg", (0.4, 0.3))
    upright, polygon = draw_case(photo(case.photo), case)
    # Stored turned a quarter to the left, with EXIF orientation 6 ("rotate 90 clockwise to view").
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    upright.transpose(Image.Transpose.ROTATE_90).save(buffer, format="JPEG", quality=95, exif=exif)
    image = load_image(buffer.getvalue())
    assert image.size == upright.size
    lines = ppocr.read(image)
    assert lines.text == "Hotel Roma"
    (line,) = lines.confident()
    cx, cy = (line.box[0] + line.box[2]) / 2, (line.box[1] + line.box[3]) / 2
    assert np.hypot(cx - polygon[:, 0].mean(), cy - polygon[:, 1].mean()) < case.height
    assert lines.image_size == upright.size


def test_threads_option_gives_the_same_reading_and_json_round_trips(ppocr: TextReader) -> None:
    case = Case("OPEN 24 HOURS", 16, 5, "high", "plate", "000000211325.jpg", (0.5, 0.4))
    image, _ = draw_case(photo(case.photo), case)
    one = ppocr.read(image)
    two = build_text_reader("ppocr", threads=2).read(image)
    assert [(line.text, round(line.confidence, 3)) for line in one] == [
        (line.text, round(line.confidence, 3)) for line in two
    ]
    data = json.loads(json.dumps(one.to_dict()))
    assert TextLines.from_dict(data).to_dict() == data
    assert data["reader"] == "ppocr" and data["confident_at"] == CONFIDENT_READING
