from __future__ import annotations

import pytest

from captioning.lang.base import capitalise
from captioning.lang.en import (
    NOUNS,
    article,
    count_noun,
    join_list,
    number_word,
    plural,
    sentence,
    singular,
    with_article,
)
from captioning.vocabulary import COCO_LABELS


def test_all_80_coco_classes_have_nouns() -> None:
    assert len(COCO_LABELS) == 80
    for label, noun in NOUNS.items():
        one, many = noun.singular, noun.plural
        assert one and many and one != label + "ss"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("person", "people"),
        ("mouse", "mice"),
        ("knife", "knives"),
        ("sheep", "sheep"),
        ("skis", "pairs of skis"),
        ("scissors", "pairs of scissors"),
        ("bus", "buses"),
        ("bench", "benches"),
        ("sandwich", "sandwiches"),
        ("wine glass", "wine glasses"),
        ("toothbrush", "toothbrushes"),
        ("couch", "couches"),
        ("tv", "TVs"),
        ("broccoli", "pieces of broccoli"),
        ("dog", "dogs"),
        ("berry", "berries"),  # not COCO: regular rule
        ("box", "boxes"),
    ],
)
def test_plurals(label: str, expected: str) -> None:
    assert plural(label) == expected


def test_singular_uses_everyday_words() -> None:
    assert singular("dining table") == "table"
    assert singular("sports ball") == "ball"
    assert singular("cell phone") == "phone"
    assert singular("unknown thing") == "unknown thing"


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("elephant", "an"),
        ("umbrella", "an"),
        ("orange", "an"),
        ("apple", "an"),
        ("oven", "an"),
        ("airplane", "an"),
        ("hair drier", "a"),
        ("TV", "a"),
        ("MRI", "an"),
        ("unicorn", "a"),
        ("useful thing", "a"),
        ("one-way sign", "a"),
        ("hour", "an"),
        ("dog", "a"),
        ("medium-sized dog", "a"),
        ("", "a"),
    ],
)
def test_articles(phrase: str, expected: str) -> None:
    assert article(phrase) == expected


def test_with_article() -> None:
    assert with_article("elephant") == "an elephant"
    assert with_article("large umbrella") == "a large umbrella"


@pytest.mark.parametrize(
    ("label", "n", "expected"),
    [
        ("dog", 3, "three dogs"),
        ("bus", 1, "a bus"),
        ("person", 2, "two people"),
        ("person", 1, "a person"),
        ("elephant", 1, "an elephant"),
        ("elephant", 4, "four elephants"),
        ("umbrella", 1, "an umbrella"),
        ("hair drier", 1, "a hair drier"),
        ("sheep", 5, "five sheep"),
        ("skis", 1, "a pair of skis"),
        ("car", 10, "ten cars"),
        ("book", 11, "many books"),
        ("tv", 1, "a TV"),
    ],
)
def test_count_noun(label: str, n: int, expected: str) -> None:
    assert count_noun(label, n) == expected


def test_count_noun_exact_when_asked() -> None:
    assert count_noun("book", 11, many_above=None) == "eleven books"
    assert count_noun("book", 25, many_above=None) == "25 books"
    with pytest.raises(ValueError):
        count_noun("book", 0)


def test_number_words() -> None:
    assert [number_word(n) for n in (0, 1, 7, 12, 20, 21)] == ["zero", "one", "seven", "twelve", "twenty", "21"]
    with pytest.raises(ValueError):
        number_word(-1)


def test_join_list() -> None:
    assert join_list([]) == ""
    assert join_list(["a dog"]) == "a dog"
    assert join_list(["a dog", "a cat"]) == "a dog and a cat"
    assert join_list(["a dog", "a cat", "two people"]) == "a dog, a cat and two people"
    assert join_list(["a dog", "", "a cat"]) == "a dog and a cat"


def test_capitalise_and_sentence() -> None:
    assert capitalise("a TV") == "A TV"
    assert capitalise("") == ""
    assert sentence("two dogs") == "Two dogs."
    assert sentence("two dogs.") == "Two dogs."
