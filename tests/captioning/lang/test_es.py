"""The Spanish realiser on realistic plans: sentences written by hand (RAE: "al", "del"; "uno" for
a noun left out; adjectives after the noun and agreeing; "ambas", "cada una"; "de la izquierda"
after a noun it tells apart)."""

from __future__ import annotations

import pytest

from captioning.lang import es, realise
from captioning.plan import AltMention, Members, Part, Plan, Ref, RelationSentence, Sentence, Summary

EXPECTED = {
    "riding": (
        "Una persona sobre un caballo y dos perros a la derecha.",
        "Una persona mediana a la izquierda. Un caballo grande a la izquierda. Dos perros pequeños a la derecha. "
        "La persona monta el caballo.",
    ),
    "hedged": (
        "Posiblemente una taza en el centro, cinco osos arriba y otros objetos.",
        "Posiblemente una taza pequeña en el centro. Cinco osos grandes arriba. "
        "Posiblemente otro perro muy pequeño abajo a la izquierda.",
    ),
    "numbers": (
        "Un elefante que ocupa la mayor parte de la foto, al menos dos tazas a la izquierda y muchos libros.",
        # review-es item 3: a distributive list pairs "una … otra …" (RAE, DPD "otro"); item 7: "el
        # de mayor tamaño" (not "el más grande … es pequeño").
        "Un elefante que ocupa la mayor parte de la foto. Dos tazas a la izquierda: una pequeña y otra mediana. "
        "21 libros por toda la foto, la mayoría pequeños; el de mayor tamaño es mediano y está a la izquierda. "
        "Ambas tazas están junto al elefante.",
    ),
    "crowd": (
        "Un grupo de personas y un paraguas arriba a la derecha.",
        # review-es item 6: "Entre ellas hay …", a verb, not the calque "Entre ellas, …".
        "Un grupo de personas por toda la foto. Entre ellas hay dos personas pequeñas: una a la izquierda y otra en "
        "el centro. Dos caballos grandes en el centro. Un paraguas pequeño arriba a la derecha. "
        "Las dos personas montan cada una uno de los caballos. La persona de la izquierda sostiene el paraguas.",
    ),
    "table": (
        "Cuatro tazas, una mesa y posiblemente varios osos.",
        "Cuatro tazas pequeñas en el centro. Una mesa grande abajo. Posiblemente dos osos muy pequeños a la derecha. "
        # review-es item 9: "hidrante" is understood everywhere ("boca de incendios" is Spain).
        "Un hidrante pequeño a la derecha. Tres de las tazas están sobre la mesa. "
        "Uno de los osos está detrás del hidrante.",
    ),
    "text": (
        "Un autobús a la izquierda y dos coches. Texto en el autobús: «NEXT STOP». Texto: «Main St».",
        "Un autobús grande a la izquierda. Dos coches pequeños a la derecha. Texto en el autobús: «NEXT STOP». "
        # review-es item 9: "placa" ("matrícula" is Spain only).
        "Texto: «Main St». La placa del coche de la derecha es visible (sin transcribir). "
        "El autobús tiene texto que no se pudo leer con claridad. Hay texto que no se pudo leer con claridad.",
    ),
    "boxes": (
        "Una cama que se extiende por la mayor parte de la foto.",
        "Una cama que se extiende por la mayor parte de la foto. "
        "Los tamaños son aproximados: este modelo delimita los objetos con rectángulos, no con su forma exacta.",
    ),
}


@pytest.mark.parametrize("name", EXPECTED)
def test_plans_in_spanish(plans: dict[str, Plan], name: str) -> None:
    text = realise(plans[name], "es")
    assert (text.alt_text, text.long_description) == EXPECTED[name]


def _said(sentence: Sentence) -> str:
    """One sentence of the long description, capitalised and stopped as the shared code does."""
    text = "".join(part for part, _ in es.long_sentence(sentence, from_masks=True, before=()))
    return text[0].upper() + text[1:] + "."


# review-es item 1 (MUST): COCO boxes a piece of broccoli; "un brócoli" is a whole head (DLE
# "brócoli"), so "trece brócolis" would read as thirteen heads.
def test_piece_of_broccoli() -> None:
    assert _said(Members("broccoli", (0,), 1, "large", "left")) == "Un trozo de brócoli grande a la izquierda."
    assert es.counted(es.noun("broccoli"), 13) == "trece trozos de brócoli"
    some = RelationSentence(
        Ref("broccoli", (0, 1, 2), "some_of", total=5), "on", Ref("dining table", (9,), "the"), plural=True
    )
    assert _said(some) == "Tres de los trozos de brócoli están sobre la mesa."
    assert [label for _, label, _ in es.READING.find_objects("trece brócolis y un trozo de brócoli")] == [
        "broccoli",
        "broccoli",
    ]


# review-es item 2 (MUST): "principalmente", set off by commas (an incidental; "personas sobre
# todo" first reads as "people on top of everything", "sobre" being the text's word for "on").
def test_mostly_place_between_commas() -> None:
    people = Summary("person", tuple(range(12)), 12, "mostly centre", "very small", False)
    assert _said(people) == "Doce personas, principalmente en el centro, la mayoría muy pequeñas."
    alt = AltMention("person", tuple(range(12)), 12, "many", "stated", "mostly centre")
    said = "".join(part for part, _ in es.alt_mention(alt, placed=True, from_masks=True))
    assert said == "muchas personas, principalmente en el centro"


# review-es item 3: "uno … y otro …" for single parts after the first.
def test_one_and_another() -> None:
    trucks = Members("truck", (0, 1), 2, "medium", None, (Part((0,), 1, None, "right"), Part((1,), 1, None, "left")))
    assert _said(trucks) == "Dos camiones medianos: uno a la derecha y otro a la izquierda."


# review-es item 4: one pair of skis is "unos esquís" (spoken of in the plural, like "unas gafas").
def test_skis_in_the_plural() -> None:
    assert _said(Members("skis", (1,), 1, "small", "bottom")) == "Unos esquís pequeños abajo."
    on = RelationSentence(Ref("person", (0,), "the"), "riding", Ref("skis", (1,), "the"))
    assert _said(on) == "La persona está sobre los esquís."


# review-es item 5: the size between "planta" and the free complement "en maceta" (after it, the
# size reads as the pot's).
def test_size_before_en_maceta() -> None:
    assert _said(Members("potted plant", (0, 1), 2, "small", None)) == "Dos plantas pequeñas en maceta."
