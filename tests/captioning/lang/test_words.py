"""The shared helpers of captioning.lang.words: folding, CLDR plurals, folded reading words."""

from __future__ import annotations

import pytest

from captioning.lang.words import FoldedReadingWords, Noun, fold, reading_table, takes_plural


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Bären", "baren"),
        ("ÉLÉPHANT", "elephant"),
        ("móvil", "movil"),
        ("Straße", "strasse"),
        ("l'avion", "l avion"),
        ("hot-dog", "hot dog"),
        ("bœuf", "boeuf"),
        ("  zwei   Hunde ", "zwei hunde"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_takes_plural_follows_cldr() -> None:
    assert [takes_plural("fr", n) for n in (0, 1, 2)] == [False, False, True]
    assert [takes_plural("de", n) for n in (0, 1, 2)] == [True, False, True]


def test_noun_forms_and_cases() -> None:
    bear = Noun("Bär", "Bären", "m", {"dat": ("Bären", "Bären")})
    assert bear.form("dat") == "Bären"
    assert bear.form("nom", plural=True) == "Bären"
    assert bear.forms() == ("Bär", "Bären")


def test_folded_reading_words() -> None:
    words = FoldedReadingWords(
        objects=reading_table({"dog": Noun("chien", "chiens", "m")}, {"chiot": "dog"}),
        numbers={"un": 1, "deux": 2},
        articles=frozenset(["un"]),
        floor=("au", "moins"),
        floor_before=("au", "moins"),
        ignore=frozenset(["tres"]),
    )
    # "au moins deux" is read as "deux au moins" (where a floor is looked for); ignored words vanish.
    assert words.tokens("Au moins DEUX très petits chiens") == ["deux", "au", "moins", "petits", "chiens"]
    assert [label for _, label, _ in words.find_objects("Un Chiot et deux CHIENS")] == ["dog", "dog"]
