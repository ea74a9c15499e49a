"""The typed shape of one language's words, shared by every language module.

A language module (``captioning/lang/<code>.py``) keeps all the words of its language in one
place: the nouns of the 80 COCO classes and of the back-off families, number words, hedges,
positions, sizes and relation words. The captioner's realiser and search both read them from
there, so each fact about a language lives once.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Noun:
    """A noun as a realiser needs it.

    Attributes:
        singular: nominative singular ("Hund", "chien", "perro", "dog").
        plural: nominative plural ("Hunde", "chiens", "perros", "dogs").
        gender: ``"m"``, ``"f"`` or ``"n"`` (German), ``"m"`` or ``"f"`` (French, Spanish),
            ``""`` where the language has no grammatical gender for nouns (English).
        cases: other case forms the language needs, by case name, each ``(singular, plural)``:
            German ``{"dat": ("Bären", "Bären")}`` for "neben dem Bären". Absent cases take the
            nominative forms (with the language's regular endings applied by its realiser).
        elides: French only: whether the article elides before this noun ("l'avion"); ``None``
            means decide from the spelling.
    """

    singular: str
    plural: str
    gender: str = ""
    cases: dict[str, tuple[str, str]] = field(default_factory=dict)
    elides: bool | None = None
