"""Text in the photo through the worker: a word drawn onto a real COCO photo is read, quoted
exactly, found by search (for its owner only) and listed as a region; photos without legible
text quote nothing; TEXT_READER=off and an unusable reader still describe the photo."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image, ImageDraw

from segmentation.preprocessing import load_image
from tests.conftest import BUS_PHOTO, PHOTOS
from tests.segmentation.text.synth import Case, draw_case, font_for_height
from tests.webapp.conftest import upload_file
from webapp.photos import pipeline, reading
from webapp.photos.models import Photo
from webapp.search import services as search

pytestmark = pytest.mark.django_db

WORD = "GLADYS"
# Low on the side of the big bus in the centre of 000000252639 (its box: x 144-380, y 143-276 of 640x427).
ON_THE_BUS = (0.41, 0.5)
# Looked at by eye: no legible text in these (the laptop, cat and bird, and bed photos).
WITHOUT_TEXT = ("000000084284.jpg", "000000196393.jpg", "000000373381.jpg")


@pytest.fixture(autouse=True)
def fresh_reader() -> Iterator[None]:
    reading.reset_reader()
    yield
    reading.reset_reader()


@pytest.fixture
def sign_photo(tmp_path: Path) -> Path:
    image, _ = draw_case(load_image(BUS_PHOTO), Case(WORD, 24, photo=BUS_PHOTO.name, where=ON_THE_BUS))
    path = tmp_path / "gladys.jpg"
    image.save(path, quality=92)
    return path


def test_the_worker_quotes_the_word_search_finds_it_and_the_page_lists_it(
    logged_in, user, other_user, processing, sign_photo
) -> None:  # noqa: ANN001
    with processing():
        logged_in.post(reverse("photos:upload"), {"images": [upload_file(sign_photo)]})
    photo = Photo.objects.get(owner=user)
    assert photo.status == Photo.Status.DONE, photo.status_message
    said = photo.suggested_alt + " " + photo.long_description
    assert f"'{WORD}'" in said
    assert f"'{WORD}'" in photo.long_description
    assert len(photo.suggested_alt) <= 125
    # Search by a word read in the photo, case-insensitively; never another user's photo.
    assert [hit.photo.pk for hit in search.search(user, "gladys").hits] == [photo.pk]
    assert search.search(other_user, "gladys").total == 0
    # The photo page lists the text as a region, as the objects are.
    page = html.unescape(logged_in.get(reverse("photos:detail", args=[photo.pk])).content.decode())
    assert f"Text: '{WORD}'" in page
    assert "Read in the photo, quoted word for word." in page


@pytest.mark.parametrize("name", WITHOUT_TEXT)
def test_photos_without_legible_text_quote_nothing(real_segmenter, name: str) -> None:  # noqa: ANN001
    analysis = pipeline.analyse(PHOTOS / name)
    assert analysis.instances.text is not None  # the reader ran
    assert analysis.description.quoted_text == ()
    assert "Text" not in analysis.description.alt_text


def test_analyse_quotes_the_drawn_word(real_segmenter, sign_photo) -> None:  # noqa: ANN001
    analysis = pipeline.analyse(sign_photo)
    assert WORD in analysis.description.quoted_text
    assert f"'{WORD}'" in analysis.description.long_description


def test_reading_off_or_unusable_still_describes(settings, real_segmenter, sign_photo, caplog) -> None:  # noqa: ANN001
    settings.TEXT_READER = "off"
    off = pipeline.analyse(sign_photo)
    assert off.instances.text is None and WORD not in off.description.long_description
    assert "bus" in off.description.alt_text
    reading.reset_reader()
    settings.TEXT_READER = "no-such-reader"
    unusable = pipeline.analyse(sign_photo)
    assert unusable.instances.text is None and "bus" in unusable.description.alt_text
    assert "No text reader (no-such-reader)" in caplog.text


def test_a_screenshot_gets_its_text_as_the_alt(real_segmenter, tmp_path) -> None:  # noqa: ANN001
    lines = ["Quarterly campaign report", "Volunteers joined in every city", "Meetings are held on Tuesdays"]
    image = Image.new("RGB", (800, 360), "white")
    draw = ImageDraw.Draw(image)
    for k, text in enumerate(lines):
        draw.text((40, 40 + 100 * k), text, font=font_for_height(30, text), fill="black")
    image.save(tmp_path / "shot.png")
    description = pipeline.analyse(tmp_path / "shot.png").description
    assert description.alt_text == " ".join(lines)
    assert description.long_description.startswith(f"The image is mostly text. It reads: '{' / '.join(lines)}'.")
