from __future__ import annotations

import numpy as np
import pytest

from captioning.geometry import (
    box_iou,
    group_position,
    mask_iou,
    position_word,
    size_class,
    size_words,
)
from captioning.lang.en import position_phrase, size_adjective


@pytest.mark.parametrize(
    ("x", "y", "expected"),
    [
        (0.1, 0.5, "left"),
        (0.5, 0.5, "centre"),
        (0.9, 0.5, "right"),
        (0.5, 0.1, "top"),
        (0.5, 0.9, "bottom"),
        (0.9, 0.1, "upper right"),
        (0.1, 0.9, "lower left"),
        (0.1, 0.1, "upper left"),
        (0.9, 0.9, "lower right"),
        (0.5, 0.65, "centre"),  # a little low is not yet "bottom"
    ],
)
def test_position_word(x: float, y: float, expected: str) -> None:
    assert position_word(x, y) == expected


@pytest.mark.parametrize(
    ("word", "phrase"),
    [
        ("left", "on the left"),
        ("centre", "in the centre"),
        ("top", "at the top"),
        ("lower right", "in the lower right"),
        ("across the photo", "across the photo"),
        ("mostly left", "mostly on the left"),
    ],
)
def test_position_phrase(word: str, phrase: str) -> None:
    assert position_phrase(word) == phrase


def test_group_position() -> None:
    assert group_position([0.1, 0.2], [0.5, 0.5]) == "left"
    assert group_position([0.1, 0.2], [0.1, 0.9]) == "left"  # agree on the side only
    assert group_position([0.1, 0.2, 0.9], [0.5, 0.5, 0.5]) == "mostly left"
    assert group_position([0.1, 0.5, 0.9], [0.5, 0.5, 0.5]) == "across the photo"


def test_group_position_in_the_middle_third_needs_the_middle() -> None:
    # One at the top and one at the bottom of the middle third were "in the centre".
    assert group_position([0.5, 0.5], [0.1, 0.9]) == "across the photo"
    assert group_position([0.5, 0.5, 0.5], [0.5, 0.5, 0.1]) == "mostly centre"
    assert group_position([0.5, 0.5, 0.1], [0.1, 0.9, 0.5]) == "across the photo"
    assert group_position([0.5, 0.5, 0.5], [0.1, 0.1, 0.5]) == "mostly top"
    assert position_phrase("mostly top") == "mostly at the top"


def test_sizes() -> None:
    assert size_words(0.8) == "fills most of the photo"
    assert size_words(0.8, from_masks=False) == "spans most of the photo"
    assert size_words(0.3) == "large"
    assert size_words(0.1) == "medium"
    assert size_words(0.01) == "small"
    assert size_words(0.0001) == "very small"
    assert size_class(0.5) == "most"
    assert size_adjective("medium") == "medium-sized"
    assert size_adjective("most") == "very large"


def test_ious() -> None:
    a = np.array([0, 0, 10, 10], dtype=float)
    assert box_iou(a, a) == pytest.approx(1.0)
    assert box_iou(a, np.array([5, 0, 15, 10], dtype=float)) == pytest.approx(50 / 150)
    assert box_iou(a, np.array([20, 20, 30, 30], dtype=float)) == 0.0
    m = np.zeros((4, 4), dtype=bool)
    m[:2] = True
    n = np.zeros((4, 4), dtype=bool)
    n[1:3] = True
    assert mask_iou(m, n) == pytest.approx(4 / 12)
    assert mask_iou(np.zeros((2, 2), bool), np.zeros((2, 2), bool)) == 0.0
