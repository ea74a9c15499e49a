"""The typed shape of one language's words, shared by every language module.

A language module (``captioning/lang/<code>.py``) keeps all the words of its language in one
place: the nouns of the 80 COCO classes and of the back-off families, number words, hedges,
positions, sizes and relation words. The captioner's realiser and search both read them from
there, so each fact about a language lives once.

Shared here: :class:`Noun` and :class:`RelationWords`; :func:`fold` (case- and accent-free look-up
form); CLDR plural categories through babel (:func:`plural_category`, :func:`takes_plural`);
and :class:`FoldedReadingWords`, reading words that fold text first (search and evaluation read
"Baren" as "Bären"), with :func:`reading_table` and :func:`family_table` to build them from a
language's nouns.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

import babel

from captioning.lang.read import ReadingWords


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

    def form(self, case: str = "nom", *, plural: bool = False) -> str:
        """The noun in ``case`` ("nom", "acc", "dat", ...), singular or plural: the form in
        :attr:`cases` when there is one, else the nominative."""
        if case in self.cases:
            return self.cases[case][plural]
        return self.plural if plural else self.singular

    def forms(self) -> tuple[str, ...]:
        """Every distinct form of the noun (for reading text back)."""
        found = [self.singular, self.plural, *(f for pair in self.cases.values() for f in pair)]
        return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class RelationWords:
    """How a language says one relation predicate ("riding", "on", "holding", ...).

    Attributes:
        attributive: the words joining subject and object inside one noun phrase, as the alt text
            says a relation: English "riding" ("a person riding a horse"), German "auf" ("eine
            Person auf einem Pferd"), French "sur", Spanish "sobre".
        verb: the finite verb of a sentence, ``(singular, plural)`` subject: ("is riding", "are
            riding"), ("reitet", "reiten"), ("est", "sont").
        preposition: the preposition after the verb ("auf", "à côté de", "junto a"); ``""`` when
            the object follows the verb directly ("hält den Schirm", "tient le parapluie").
        case: the case the object takes after the verb (German: ``"dat"`` for "ist auf dem
            Tisch", ``"acc"`` for "hält den Schirm"); ``"nom"`` where nouns have no case. After
            ``attributive`` German always has the dative ("mit einem Schirm").
    """

    attributive: str
    verb: tuple[str, str]
    preposition: str = ""
    case: str = "nom"


def fold(text: str) -> str:
    """Case- and accent-insensitive form of ``text`` for looking words up: lower case, accents
    dropped ("Bären" -> "baren", "éléphant" -> "elephant", "móvil" -> "movil"), "ß" -> "ss",
    apostrophes and hyphens as spaces ("l'avion" -> "l avion", "hot-dog" -> "hot dog"), runs of
    spaces as one."""
    text = unicodedata.normalize("NFKD", text.casefold()).replace("œ", "oe").replace("æ", "ae")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"['’\-]", " ", text)
    return " ".join(text.split())


def plural_category(locale: str, n: int) -> str:
    """The CLDR plural category of ``n`` in ``locale`` ("one", "other", "many", ...), from babel's
    copy of the CLDR rules: French says 0 and 1 in the singular, German and Spanish only 1."""
    return _locale(locale).plural_form(n)


def takes_plural(locale: str, n: int) -> bool:
    """Whether a noun counted ``n`` times takes its plural form in ``locale``."""
    return plural_category(locale, n) != "one"


@functools.cache
def _locale(code: str) -> babel.Locale:
    return babel.Locale.parse(code)


def reading_table(nouns: Mapping[str, Noun], synonyms: Mapping[str, str]) -> dict[str, str]:
    """Folded word or phrase -> COCO label (``""`` for a phrase that names no object): every form
    of every noun (singular, plural, each case), then the language's everyday synonyms. The first
    entry for a word wins, so a class noun is never taken over by a synonym of another class."""
    table: dict[str, str] = {}
    for label, noun in nouns.items():
        for form in noun.forms():
            table.setdefault(fold(form), label)
    for word, label in synonyms.items():
        table.setdefault(fold(word), label)
    return table


def family_table(families: Mapping[str, Noun]) -> dict[str, str]:
    """Folded form -> back-off family, for every family noun but the generic "object" (the
    "other objects" of a text names nothing)."""
    return {fold(form): family for family, noun in families.items() if family != "object" for form in noun.forms()}


@dataclass(frozen=True)
class FoldedReadingWords(ReadingWords):
    """:class:`~captioning.lang.read.ReadingWords` that read case- and accent-insensitively:
    text is :func:`fold`-ed before it is split into words, so every key (objects, families,
    numbers, articles, hedges, ...) is given folded ("baren", "elephant", "movil").

    ``floor_before``: a floor said before its number ("au moins deux chiens"): the words are read
    as if they followed the number ("deux au moins chiens"), which is where
    :attr:`~captioning.lang.read.ReadingWords.floor` looks for them (set ``floor`` to the same words).

    ``ignore``: words read as if they were not there: an adjective phrase between an article and
    its noun that English says after the noun ("ein fast bildfüllender Kühlschrank" is read as
    "ein Kühlschrank", one refrigerator, as "a refrigerator filling most of the photo" is).
    """

    floor_before: tuple[str, ...] = ()
    ignore: frozenset[str] = frozenset()
    token: str = r"[a-z0-9]+"

    def tokens(self, text: str) -> list[str]:
        words = [w for w in re.findall(self.token, fold(text)) if w not in self.ignore]
        k = len(self.floor_before)
        if not k:
            return words
        out: list[str] = []
        i = 0
        while i < len(words):
            if tuple(words[i : i + k]) == self.floor_before and i + k < len(words) and words[i + k] in self.numbers:
                out += [words[i + k], *self.floor_before]
                i += k + 1
            else:
                out.append(words[i])
                i += 1
        return out
