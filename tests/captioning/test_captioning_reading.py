"""Saying the text read in a photo (captioning.reading), with synthetic TextLines."""

from __future__ import annotations

from dataclasses import replace

from captioning import Description, describe
from captioning.lang.base import ELLIPSIS
from captioning.lang.en import EMPTY_ALT
from captioning.plan import ALT_LIMIT
from segmentation.result import Instances
from segmentation.text import TextLine, TextLines
from tests.captioning.conftest import MakeInstances

SIZE = (640, 480)


def line(text: str, box: tuple[float, float, float, float], confidence: float = 0.98) -> TextLine:
    x0, y0, x1, y1 = box
    return TextLine(text, confidence, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)))


def with_text(instances: Instances, *lines: TextLine) -> Instances:
    return replace(instances, text=TextLines(instances.image_size, lines, reader="test", confident_at=0.9))


def check_mentions(d: Description) -> None:
    for m in d.mentions:
        assert getattr(d, m.field)[m.start : m.end] == m.text


def test_text_on_an_object_is_quoted_exactly_and_attached(make: MakeInstances) -> None:
    bus = make(["bus"], [(100, 100, 500, 380)])
    d = describe(with_text(bus, line("SCOTT BROWN", (180, 200, 420, 240))))
    assert "Text on the bus: 'SCOTT BROWN'." in d.alt_text
    assert "'SCOTT BROWN'" in d.long_description
    assert d.quoted_text == ("SCOTT BROWN",) and d.text[0].on == 0
    check_mentions(d)


def test_the_holder_is_named_by_its_english_noun_not_its_coco_label(make: MakeInstances) -> None:
    phone = make(["cell phone"], [(100, 100, 500, 380)])
    d = describe(with_text(phone, line("CALL MOM", (180, 200, 420, 240))))
    assert "Text on the phone: 'CALL MOM'." in d.alt_text, d.alt_text
    screen = make(["tv"], [(100, 100, 500, 380)])
    assert "Text on the TV: 'NEWS'." in describe(with_text(screen, line("NEWS", (180, 200, 420, 240)))).alt_text


def test_smallest_holding_object_wins_and_outside_text_stands_alone(make: MakeInstances) -> None:
    scene = make(["bus", "stop sign"], [(50, 50, 600, 450), (200, 100, 300, 200)])
    d = describe(with_text(scene, line("GLADYS", (210, 130, 290, 160)), line("OPEN LATE", (5 + 10, 455, 200, 470))))
    pieces = {t.text: t.on for t in d.text}
    assert pieces["GLADYS"] == 1  # on the sign, which lies on the bus
    assert pieces["OPEN LATE"] is None
    assert "Text on the stop sign: 'GLADYS'." in d.long_description
    assert "Text reading 'OPEN LATE'." in d.long_description


def test_nothing_said_that_the_object_already_says(make: MakeInstances) -> None:
    sign = make(["stop sign"], [(200, 100, 400, 300)])
    d = describe(with_text(sign, line("STOP", (240, 180, 360, 220))))
    assert "STOP" not in d.alt_text and "STOP" not in d.long_description
    assert d.text[0].status == "said" and d.quoted_text == ()


def test_number_plates_are_never_transcribed(make: MakeInstances) -> None:
    car = make(["car"], [(100, 100, 500, 400)])
    d = describe(with_text(car, line("AB12 CDE", (250, 330, 350, 355))))
    assert "AB12" not in d.alt_text and "AB12" not in d.long_description
    assert "number plate" in d.long_description
    assert d.text[0].status == "plate" and d.quoted_text == ()


def test_uncertain_cut_off_and_tiny_text_is_described_never_quoted(make: MakeInstances) -> None:
    sign = make(["stop sign", "dog"], [(200, 100, 400, 300), (420, 300, 600, 470)])
    d = describe(
        with_text(
            sign,
            line("GLADYS", (240, 180, 360, 220), confidence=0.6),  # not confident
            line("MARKET", (0, 20, 100, 50)),  # touches the left edge: cut off
            line("7", (500, 320, 510, 340)),  # one character
        )
    )
    for word in ("GLADYS", "MARKET", "'7'"):
        assert word not in d.alt_text and word not in d.long_description
    assert "The stop sign has text that could not be read clearly." in d.long_description
    assert "There is text that could not be read clearly." in d.long_description
    assert d.quoted_text == ()


def test_a_line_ending_within_a_character_of_the_side_may_be_cut_and_is_not_quoted(make: MakeInstances) -> None:
    # "STOR" of a shop's "STORE" whose "E" is beyond the frame: its end is less than one line
    # height (about a character) from the side. One line height away, the word is whole.
    scene = make(["person"], [(250, 200, 350, 470)])
    width = SIZE[0]
    near = line("STOR", (width - 12 - 80, 20, width - 12, 42))  # 22 px high, 12 px from the side
    clear = line("SUPER", (22, 60, 122, 82))  # 22 px high, 22 px from the side
    d = describe(with_text(scene, near, clear))
    assert d.quoted_text == ("SUPER",)
    assert "STOR" not in d.alt_text and "STOR" not in d.long_description
    assert "There is text that could not be read clearly." in d.long_description


def test_text_alone_replaces_no_recognisable_objects(make: MakeInstances) -> None:
    nothing = make([], [])
    plain = describe(nothing)
    assert plain.alt_text == EMPTY_ALT
    d = describe(with_text(nothing, line("Platform 9", (200, 200, 320, 230))))
    assert d.alt_text == "Text reading 'Platform 9'."
    assert "No recognisable objects." in d.long_description


def test_mostly_text_image_has_its_text_as_alt_within_the_bound(make: MakeInstances) -> None:
    lines = [
        line(f"Line {k} of the quarterly campaign report with several more words", (20, 20 + 40 * k, 620, 50 + 40 * k))
        for k in range(10)
    ]
    d = describe(with_text(make(["laptop"], [(0, 0, 640, 480)]), *lines))
    assert len(d.alt_text) <= ALT_LIMIT and d.alt_text.endswith(ELLIPSIS)
    assert d.alt_text.startswith("Line 0 of the quarterly campaign report")
    assert not d.alt_text[: -len(ELLIPSIS)].endswith(" ")
    # The long description has all of it, in reading order, then the objects.
    assert d.long_description.startswith("The image is mostly text. It reads: 'Line 0 of")
    assert d.long_description.index("Line 9 of") > d.long_description.index("Line 8 of")
    assert "laptop" in d.long_description
    check_mentions(d)


def test_scene_text_never_breaks_the_alt_bound(make: MakeInstances) -> None:
    bus = make(["bus"], [(20, 20, 620, 460)])
    long_text = "A VERY LONG ADVERTISEMENT SLOGAN THAT GOES ON AND ON ABOUT THINGS AND MORE THINGS FOREVER"
    d = describe(with_text(bus, line(long_text, (40, 200, 600, 215))))
    assert len(d.alt_text) <= ALT_LIMIT
    assert f"'{long_text}'" in d.long_description


def test_description_with_text_round_trips(make: MakeInstances) -> None:
    bus = with_text(make(["bus"], [(100, 100, 500, 380)]), line("SCOTT BROWN", (180, 200, 420, 240)))
    d = describe(bus)
    assert Description.from_dict(d.to_dict()).to_dict() == d.to_dict()
    assert Description.from_dict(d.to_dict()).quoted_text == ("SCOTT BROWN",)
    again = Instances.from_dict(bus.to_dict())
    assert again.text == bus.text
    assert "text" not in make(["bus"], [(100, 100, 500, 380)]).to_dict()
