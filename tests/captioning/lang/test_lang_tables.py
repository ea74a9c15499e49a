"""Every language module has every word the English text uses: the 80 classes, the back-off
families, every position and size the geometry gives, every relation predicate; and its reading
table reads each of its own nouns back to the right label."""

from __future__ import annotations

import itertools
from types import ModuleType

import pytest

from captioning.geometry import group_position, position_word
from captioning.lang import de, es, fr
from captioning.lang.en import NOUNS as ENGLISH_NOUNS
from captioning.lang.words import fold
from captioning.model import PREDICATES
from captioning.plan import POSITIONS, SIZES
from captioning.vocabulary import FAMILY

LANGUAGES = [de, fr, es]
GENDERS = {"de": {"m", "f", "n"}, "fr": {"m", "f"}, "es": {"m", "f"}}


def _positions() -> set[str]:
    """Every key captioning.geometry can give: single points on a grid and groups of two or three."""
    grid = [0.1, 0.5, 0.9]
    points = [(x, y) for x in grid for y in grid]
    keys = {position_word(x, y) for x, y in points}
    for group in itertools.chain(itertools.combinations(points, 2), itertools.combinations_with_replacement(points, 3)):
        keys.add(group_position([p[0] for p in group], [p[1] for p in group]))
    return keys


@pytest.mark.parametrize("lang", LANGUAGES, ids=lambda m: m.CODE)
def test_every_word_is_there(lang: ModuleType) -> None:
    assert set(lang.NOUNS) == set(ENGLISH_NOUNS)
    assert set(FAMILY.values()) | {"object"} == set(lang.FAMILY_NOUNS)
    for word in [*lang.NOUNS.values(), *lang.FAMILY_NOUNS.values()]:
        assert word.gender in GENDERS[lang.CODE], word
        assert word.singular and word.plural
    assert set(lang.RELATIONS) == set(PREDICATES)
    assert set(SIZES) == set(lang.SIZES)
    assert _positions() <= set(POSITIONS)
    for key in POSITIONS:
        assert lang.position_phrase(key), key


@pytest.mark.parametrize("lang", LANGUAGES, ids=lambda m: m.CODE)
def test_reading_reads_own_nouns(lang: ModuleType) -> None:
    for label, word in lang.NOUNS.items():
        for form in (word.singular, word.plural):
            assert [found for _, found, _ in lang.READING.find_objects(form)] == [label], (label, form)
    for family, word in lang.FAMILY_NOUNS.items():
        found = [found for _, found, _ in lang.READING.find_objects(word.plural)]
        # "weitere Gegenstände" / "d'autres objets" / "otros objetos" name nothing.
        assert found == ([] if family == "object" else [f"family:{family}"])


@pytest.mark.parametrize("lang", LANGUAGES, ids=lambda m: m.CODE)
def test_reading_has_no_function_words(lang: ModuleType) -> None:
    """Articles, prepositions and conjunctions never read as objects."""
    small = (
        "a à au de des du d l le la les el los las un una une uno ein eine der die das dem den y e et und auf sur en"
    )
    for word in small.split():
        assert fold(word) not in lang.READING.objects, word
        assert fold(word) not in lang.READING.families, word
