"""The French realiser on realistic plans: sentences written by hand (Grevisse: elision "l'éléphant",
"d'autres", contraction "du", "des"; adjective agreement and place "une petite tasse", "une tasse de
taille moyenne"; "chacune" agreeing with its subject; a no-break space before the colon)."""

from __future__ import annotations

import re

import pytest

from captioning.lang import fr, realise
from captioning.plan import Largest, Members, Part, Plan, Ref, RelationSentence, Sentence, Summary

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
        # review-fr item 9: "occuper" is the verb for an area ("remplir" a container).
        "Un éléphant qui occupe la majeure partie de la photo, au moins deux tasses à gauche et beaucoup de livres.",
        # Item 1: no-break space before ":" and a narrow one before ";" (Lexique de l'Imprimerie
        # nationale). Item 6: "un peu partout sur la photo". Item 8: "le plus grand, de taille
        # moyenne, est à gauche" (no size and place coordinated after "est").
        "Un éléphant qui occupe la majeure partie de la photo. Deux tasses à gauche\u00a0: une petite et une de "
        "taille moyenne. 21 livres un peu partout sur la photo, la plupart petits\u202f; le plus grand, de taille "
        "moyenne, est à gauche. "
        "Les deux tasses sont à côté de l'éléphant.",
    ),
    "crowd": (
        "Un groupe de personnes et un parapluie en haut à droite.",
        "Un groupe de personnes un peu partout sur la photo. "
        "Parmi elles, deux personnes de petite taille\u00a0: une à gauche et une au centre. "
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
        "Un bus à gauche et deux voitures. Texte sur le bus\u00a0: «\u00a0NEXT STOP\u00a0». "
        "Texte\u00a0: «\u00a0Main St\u00a0».",
        "Un grand bus à gauche. Deux petites voitures à droite. Texte sur le bus\u00a0: «\u00a0NEXT STOP\u00a0». "
        "Texte\u00a0: «\u00a0Main St\u00a0». "
        "La plaque d'immatriculation de la voiture de droite est visible (non transcrite). "
        "Le bus porte un texte qui n'a pas pu être lu clairement. Il y a un texte qui n'a pas pu être lu clairement.",
    ),
    "boxes": (
        "Un lit qui s'étend sur la majeure partie de la photo.",
        "Un lit qui s'étend sur la majeure partie de la photo. "
        # review-fr item 12: "repérer … par des rectangles, sans suivre leur contour" (a parallel construction).
        "Les tailles sont approximatives\u00a0: ce modèle repère les objets par des rectangles, "
        "sans suivre leur contour exact.",
    ),
}


@pytest.mark.parametrize("name", EXPECTED)
def test_plans_in_french(plans: dict[str, Plan], name: str) -> None:
    text = realise(plans[name], "fr")
    assert (text.alt_text, text.long_description) == EXPECTED[name]


def _said(sentence: Sentence) -> str:
    """One sentence of the long description, capitalised and stopped as the shared code does."""
    text = "".join(part for part, _ in fr.long_sentence(sentence, from_masks=True, before=()))
    return text[0].upper() + text[1:] + "."


# review-fr item 1 (MUST): a no-break space (U+00A0) before ":" and a narrow no-break space
# (U+202F) before ";" (Lexique des règles typographiques en usage à l'Imprimerie nationale): a
# plain space lets the colon wrap to the start of a line.
def test_no_break_spaces_before_colon_and_semicolon() -> None:
    members = Members(
        "person", (0, 1), 2, None, None, (Part((0,), 1, "small", "left"), Part((1,), 1, "small", "right"))
    )
    assert _said(members) == "Deux personnes\u00a0: une de petite taille à gauche et une de petite taille à droite."
    summary = Summary("book", tuple(range(11)), 11, "left", "small", False, Largest(3, "medium", "right"))
    assert "\u202f; " in _said(summary) and " ; " not in _said(summary)
    for text in (fr.EMPTY_ALT, fr.EMPTY_LONG, fr.BOXES_NOTE, *fr.PHRASES.values()):
        assert not re.search(r" [:;]", text), text


# review-fr item 3 (MUST): COCO boxes a piece of broccoli; "un brocoli" is a whole head (Larousse).
def test_piece_of_broccoli() -> None:
    assert _said(Members("broccoli", (0,), 1, "large", "left")) == "Un grand morceau de brocoli à gauche."
    assert fr.counted(fr.noun("broccoli"), 13) == "treize morceaux de brocoli"
    some = RelationSentence(
        Ref("broccoli", (0, 1, 2), "some_of", total=5), "on", Ref("dining table", (9,), "the"), plural=True
    )
    assert _said(some) == "Trois des morceaux de brocoli sont sur la table."


# review-fr item 5 (MUST): "toutes petites" is also "tout petites" (very small): adverbial "tout"
# agrees before a feminine adjective beginning with a consonant (Grevisse § 994), so the spelling
# cannot tell "all small" from "very small"; "toutes de petite taille" can.
def test_all_the_same_size_is_not_read_as_very() -> None:
    bottles = Summary("bottle", tuple(range(12)), 12, "across the photo", "small", True)
    assert _said(bottles) == "Douze bouteilles un peu partout sur la photo, toutes de petite taille."
    books = Summary("book", tuple(range(12)), 12, "left", "very small", True)
    assert _said(books) == "Douze livres à gauche, tous de très petite taille."


# review-fr item 7: "principalement", set off by commas (an incidental; without them the adverb
# seems to modify the noun).
def test_mostly_place_between_commas() -> None:
    people = Summary("person", tuple(range(12)), 12, "mostly centre", "very small", False)
    assert _said(people) == "Douze personnes, principalement au centre, la plupart de très petite taille."


# review-fr item 10: "sur les skis", not the calque "sur la paire de skis".
def test_on_skis() -> None:
    on = RelationSentence(Ref("person", (0,), "the"), "riding", Ref("skis", (1,), "the"))
    assert _said(on) == "La personne est sur les skis."
