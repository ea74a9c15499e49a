"""German words and grammar against tables written by hand from Duden (Die Grammatik, 9th ed.,
and the dictionary's gender and plural entries), not from captioning.lang.de's own tables."""

from __future__ import annotations

import pytest

from captioning.lang import de
from captioning.lang.words import plural_category

# label: (article of the nominative singular, singular, plural) as Duden lists them.
DUDEN = {
    "dog": ("der", "Hund", "Hunde"),
    "cat": ("die", "Katze", "Katzen"),
    "horse": ("das", "Pferd", "Pferde"),
    "cup": ("die", "Tasse", "Tassen"),
    "car": ("das", "Auto", "Autos"),
    "bear": ("der", "Bär", "Bären"),
    "elephant": ("der", "Elefant", "Elefanten"),
    "apple": ("der", "Apfel", "Äpfel"),
    "knife": ("das", "Messer", "Messer"),
    "book": ("das", "Buch", "Bücher"),
    "cow": ("die", "Kuh", "Kühe"),
    "bench": ("die", "Bank", "Bänke"),
    "bird": ("der", "Vogel", "Vögel"),
    "chair": ("der", "Stuhl", "Stühle"),
    "dining table": ("der", "Tisch", "Tische"),
    "train": ("der", "Zug", "Züge"),
    "boat": ("das", "Boot", "Boote"),
    "sheep": ("das", "Schaf", "Schafe"),
    "bottle": ("die", "Flasche", "Flaschen"),
    "spoon": ("der", "Löffel", "Löffel"),
    "refrigerator": ("der", "Kühlschrank", "Kühlschränke"),
    "bus": ("der", "Bus", "Busse"),
    "bed": ("das", "Bett", "Betten"),
    "umbrella": ("der", "Regenschirm", "Regenschirme"),
    "clock": ("die", "Uhr", "Uhren"),
    "scissors": ("die", "Schere", "Scheren"),
    "person": ("die", "Person", "Personen"),
}


@pytest.mark.parametrize("label", DUDEN)
def test_gender_and_plural(label: str) -> None:
    article, singular, plural = DUDEN[label]
    word = de.noun(label)
    assert (de.definite(word), word.plural) == (f"{article} {singular}", plural)


# Dative, as the prepositions of place and "mit" require (Duden: "auf, neben, vor, hinter" +
# dative for a location). Weak masculines take -en in every case but the nominative singular.
DATIVE = [
    ("auf", "dining table", "auf dem Tisch"),
    ("neben", "person", "neben der Person"),
    ("neben", "bear", "neben dem Bären"),
    ("vor", "elephant", "vor dem Elefanten"),
    ("hinter", "bus", "hinter dem Bus"),
    ("auf", "horse", "auf dem Pferd"),
    ("neben", "fire hydrant", "neben dem Hydranten"),
    ("neben", "teddy bear", "neben dem Teddybären"),
]


@pytest.mark.parametrize(("preposition", "label", "expected"), DATIVE)
def test_dative_after_place_prepositions(preposition: str, label: str, expected: str) -> None:
    assert f"{preposition} {de.definite(de.noun(label), 'dat')}" == expected


def test_weak_masculine_accusative() -> None:
    assert de.definite(de.noun("bear"), "acc") == "den Bären"
    assert de.definite(de.noun("dog"), "acc") == "den Hund"


# Dative plural adds -n unless the plural ends in -n or -s (Duden, Die Grammatik §§ 290 ff.).
DATIVE_PLURAL = {
    "dog": "Hunden",
    "apple": "Äpfeln",
    "knife": "Messern",
    "car": "Autos",
    "cat": "Katzen",
    "truck": "Lastwagen",
    "bird": "Vögeln",
    "book": "Büchern",
}


@pytest.mark.parametrize("label", DATIVE_PLURAL)
def test_dative_plural(label: str) -> None:
    assert de.noun_form(de.noun(label), "dat", plural=True) == DATIVE_PLURAL[label]


# Adjective declension: mixed after "ein", weak after "der", strong with no article.
ADJECTIVES = [
    (lambda: de.indefinite(de.noun("dog"), size="small"), "ein kleiner Hund"),
    (lambda: de.indefinite(de.noun("cup"), size="small"), "eine kleine Tasse"),
    (lambda: de.indefinite(de.noun("car"), size="small"), "ein kleines Auto"),
    (lambda: de.indefinite(de.noun("dog"), "dat", size="large"), "einem großen Hund"),
    (lambda: de.indefinite(de.noun("dog"), "acc", size="large"), "einen großen Hund"),
    (lambda: de.definite(de.noun("dog"), size="small"), "der kleine Hund"),
    (lambda: de.definite(de.noun("car"), "dat", size="small"), "dem kleinen Auto"),
    (lambda: de.definite(de.noun("cup"), plural=True, size="small"), "die kleinen Tassen"),
    (lambda: de.counted(de.noun("dog"), 2, size="small"), "zwei kleine Hunde"),
    (lambda: de.counted(de.noun("dog"), 2, "dat", size="small"), "zwei kleinen Hunden"),
    (lambda: de.indefinite(de.noun("car"), size="very small"), "ein sehr kleines Auto"),
    (lambda: de.indefinite(de.noun("cup"), size="medium"), "eine mittelgroße Tasse"),
]


@pytest.mark.parametrize(("build", "expected"), ADJECTIVES, ids=[e for _, e in ADJECTIVES])
def test_adjective_declension(build, expected: str) -> None:
    assert build() == expected


# CLDR (German): "one" for 1 only.
@pytest.mark.parametrize(("n", "category"), [(0, "other"), (1, "one"), (2, "other"), (5, "other"), (21, "other")])
def test_plural_category(n: int, category: str) -> None:
    assert plural_category("de", n) == category


@pytest.mark.parametrize(
    ("label", "n", "expected"),
    [
        ("cup", 0, "null Tassen"),
        ("cup", 1, "eine Tasse"),
        ("dog", 1, "ein Hund"),
        ("car", 1, "ein Auto"),
        ("cup", 2, "zwei Tassen"),
        ("dog", 5, "fünf Hunde"),
        ("cup", 21, "einundzwanzig Tassen"),
        ("skis", 2, "zwei Paar Ski"),
        ("broccoli", 3, "drei Brokkolistücke"),
    ],
)
def test_counted(label: str, n: int, expected: str) -> None:
    assert de.counted(de.noun(label), n) == expected


def test_number_one_declines_like_the_article() -> None:
    assert [de.number_word(1, g) for g in "mfn"] == ["ein", "eine", "ein"]
    assert [de.number_word(1, g, "dat") for g in "mfn"] == ["einem", "einer", "einem"]
    assert de.number_word(21, "f") == "einundzwanzig"


def test_list_has_no_comma_before_und() -> None:
    assert de.join_list(["ein Hund", "eine Katze", "zwei Autos"]) == "ein Hund, eine Katze und zwei Autos"


def test_positions_and_relations() -> None:
    assert de.position_phrase("upper right") == "oben rechts"
    assert de.position_phrase("mostly left") == "überwiegend links"
    riding_horse = de.relation_words("riding", "animal")
    assert f"{riding_horse.verb[0]} {riding_horse.preposition} {de.definite(de.noun('horse'), riding_horse.case)}" == (
        "reitet auf dem Pferd"
    )
    holding = de.relation_words("holding")
    assert f"{holding.verb[0]} {de.definite(de.noun('umbrella'), holding.case)}" == "hält den Regenschirm"
    assert f"mit {de.indefinite(de.noun('umbrella'), 'dat')}" == "mit einem Regenschirm"


def test_reading_is_case_accent_and_plural_insensitive() -> None:
    found = [
        label for _, label, _ in de.READING.find_objects("Zwei HUNDE neben den Baren, einem Pferd und vielen Äpfeln")
    ]
    assert found == ["dog", "bear", "horse", "apple"]
    assert [label for _, label, _ in de.READING.find_objects("möglicherweise ein Tier")] == ["family:animal"]
