"""The German realiser on realistic plans: sentences written by hand (Duden grammar: articles and
adjective endings by gender and case, dative after "auf", "neben", "vor", "hinter", "mit",
accusative after "halten", weak masculines "dem Elefanten", "dem Hydranten", "Bären")."""

from __future__ import annotations

import pytest

from captioning.lang import de, realise
from captioning.plan import Crowd, Members, Plan, Ref, RelationSentence, Sentence

EXPECTED = {
    "riding": (
        "Eine Person auf einem Pferd und zwei Hunde rechts.",
        "Eine mittelgroße Person links. Ein großes Pferd links. Zwei kleine Hunde rechts. "
        "Die Person reitet auf dem Pferd.",
    ),
    "hedged": (
        "Möglicherweise eine Tasse in der Mitte, fünf Bären oben und weitere Gegenstände.",
        "Möglicherweise eine kleine Tasse in der Mitte. Fünf große Bären oben. "
        "Möglicherweise ein weiterer sehr kleiner Hund unten links.",
    ),
    "numbers": (
        "Ein fast bildfüllender Elefant, mindestens zwei Tassen links und viele Bücher.",
        "Ein fast bildfüllender Elefant. Zwei Tassen links: eine kleine und eine mittelgroße. "
        # review-de item 5: "überall im Bild" is an adverbial like "links" (a participle group after
        # the noun would need commas); "die meisten davon" is the usual partitive.
        "21 Bücher überall im Bild, die meisten davon klein; das größte ist mittelgroß und links. "
        "Beide Tassen befinden sich neben dem Elefanten.",
    ),
    "crowd": (
        "Eine Gruppe von Personen und ein Regenschirm oben rechts.",
        "Eine Gruppe von Personen überall im Bild. "
        "Darunter zwei kleine Personen: eine links und eine in der Mitte. Zwei große Pferde in der Mitte. "
        "Ein kleiner Regenschirm oben rechts. Die zwei Personen reiten jeweils auf einem der Pferde. "
        # review-de items 1 and 8: the place of one of several as an attributive adjective (weak
        # after "die"); "hält X links" would read as holding it on the left (middle-field adverbial).
        "Die linke Person hält den Regenschirm.",
    ),
    "table": (
        "Vier Tassen, ein Tisch und möglicherweise einige Bären.",
        "Vier kleine Tassen in der Mitte. Ein großer Tisch unten. Möglicherweise zwei sehr kleine Bären rechts. "
        # review-de item 3: cups stand on a table ("stehen"), "befinden sich" is officialese.
        "Ein kleiner Hydrant rechts. Drei der Tassen stehen auf dem Tisch. "
        "Einer der Bären befindet sich hinter dem Hydranten.",
    ),
    "text": (
        "Ein Bus links und zwei Autos. Text auf dem Bus: „NEXT STOP“. Text: „Main St“.",
        "Ein großer Bus links. Zwei kleine Autos rechts. Text auf dem Bus: „NEXT STOP“. Text: „Main St“. "
        # review-de item 9: "wiedergegeben" (a plate is reproduced, not copied out).
        "Das rechte Auto hat ein sichtbares Kennzeichen (nicht wiedergegeben). "
        "Der Bus trägt Text, der nicht klar lesbar ist. Es gibt Text, der nicht klar lesbar ist.",
    ),
    "boxes": (
        # review-de item 9: "überspannen" is said of bridges; "reichen" for extent. Item 10: "Bild" throughout.
        "Ein fast über das ganze Bild reichendes Bett.",
        "Ein fast über das ganze Bild reichendes Bett. "
        "Die Größenangaben sind nur ungefähr: "
        "Dieses Modell erfasst Objekte als Rechtecke, nicht in ihrer genauen Form.",
    ),
}


@pytest.mark.parametrize("name", EXPECTED)
def test_plans_in_german(plans: dict[str, Plan], name: str) -> None:
    text = realise(plans[name], "de")
    assert (text.alt_text, text.long_description) == EXPECTED[name]


def _said(sentence: Sentence) -> str:
    """One sentence of the long description, capitalised and stopped as the shared code does."""
    text = "".join(part for part, _ in de.long_sentence(sentence, from_masks=True, before=()))
    return text[0].upper() + text[1:] + "."


# review-de item 1 (MUST): one of several told apart by place, as the object of "halten", is an
# attributive adjective declined weak after the article ("die linke Fernbedienung", "den rechten
# Regenschirm"; Duden, Die Grammatik: weak declension after the definite article), never an adverb
# after the object, which German reads as an adverbial of the verb ("hält die Fernbedienung links").
# A corner has no adjective: the place is anchored to the photo ("unten rechts im Bild").
HOLDING = [
    ("remote", "left", "Die Person hält die linke Fernbedienung."),
    ("remote", "centre", "Die Person hält die mittlere Fernbedienung."),
    ("handbag", "bottom", "Die Person hält die untere Handtasche."),
    ("umbrella", "right", "Die Person hält den rechten Regenschirm."),
    ("cell phone", "top", "Die Person hält das obere Handy."),
    ("handbag", "lower right", "Die Person hält die Handtasche unten rechts im Bild."),
]


@pytest.mark.parametrize(("label", "position", "expected"), HOLDING)
def test_holding_a_placed_object(label: str, position: str, expected: str) -> None:
    sentence = RelationSentence(Ref("person", (0,), "the"), "holding", Ref(label, (1,), "placed", position))
    assert _said(sentence) == expected


# review-de items 1 and 8: the same in the dative and the nominative ("Die rechte Person befindet
# sich hinter dem rechten Stuhl", not "Die Person rechts ... hinter dem Stuhl rechts").
def test_placed_subject_and_object_in_the_dative() -> None:
    sentence = RelationSentence(Ref("person", (0,), "placed", "right"), "behind", Ref("chair", (1,), "placed", "right"))
    assert _said(sentence) == "Die rechte Person befindet sich hinter dem rechten Stuhl."


# review-de item 2 (MUST): one stands "auf den Skiern" (Duden: Ski, plural Ski or Skier, dative
# Skiern), never "auf dem Paar Ski"; the measure noun stays for counting ("ein kleines Paar Ski").
def test_standing_on_skis() -> None:
    assert _said(Members("skis", (1,), 1, "small", "bottom")) == "Ein kleines Paar Ski unten."
    riding = RelationSentence(Ref("person", (0,), "the"), "riding", Ref("skis", (1,), "the"))
    assert _said(riding) == "Die Person steht auf den Skiern."
    on = RelationSentence(Ref("person", (2,), "the"), "on", Ref("skis", (3,), "placed", "left"))
    assert _said(on) == "Die Person steht auf den linken Skiern."


# review-de item 4: "Gruppe" is said of people and animals; things gather in an "Ansammlung"
# (+ dative plural after "von": "von Donuts", "von Brokkoliröschen").
@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("person", "Eine Gruppe von Personen oben."),
        ("sheep", "Eine Gruppe von Schafen oben."),
        ("donut", "Eine Ansammlung von Donuts oben."),
        ("broccoli", "Eine Ansammlung von Brokkoliröschen oben."),
    ],
)
def test_group_of_people_gathering_of_things(label: str, expected: str) -> None:
    assert _said(Crowd(label, (0,), "top")) == expected
