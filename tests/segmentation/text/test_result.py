"""TextLine / TextLines: geometry, reading order, confident lines and the JSON round trip."""

from __future__ import annotations

import json

import pytest

from segmentation.text import TextLine, TextLines, reading_order


def line(text: str, x0: float, y0: float, x1: float, y1: float, confidence: float = 0.99) -> TextLine:
    return TextLine(text, confidence, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)))


def test_box_width_height_of_a_rotated_line() -> None:
    # A 100 x 20 line turned by 90 degrees: box is 20 wide, 100 high; width/height follow the text.
    turned = TextLine("UP", 0.9, ((10, 110), (10, 10), (30, 10), (30, 110)))
    assert turned.box == (10, 10, 30, 110)
    assert turned.width == pytest.approx(100)
    assert turned.height == pytest.approx(20)


def test_text_is_single_spaced_and_polygon_has_four_corners() -> None:
    assert line("  Main \t Street ", 0, 0, 10, 5).text == "Main Street"
    with pytest.raises(ValueError, match="4 corners"):
        TextLine("x", 0.9, ((0, 0), (1, 0), (1, 1)))
    with pytest.raises(ValueError, match="image_size"):
        TextLines((0, 10))


def test_reading_order_rows_top_to_bottom_left_to_right() -> None:
    title = line("HOTEL", 100, 10, 300, 60)
    left = line("Rooms", 20, 100, 80, 120)
    right = line("Bar", 200, 102, 240, 121)  # same row as "Rooms", slightly lower
    raised = line("9", 90, 96, 100, 116)  # a tilted sign's last word sits higher: same row
    footer = line("since 1901", 50, 200, 150, 215)
    lines = TextLines((320, 240), (footer, right, title, raised, left), reader="test", confident_at=0.9)
    assert [item.text for item in lines] == ["HOTEL", "Rooms", "9", "Bar", "since 1901"]
    assert reading_order(lines.lines) == list(lines.lines)
    assert [[item.text for item in row] for row in lines.rows()] == [["HOTEL"], ["Rooms", "9", "Bar"], ["since 1901"]]
    assert lines.text == "HOTEL\nRooms 9 Bar\nsince 1901"


def test_confident_and_uncertain_split_at_the_readers_threshold() -> None:
    sure, unsure = line("STOP", 0, 0, 50, 20, 0.95), line("St0p", 0, 30, 50, 50, 0.7)
    lines = TextLines((100, 100), (sure, unsure), reader="test", confident_at=0.9)
    assert lines.confident() == (sure,)
    assert lines.uncertain() == (unsure,)
    assert lines.text == "STOP"  # uncertain text is never quoted
    assert TextLines.empty((100, 100), reader="test").text == ""


def test_json_round_trip() -> None:
    lines = TextLines(
        (640, 480),
        (line("Gladys", 10.04, 20.06, 110.0, 40.0, 0.98765), TextLine("ÜBER", 0.5, ((1, 2), (3, 4), (5, 6), (7, 8)))),
        reader="ppocr",
        confident_at=0.9,
    )
    data = json.loads(json.dumps(lines.to_dict()))
    back = TextLines.from_dict(data)
    assert back.to_dict() == data
    assert back.image_size == (640, 480) and back.reader == "ppocr" and back.confident_at == 0.9
    assert [item.text for item in back] == [item.text for item in lines]
    gladys = next(item for item in back if item.text == "Gladys")
    assert gladys.confidence == pytest.approx(0.9877)
    assert gladys.box == pytest.approx((10.0, 20.1, 110.0, 40.0))
