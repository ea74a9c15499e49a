"""French words and grammar against tables written by hand from Grevisse (Le Bon Usage, 16th
ed.: elision § 45-48, h aspiré § 48, contraction of à/de + le/les § 580, agreement of "un" in
compound numbers § 596) and Larousse's gender and plural entries, not from captioning.lang.fr's
own tables."""

from __future__ import annotations

import pytest

from captioning.lang import fr
from captioning.lang.words import plural_category

# label: (definite singular, plural) as Larousse gives them.
LAROUSSE = {
    "dog": ("le chien", "chiens"),
    "cat": ("le chat", "chats"),
    "horse": ("le cheval", "chevaux"),
    "cup": ("la tasse", "tasses"),
    "car": ("la voiture", "voitures"),
    "airplane": ("l'avion", "avions"),
    "elephant": ("l'éléphant", "éléphants"),
    "bird": ("l'oiseau", "oiseaux"),
    "clock": ("l'horloge", "horloges"),
    "bear": ("l'ours", "ours"),
    "hot dog": ("le hot-dog", "hot-dogs"),
    "boat": ("le bateau", "bateaux"),
    "knife": ("le couteau", "couteaux"),
    "cake": ("le gâteau", "gâteaux"),
    "cow": ("la vache", "vaches"),
    "bus": ("le bus", "bus"),
    "mouse": ("la souris", "souris"),
    "kite": ("le cerf-volant", "cerfs-volants"),
    "bottle": ("la bouteille", "bouteilles"),
    "giraffe": ("la girafe", "girafes"),
    "person": ("la personne", "personnes"),
    "dining table": ("la table", "tables"),
    "orange": ("l'orange", "oranges"),
    "laptop": ("l'ordinateur portable", "ordinateurs portables"),
}


@pytest.mark.parametrize("label", LAROUSSE)
def test_gender_elision_and_plural(label: str) -> None:
    word = fr.noun(label)
    assert (fr.definite(word), word.plural) == LAROUSSE[label]


@pytest.mark.parametrize(
    ("preposition", "phrase", "expected"),
    [
        ("à côté de", "le chien", "à côté du chien"),
        ("à côté de", "la table", "à côté de la table"),
        ("à côté de", "l'avion", "à côté de l'avion"),
        ("à côté de", "les chiens", "à côté des chiens"),
        ("à côté de", "un avion", "à côté d'un avion"),
        ("à côté de", "le hot-dog", "à côté du hot-dog"),
        ("à", "le centre", "au centre"),
        ("à", "les chiens", "aux chiens"),
        ("sur", "la table", "sur la table"),
        ("devant", "le bus", "devant le bus"),
    ],
)
def test_contraction_and_elision_after_prepositions(preposition: str, phrase: str, expected: str) -> None:
    assert "".join(fr.with_preposition(preposition, phrase)) == expected


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda: fr.indefinite(fr.noun("cup"), size="small"), "une petite tasse"),
        (lambda: fr.indefinite(fr.noun("dog"), size="small"), "un petit chien"),
        (lambda: fr.indefinite(fr.noun("dog"), size="large"), "un grand chien"),
        (lambda: fr.indefinite(fr.noun("cup"), size="medium"), "une tasse de taille moyenne"),
        (lambda: fr.counted(fr.noun("cup"), 2, size="small"), "deux petites tasses"),
        (lambda: fr.counted(fr.noun("dog"), 3, size="large"), "trois grands chiens"),
        (lambda: fr.definite(fr.noun("airplane"), size="small"), "le petit avion"),
        (lambda: fr.indefinite(fr.noun("cup"), size="very small"), "une très petite tasse"),
    ],
)
def test_adjective_agreement_and_place(build, expected: str) -> None:
    assert build() == expected


# CLDR (French): "one" for 0 and 1.
@pytest.mark.parametrize(("n", "category"), [(0, "one"), (1, "one"), (2, "other"), (5, "other"), (21, "other")])
def test_plural_category(n: int, category: str) -> None:
    assert plural_category("fr", n) == category


@pytest.mark.parametrize(
    ("label", "n", "expected"),
    [
        ("cup", 0, "zéro tasse"),
        ("cup", 1, "une tasse"),
        ("dog", 1, "un chien"),
        ("cup", 2, "deux tasses"),
        ("horse", 5, "cinq chevaux"),
        ("cup", 21, "vingt et une tasses"),
        ("dog", 21, "vingt et un chiens"),
        ("skis", 2, "deux paires de skis"),
    ],
)
def test_counted(label: str, n: int, expected: str) -> None:
    assert fr.counted(fr.noun(label), n) == expected


def test_list_and_positions() -> None:
    assert fr.join_list(["un chien", "une tasse", "deux chats"]) == "un chien, une tasse et deux chats"
    assert fr.position_phrase("left") == "à gauche"
    assert fr.position_phrase("centre") == "au centre"
    assert fr.position_phrase("lower right") == "en bas à droite"


def test_reading() -> None:
    found = [
        label
        for _, label, _ in fr.READING.find_objects(
            "Deux CHIENS à côté de l'Éléphant, un hot-dog et des ours en peluche"
        )
    ]
    assert found == ["dog", "elephant", "hot dog", "teddy bear"]
