"""The photo page's overlay: numbered regions, linked phrases, and the picture drawn with Pillow,
for boxes-only results (outlined boxes) and for results with masks (translucent fills)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from captioning import describe
from segmentation.result import Instances
from webapp.photos import overlay
from webapp.photos.results import read_result

GREY = (128, 128, 128)


def result_dict(instances: Instances) -> dict:
    return {"instances": instances.to_dict(), "description": describe(instances).to_dict()}


def boxes_only() -> Instances:
    # A dog low on the left, a person on the right; 400 × 200 photo.
    return Instances(
        image_size=(400, 200),
        labels=("dog", "person"),
        scores=np.array([0.95, 0.9]),
        boxes=np.array([[20, 100, 140, 190], [250, 20, 380, 190]]),
        model="test-boxes",
    )


def with_masks() -> Instances:
    # Same objects with masks at half resolution (100 × 200): a disc for the dog, a bar for the person.
    h, w = 100, 200
    yy, xx = np.mgrid[0:h, 0:w]
    dog = (yy - 72) ** 2 + (xx - 40) ** 2 <= 20**2
    person = (xx >= 130) & (xx < 185) & (yy >= 12) & (yy < 95)
    return Instances(
        image_size=(400, 200),
        labels=("dog", "person"),
        scores=np.array([0.95, 0.9]),
        boxes=np.array([[40, 104, 120, 184], [260, 24, 370, 190]]),
        masks=np.stack([dog, person]),
        model="test-masks",
    )


def grey_photo(size: tuple[int, int] = (400, 200)) -> Image.Image:
    return Image.new("RGB", size, GREY)


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def test_regions_are_numbered_with_sentences_and_colours():
    regions = overlay.regions(read_result(result_dict(boxes_only())))
    assert [r.number for r in regions] == [1, 2]
    assert [r.label for r in regions] == ["dog", "person"]
    dog = regions[0]
    assert dog.sentence.startswith("1: dog, ")
    assert "in the lower left" in dog.sentence
    # Boxes only: the share is honest about being a box.
    assert dog.sentence.endswith(f"its box covers {round(120 * 90 / (400 * 200) * 100)}% of the photo")
    assert dog.box_percent == (5.0, 50.0, 30.0, 45.0)
    assert dog.colour != regions[1].colour
    with_mask = overlay.regions(read_result(result_dict(with_masks())))[0]
    assert with_mask.from_masks and with_mask.sentence.endswith("% of the photo")
    assert "its box" not in with_mask.sentence


def test_dropped_objects_are_not_regions_and_numbers_stay_consecutive():
    data = result_dict(boxes_only())
    data["description"]["objects"][0]["certainty"] = "dropped"
    regions = overlay.regions(read_result(data))
    assert [(r.number, r.index, r.label) for r in regions] == [(1, 1, "person")]


def test_no_result_means_no_regions():
    assert overlay.regions(read_result(None)) == []
    assert overlay.regions(read_result({})) == []
    assert "found nothing" in overlay.overlay_alt([], False)


def test_mentions_link_phrases_to_regions_and_back():
    data = result_dict(boxes_only())
    regions = overlay.regions(read_result(data))
    text = data["description"]["long_description"]
    pieces = overlay.linked_text(text, "long_description", regions)
    assert "".join(p.text for p in pieces) == text
    linked = [p for p in pieces if p.mention]
    assert linked, pieces
    numbers = {n for p in linked for n in p.mention.numbers}
    assert numbers == {1, 2}
    for piece in linked:
        assert piece.label.startswith(piece.text + " (region")
        for n in piece.mention.numbers:
            assert piece.mention in regions[n - 1].mentions


def test_a_mention_whose_words_changed_is_not_linked():
    data = result_dict(boxes_only())
    for m in data["description"]["mentions"]:
        m["text"] = "something else"
    regions = overlay.regions(read_result(data))
    assert all(not r.mentions for r in regions)
    text = data["description"]["alt_text"]
    assert overlay.linked_text(text, "alt_text", regions) == [overlay.Piece(text)]


def test_numbers_phrase_and_overlay_alt():
    assert overlay.numbers_phrase((2,)) == "region 2"
    assert overlay.numbers_phrase((1, 2, 3)) == "regions 1, 2 and 3"
    regions = overlay.regions(read_result(result_dict(boxes_only())))
    assert overlay.overlay_alt(regions, False) == (
        "The photo with 2 numbered regions outlined with coloured boxes: 1 dog; 2 person."
    )
    assert "shaded in colour" in overlay.overlay_alt(regions, True)


@pytest.mark.parametrize("colour", overlay.PALETTE)
def test_number_tags_are_readable_on_every_colour(colour):
    def contrast(a: str, b: str) -> float:
        la, lb = overlay._luminance(a), overlay._luminance(b)
        return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)

    assert contrast(colour, overlay.text_colour_on(colour)) >= 4.5


def test_boxes_only_results_are_drawn_as_outlines():
    instances = boxes_only()
    regions = overlay.regions(read_result(result_dict(instances)))
    # The photo at half size: boxes are scaled from original pixels.
    drawn = np.asarray(overlay.draw_overlay(grey_photo((200, 100)), regions, instances))
    dog, person = rgb(regions[0].colour), rgb(regions[1].colour)

    def near(pixel: np.ndarray, colour: tuple[int, int, int]) -> bool:
        return bool(np.abs(pixel.astype(int) - colour).max() <= 2)

    # Right edge of the dog's box (x1 = 140 → 70), mid-height, carries the dog's colour.
    edge_band = drawn[70:80, 64:70]
    assert any(near(p, dog) for p in edge_band.reshape(-1, 3))
    # Inside the box, away from the edges and the number tag, the photo is untouched (outline only).
    assert near(drawn[80, 40], GREY)
    # The person's box (x0 = 250 → 125) has its own colour; outside every box is untouched.
    assert any(near(p, person) for p in drawn[60:70, 125:131].reshape(-1, 3))
    assert near(drawn[10, 100], GREY)


def test_mask_results_are_drawn_as_translucent_fills():
    instances = with_masks()
    regions = overlay.regions(read_result(result_dict(instances)))
    drawn = np.asarray(overlay.draw_overlay(grey_photo(), regions, instances)).astype(int)
    dog = np.array(rgb(regions[0].colour))
    alpha = overlay.MASK_ALPHA / 255
    expected = np.round(np.array(GREY) * (1 - alpha) + dog * alpha)
    # Inside the dog's disc (centre at mask (72, 40) → photo (144, 80)): the fill, not the photo.
    centre = drawn[150, 80]
    assert np.abs(centre - expected).max() <= 3, centre
    # The photo still shows through: not the solid colour either.
    assert np.abs(centre - dog).max() > 20
    # Inside the dog's box but outside its disc: untouched (a mask, not a box).
    assert np.abs(drawn[108, 115] - GREY).max() <= 2
    # Inside the person's bar: tinted with the person's colour.
    person = np.array(rgb(regions[1].colour))
    inside_person = drawn[100, 320]
    assert np.abs(inside_person - np.round(np.array(GREY) * (1 - alpha) + person * alpha)).max() <= 3


def test_render_overlay_reads_the_stored_photo_and_scales_it():
    stored = io.BytesIO()
    grey_photo((2000, 1000)).save(stored, format="JPEG")
    instances = Instances(
        image_size=(2000, 1000),
        labels=("dog",),
        scores=np.array([0.95]),
        boxes=np.array([[100, 500, 700, 950]]),
        model="test-boxes",
    )
    data = overlay.render_overlay(stored.getvalue(), read_result(result_dict(instances)), max_width=800)
    picture = Image.open(io.BytesIO(data))
    assert picture.format == "JPEG"
    assert picture.size == (800, 400)
    pixels = np.asarray(picture.convert("RGB")).astype(int)
    colour = np.array(rgb(overlay.colour_for(1)))
    # Somewhere along the box's bottom edge (y 950 → 380) the region's colour shows.
    band = pixels[372:382, 100:250].reshape(-1, 3)
    assert (np.abs(band - colour).max(axis=1) <= 40).any()
