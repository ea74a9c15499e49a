"""Spanish words and grammar against tables written by hand from the RAE (Nueva gramática
básica; Diccionario panhispánico de dudas: "uno" 2.1-2.2 for "un"/"una"/"veintiún"/"veintiuna",
"y" 2 and "o" 2 for "e" and "u"; "al" and "del") and the DLE's gender and plural entries, not from
captioning.lang.es's own tables."""

from __future__ import annotations

import pytest

from captioning.lang import es
from captioning.lang.words import plural_category

RAE = {
    "dog": ("el perro", "los perros"),
    "cup": ("la taza", "las tazas"),
    "airplane": ("el avión", "los aviones"),
    "bus": ("el autobús", "los autobuses"),
    "train": ("el tren", "los trenes"),
    "truck": ("el camión", "los camiones"),
    "umbrella": ("el paraguas", "los paraguas"),
    "mouse": ("el ratón", "los ratones"),
    "clock": ("el reloj", "los relojes"),
    "vase": ("el jarrón", "los jarrones"),
    "person": ("la persona", "las personas"),
    "zebra": ("la cebra", "las cebras"),
    "cow": ("la vaca", "las vacas"),
    "couch": ("el sofá", "los sofás"),
    "sandwich": ("el sándwich", "los sándwiches"),
    "skateboard": ("el monopatín", "los monopatines"),
    "dining table": ("la mesa", "las mesas"),
    "bench": ("el banco", "los bancos"),
    "microwave": ("el microondas", "los microondas"),
}


@pytest.mark.parametrize("label", RAE)
def test_gender_and_plural(label: str) -> None:
    word = es.noun(label)
    assert (es.definite(word), es.definite(word, plural=True)) == RAE[label]


@pytest.mark.parametrize(
    ("preposition", "phrase", "expected"),
    [
        ("junto a", "el coche", "junto al coche"),
        ("junto a", "la mesa", "junto a la mesa"),
        ("delante de", "el autobús", "delante del autobús"),
        ("detrás de", "los perros", "detrás de los perros"),
        ("a", "el perro", "al perro"),
        ("sobre", "la mesa", "sobre la mesa"),
    ],
)
def test_contractions(preposition: str, phrase: str, expected: str) -> None:
    assert "".join(es.with_preposition(preposition, phrase)) == expected


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda: es.indefinite(es.noun("cup"), size="small"), "una taza pequeña"),
        (lambda: es.indefinite(es.noun("dog"), size="small"), "un perro pequeño"),
        (lambda: es.indefinite(es.noun("cup"), size="large"), "una taza grande"),
        (lambda: es.counted(es.noun("cup"), 2, size="medium"), "dos tazas medianas"),
        (lambda: es.counted(es.noun("dog"), 3, size="large"), "tres perros grandes"),
        (lambda: es.definite(es.noun("cup"), plural=True, size="very small"), "las tazas muy pequeñas"),
    ],
)
def test_adjective_agreement(build, expected: str) -> None:
    assert build() == expected


@pytest.mark.parametrize(("n", "category"), [(0, "other"), (1, "one"), (2, "other"), (5, "other"), (21, "other")])
def test_plural_category(n: int, category: str) -> None:
    assert plural_category("es", n) == category


@pytest.mark.parametrize(
    ("label", "n", "expected"),
    [
        ("cup", 0, "cero tazas"),
        ("cup", 1, "una taza"),
        ("dog", 1, "un perro"),
        ("cup", 2, "dos tazas"),
        ("dog", 5, "cinco perros"),
        ("cup", 21, "veintiuna tazas"),
        ("dog", 21, "veintiún perros"),
        ("dog", 31, "treinta y un perros"),
        ("cup", 31, "treinta y una tazas"),
        ("cup", 200, "doscientas tazas"),
        ("skis", 2, "dos pares de esquís"),
    ],
)
def test_counted(label: str, n: int, expected: str) -> None:
    assert es.counted(es.noun(label), n) == expected


def test_conjunctions() -> None:
    assert es.join_list(["un perro", "un gato", "iglesias"]) == "un perro, un gato e iglesias"
    assert es.join_list(["agua", "hielo"]) == "agua y hielo"
    assert es.join_list(["un perro", "una taza"]) == "un perro y una taza"
    assert es.conjunction("o", "ocho") == "u"


def test_positions() -> None:
    assert es.position_phrase("left") == "a la izquierda"
    assert es.position_phrase("centre") == "en el centro"
    assert es.position_phrase("upper right") == "arriba a la derecha"


def test_reading() -> None:
    found = [
        label for _, label, _ in es.READING.find_objects("Dos PERROS junto al Camion, un perrito caliente y una tijera")
    ]
    assert found == ["dog", "truck", "hot dog", "scissors"]
