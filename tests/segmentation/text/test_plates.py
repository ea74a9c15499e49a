"""Number plates: the pure rule, and the rule on text the real reader finds on a real photo."""

from __future__ import annotations

import pytest

from segmentation.text import (
    TextLine,
    TextLines,
    TextReader,
    is_number_plate,
    looks_like_plate_text,
    number_plate_lines,
)
from tests.segmentation.text.conftest import photo
from tests.segmentation.text.synth import Case, draw_case

BUS = (143.0, 142.0, 377.0, 276.0)  # the articulated bus of 000000252639 (COCO annotation)
CAR = (108.0, 209.0, 145.0, 238.0)  # a car beside it


def line(text: str, x0: float, y0: float, x1: float, y1: float) -> TextLine:
    return TextLine(text, 0.99, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)))


@pytest.mark.parametrize("text", ["AB 123 CD", "B-MW 1234", "7ABC123", "07153", "KA·01·AB·1234", "ÖL 42 XY"])
def test_plate_like_text(text: str) -> None:
    assert looks_like_plate_text(text)


@pytest.mark.parametrize(
    "text",
    ["SCOTT BROWN", "Taxi", "62", "EXIT", "Ab 123 cd", "ABCDEFG12345", "A B C D 1", "12.5%", "CITY 1 TOURS 2 GO 3"],
)
def test_not_plate_like_text(text: str) -> None:
    assert not looks_like_plate_text(text)


def test_plate_needs_a_vehicle_its_lower_part_and_a_plate_shape() -> None:
    plate = line("AB 123 CD", 280, 240, 372, 252)
    assert is_number_plate(plate, BUS)
    assert not is_number_plate(plate, CAR)  # not on that vehicle
    assert not is_number_plate(line("AB 123 CD", 280, 150, 372, 162), BUS)  # roof sign, top of the bus
    assert not is_number_plate(line("AB 123 CD", 150, 240, 372, 252), BUS)  # wider than a plate on this bus
    assert not is_number_plate(line("AB 123 CD", 300, 230, 310, 270), BUS)  # upright: 10 wide, 40 high
    assert not is_number_plate(line("SCOTT BROWN", 280, 240, 372, 252), BUS)


def test_number_plate_lines_only_on_vehicles() -> None:
    lines = TextLines(
        (640, 427),
        (
            line("AB 123 CD", 280, 240, 372, 252),
            line("EXIT 12", 55, 335, 136, 349),
            line("SCOTT BROWN", 157, 208, 291, 220),
        ),
        reader="test",
        confident_at=0.9,
    )
    plates = number_plate_lines(lines, ["bus", "person", "car"], [BUS, (0, 0, 640, 427), CAR])
    assert [lines.lines[i].text for i in plates] == ["AB 123 CD"]
    assert number_plate_lines(lines, ["person"], [(0, 0, 640, 427)]) == ()  # a person is no vehicle
    assert number_plate_lines(lines, [], []) == ()


def test_plate_read_on_a_real_bus_is_recognised(ppocr: TextReader) -> None:
    image = photo("000000252639.jpg")
    for case in (
        Case("AB 123 CD", 12, 0, "high", "plate", "000000252639.jpg", (0.51, 0.575)),  # on the front bumper
        Case("SCOTT BROWN", 12, 0, "high", "plate", "000000252639.jpg", (0.35, 0.5)),  # a banner on its side
        Case("EXIT 12", 14, 0, "high", "plate", "000000252639.jpg", (0.15, 0.8)),  # a sign on the road
    ):
        image, _ = draw_case(image, case)
    lines = ppocr.read(image)
    assert [line.text for line in lines.confident()] == ["SCOTT BROWN", "AB 123 CD", "EXIT 12"]
    plates = number_plate_lines(lines, ["bus", "car"], [BUS, CAR])
    assert [lines.lines[i].text for i in plates] == ["AB 123 CD"]
