"""The German realiser on realistic plans: sentences written by hand (Duden grammar: articles and
adjective endings by gender and case, dative after "auf", "neben", "vor", "hinter", "mit",
accusative after "halten", weak masculines "dem Elefanten", "dem Hydranten", "Bären")."""

from __future__ import annotations

import pytest

from captioning.lang import realise
from captioning.plan import Plan

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
        "21 Bücher über das ganze Foto verteilt, die meisten klein; das größte ist mittelgroß und links. "
        "Beide Tassen befinden sich neben dem Elefanten.",
    ),
    "crowd": (
        "Eine Gruppe von Personen und ein Regenschirm oben rechts.",
        "Eine Gruppe von Personen über das ganze Foto verteilt. "
        "Darunter zwei kleine Personen: eine links und eine in der Mitte. Zwei große Pferde in der Mitte. "
        "Ein kleiner Regenschirm oben rechts. Die zwei Personen reiten jeweils auf einem der Pferde. "
        "Die Person links hält den Regenschirm.",
    ),
    "table": (
        "Vier Tassen, ein Tisch und möglicherweise einige Bären.",
        "Vier kleine Tassen in der Mitte. Ein großer Tisch unten. Möglicherweise zwei sehr kleine Bären rechts. "
        "Ein kleiner Hydrant rechts. Drei der Tassen befinden sich auf dem Tisch. "
        "Einer der Bären befindet sich hinter dem Hydranten.",
    ),
    "text": (
        "Ein Bus links und zwei Autos. Text auf dem Bus: „NEXT STOP“. Text: „Main St“.",
        "Ein großer Bus links. Zwei kleine Autos rechts. Text auf dem Bus: „NEXT STOP“. Text: „Main St“. "
        "Das Auto rechts hat ein sichtbares Kennzeichen (nicht abgeschrieben). "
        "Der Bus trägt Text, der nicht klar lesbar ist. Es gibt Text, der nicht klar lesbar ist.",
    ),
    "boxes": (
        "Ein fast das ganze Foto überspannendes Bett.",
        "Ein fast das ganze Foto überspannendes Bett. "
        "Größenangaben sind grob geschätzt: Dieses Modell umrahmt Objekte mit Rechtecken statt mit ihrer genauen Form.",
    ),
}


@pytest.mark.parametrize("name", EXPECTED)
def test_plans_in_german(plans: dict[str, Plan], name: str) -> None:
    text = realise(plans[name], "de")
    assert (text.alt_text, text.long_description) == EXPECTED[name]
