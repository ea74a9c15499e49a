"""What search understood, said in the reader's language (the interface's, ``get_language()``),
whatever language the query was typed in: "zwei Hunde" typed under an English interface reads
back "exactly 2 dogs", and "two dogs" under a German one "genau 2 Hunde".

The frames ("at least %(count)s %(things)s") are Django messages (translated in
``locale/<lang>/LC_MESSAGES/django.po``); the nouns, sizes, places and relation words come from
the language's module in :mod:`captioning.lang` and are put together by its own grammar
(agreement, cases, contractions), so no word of a language is written twice.
"""

from __future__ import annotations

from types import ModuleType

from babel import Locale
from django.utils.translation import get_language, gettext, pgettext

from captioning.lang import language
from captioning.lang.words import Noun, takes_plural
from webapp.search.query import All, Any, Atom, Meaning, Node, Not, Reading
from webapp.search.vocabulary import DEFAULT_LANGUAGE, SEARCH_LANGUAGES


def reader_language(lang: str | None = None) -> str:
    """``lang`` or the active interface language, as one of the search languages ("de-at" -> "de")."""
    code = (lang or get_language() or DEFAULT_LANGUAGE).split("-")[0].lower()
    return code if code in SEARCH_LANGUAGES else DEFAULT_LANGUAGE


def _module(code: str) -> ModuleType:
    return language(code)


# COCO supercategories that no language module has a back-off noun for: their names are messages.
def _super_names() -> dict[str, tuple[str, str]]:
    return {
        "outdoor": (gettext("outdoor object"), gettext("outdoor objects")),
        "accessory": (gettext("accessory"), gettext("accessories")),
        "sports": (gettext("piece of sports equipment"), gettext("pieces of sports equipment")),
        "kitchen": (gettext("kitchen item"), gettext("kitchen items")),
        "indoor": (gettext("indoor object"), gettext("indoor objects")),
    }


def _noun(module: ModuleType, kind: str, name: str) -> Noun:
    found = module.NOUNS.get(name) if kind == "label" else module.FAMILY_NOUNS.get(name)
    if found is not None:
        return found
    singular, plural = _super_names().get(name, (name, name))
    return Noun(singular, plural)


def noun_phrase(code: str, kind: str, name: str, *, plural: bool, size: str = "") -> str:
    """The noun with its size adjective, agreeing, no article: "large dogs", "große Hunde",
    "grands chiens", "perros grandes"."""
    module = _module(code)
    noun = _noun(module, kind, name)
    if not size:
        return noun.plural if plural else noun.singular
    if hasattr(module, "noun_group"):  # French, Spanish: the adjective agrees and takes its place
        return module.noun_group(noun, plural=plural, size=size)
    if hasattr(module, "adjective") and noun.gender:  # German: declined (strong, after a number)
        adjective = module.adjective(module.SIZES[size], noun.gender, "nom", plural=plural)
        return f"{adjective} {module.noun_form(noun, 'nom', plural=plural)}"
    return f"{size} {noun.plural if plural else noun.singular}"


def _object(code: str, meaning: Meaning) -> str:
    """The relation and its object: "riding a horse", "auf einem Pferd", "sur un cheval"."""
    module = _module(code)
    noun = _noun(module, meaning.object_kind, meaning.object_name)
    size = meaning.object_size
    relations = getattr(module, "RELATIONS", None)
    if code == "en" or relations is None or not noun.gender:
        words = noun_phrase(code, meaning.object_kind, meaning.object_name, plural=False, size=size)
        article = module.article(words) if hasattr(module, "article") else ""
        verb = relations[meaning.predicate].attributive if relations else meaning.predicate
        return f"{verb} {article} {words}".replace("  ", " ")
    attributive = relations[meaning.predicate].attributive
    if hasattr(module, "with_preposition"):  # French, Spanish: "à côté d'un chien", "junto a un perro"
        lead, rest = module.with_preposition(attributive, module.indefinite(noun, size=size))
        return f"{lead}{rest}"
    return f"{attributive} {module.indefinite(noun, module.ATTRIBUTIVE_CASE, size=size)}"


def _place(code: str, places: tuple[str, ...]) -> str:
    if not places:
        return ""
    vertical = [p for p in places if p in ("top", "bottom")]
    horizontal = [p for p in places if p not in ("top", "bottom")]
    if vertical and horizontal and horizontal[0] != "centre":
        key = f"{'upper' if vertical[0] == 'top' else 'lower'} {horizontal[0]}"
    else:
        key = (vertical or horizontal)[0]
    return _module(code).position_phrase(key)


def _things(code: str, meaning: Meaning, n: int, *, article: bool = False) -> str:
    """The thing counted ``n`` times, with its size, relation and place; ``article``: one of
    them with the language's word for one ("one large dog", "ein großer Hund", "une petite tasse")."""
    if article:
        text = _a(code, meaning)
    else:
        plural = takes_plural(code, n) if n != 1 else False
        text = noun_phrase(code, meaning.kind, meaning.name, plural=plural, size=meaning.size)
    if meaning.predicate:
        text = f"{text} {_object(code, meaning)}"
    if meaning.places:
        text = f"{text} {_place(code, meaning.places)}"
    return text


def _a(code: str, meaning: Meaning) -> str:
    """One thing, said with the word for one that agrees with it."""
    module = _module(code)
    noun = _noun(module, meaning.kind, meaning.name)
    if not noun.gender or not hasattr(module, "indefinite"):
        return (
            f"{module.number_word(1)} {noun_phrase(code, meaning.kind, meaning.name, plural=False, size=meaning.size)}"
        )
    return module.indefinite(noun, size=meaning.size)


def _atom(code: str, atom: Atom) -> str:
    meaning, low, high = atom.meaning, atom.low, atom.high
    if meaning.word:
        if (low, high) == (0, 0):
            return gettext("without “%(word)s” in the alt text") % {"word": meaning.word}
        return gettext("“%(word)s” in the alt text") % {"word": meaning.word}
    if high is None:
        if low <= 1:
            # "at least one large dog", "mindestens ein großer Hund": the thing carries its "one".
            return gettext("at least %(one_thing)s") % {"one_thing": _things(code, meaning, 1, article=True)}
        return gettext("at least %(count)s %(things)s") % {"count": low, "things": _things(code, meaning, low)}
    if low == high:
        if low == 0:
            return gettext("no %(things)s") % {"things": _things(code, meaning, 2)}
        return gettext("exactly %(count)s %(things)s") % {"count": low, "things": _things(code, meaning, low)}
    if low == 0:
        return gettext("at most %(count)s %(things)s") % {"count": high, "things": _things(code, meaning, high)}
    return gettext("%(low)s to %(high)s %(things)s") % {
        "low": low,
        "high": high,
        "things": _things(code, meaning, high),
    }


def explain(node: Node | None, lang: str | None = None) -> str:
    """``node`` in words of the reader's language: "at least one large dog on the left",
    "genau 2 Hunde oder keine Katzen"."""
    if node is None:
        return ""
    code = reader_language(lang)
    if isinstance(node, Atom):
        return _atom(code, node)
    if isinstance(node, Not):
        inner = explain(node.child, code)
        return gettext("not (%(condition)s)") % {"condition": inner}
    joiner = pgettext("search conditions", "and") if isinstance(node, All) else pgettext("search conditions", "or")
    parts = [explain(c, code) if not isinstance(c, All | Any) else f"({explain(c, code)})" for c in node.children]
    # "eine Person auf einem Pferd" asks for riding or standing on: said once, as it was asked.
    return f" {joiner} ".join(dict.fromkeys(parts))


def reading_note(reading: Reading, lang: str | None = None) -> str:
    """ "“puppy” finds all dogs: the detector does not tell them apart." in the reader's language."""
    code = reader_language(lang)
    things = noun_phrase(code, reading.kind, reading.name, plural=True)
    return gettext("“%(typed)s” finds all %(things)s: the detector does not tell them apart.") % {
        "typed": reading.typed,
        "things": things,
    }


def language_note(query_lang: str, lang: str | None = None) -> str:
    """ "Your search was read as French." in the reader's language (the language's name from
    CLDR, through babel: "Französisch", "francés")."""
    code = reader_language(lang)
    name = Locale.parse(code).languages.get(query_lang, query_lang)
    return gettext("Your search was read as %(language)s.") % {"language": name}
