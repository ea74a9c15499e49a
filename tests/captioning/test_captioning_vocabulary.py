from __future__ import annotations

import pytest

from captioning.lang.read import find_objects


def labels(text: str) -> list[str]:
    return [label for _, label, _ in find_objects(text)]


@pytest.mark.parametrize(
    "text",
    [
        # Our own text: the fruit was missed when a place, a size or a list item followed it.
        "An orange at the top.",
        "An orange filling most of the photo.",
        "A person, an orange, a cup and other objects.",
        "The orange at the top is next to the apple.",
        # ... and when a number or a hedge starts the next item of a list
        "Possibly an orange, two airplanes and other objects.",
        "An orange, possibly a cup.",
        # as before
        "An orange on the table.",
        "Two apples and an orange.",
    ],
)
def test_orange_the_fruit(text: str) -> None:
    assert "orange" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "An orange cat on a bed.",
        "A man in an orange shirt.",
        "orange juice",
        "A kite with three orange, white and black fish.",
        "A classic orange ten speed bicycle.",
    ],
)
def test_orange_the_colour(text: str) -> None:
    assert "orange" not in labels(text)
