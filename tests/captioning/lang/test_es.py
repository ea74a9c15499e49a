"""The Spanish realiser on realistic plans: sentences written by hand (RAE: "al", "del"; "uno" for
a noun left out; adjectives after the noun and agreeing; "ambas", "cada una"; "de la izquierda"
after a noun it tells apart)."""

from __future__ import annotations

import pytest

from captioning.lang import realise
from captioning.plan import Plan

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
        "Un elefante que ocupa la mayor parte de la foto. Dos tazas a la izquierda: una pequeña y una mediana. "
        "21 libros por toda la foto, la mayoría pequeños; el más grande es mediano y está a la izquierda. "
        "Ambas tazas están junto al elefante.",
    ),
    "crowd": (
        "Un grupo de personas y un paraguas arriba a la derecha.",
        "Un grupo de personas por toda la foto. Entre ellas, dos personas pequeñas: una a la izquierda y una en el "
        "centro. Dos caballos grandes en el centro. Un paraguas pequeño arriba a la derecha. Las dos personas montan "
        "cada una uno de los caballos. La persona de la izquierda sostiene el paraguas.",
    ),
    "table": (
        "Cuatro tazas, una mesa y posiblemente varios osos.",
        "Cuatro tazas pequeñas en el centro. Una mesa grande abajo. Posiblemente dos osos muy pequeños a la derecha. "
        "Una boca de incendios pequeña a la derecha. Tres de las tazas están sobre la mesa. "
        "Uno de los osos está detrás de la boca de incendios.",
    ),
    "text": (
        "Un autobús a la izquierda y dos coches. Texto en el autobús: «NEXT STOP». Texto: «Main St».",
        "Un autobús grande a la izquierda. Dos coches pequeños a la derecha. Texto en el autobús: «NEXT STOP». "
        "Texto: «Main St». La matrícula del coche de la derecha es visible (sin transcribir). "
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
