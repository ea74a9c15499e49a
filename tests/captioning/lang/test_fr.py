"""The French realiser on realistic plans: sentences written by hand (Grevisse: elision "l'éléphant",
"d'autres", contraction "du", "des"; adjective agreement and place "une petite tasse", "une tasse de
taille moyenne"; "chacune" agreeing with its subject; a space before the colon)."""

from __future__ import annotations

import pytest

from captioning.lang import realise
from captioning.plan import Plan

EXPECTED = {
    "riding": (
        "Une personne sur un cheval et deux chiens à droite.",
        "Une personne de taille moyenne à gauche. Un grand cheval à gauche. Deux petits chiens à droite. "
        "La personne monte le cheval.",
    ),
    "hedged": (
        "Peut-être une tasse au centre, cinq ours en haut et d'autres objets.",
        "Peut-être une petite tasse au centre. Cinq grands ours en haut. "
        "Peut-être un autre très petit chien en bas à gauche.",
    ),
    "numbers": (
        "Un éléphant qui remplit la majeure partie de la photo, au moins deux tasses à gauche et beaucoup de livres.",
        "Un éléphant qui remplit la majeure partie de la photo. Deux tasses à gauche : une petite et une de taille "
        "moyenne. 21 livres dans toute la photo, la plupart petits ; le plus grand est de taille moyenne et à gauche. "
        "Les deux tasses sont à côté de l'éléphant.",
    ),
    "crowd": (
        "Un groupe de personnes et un parapluie en haut à droite.",
        "Un groupe de personnes dans toute la photo. "
        "Parmi elles, deux personnes de petite taille : une à gauche et une au centre. "
        "Deux grands chevaux au centre. Un petit parapluie en haut à droite. Les deux personnes montent "
        "chacune l'un des chevaux. La personne de gauche tient le parapluie.",
    ),
    "table": (
        "Quatre tasses, une table et peut-être plusieurs ours.",
        "Quatre petites tasses au centre. Une grande table en bas. Peut-être deux très petits ours à droite. "
        "Une petite bouche d'incendie à droite. Trois des tasses sont sur la table. "
        "L'un des ours est derrière la bouche d'incendie.",
    ),
    "text": (
        "Un bus à gauche et deux voitures. Texte sur le bus : «\u00a0NEXT STOP\u00a0». Texte : «\u00a0Main St\u00a0».",
        "Un grand bus à gauche. Deux petites voitures à droite. Texte sur le bus : «\u00a0NEXT STOP\u00a0». "
        "Texte : «\u00a0Main St\u00a0». "
        "La plaque d'immatriculation de la voiture de droite est visible (non transcrite). "
        "Le bus porte un texte qui n'a pas pu être lu clairement. Il y a un texte qui n'a pas pu être lu clairement.",
    ),
    "boxes": (
        "Un lit qui s'étend sur la majeure partie de la photo.",
        "Un lit qui s'étend sur la majeure partie de la photo. "
        "Les tailles sont approximatives : ce modèle encadre les objets par des rectangles, "
        "sans suivre leur forme exacte.",
    ),
}


@pytest.mark.parametrize("name", EXPECTED)
def test_plans_in_french(plans: dict[str, Plan], name: str) -> None:
    text = realise(plans[name], "fr")
    assert (text.alt_text, text.long_description) == EXPECTED[name]
