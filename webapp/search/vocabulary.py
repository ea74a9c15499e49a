"""The words search understands, per language, read from the language modules
(:mod:`captioning.lang`): each language's nouns and reading words (every form of the 80 COCO
labels and of the back-off families, everyday synonyms), number words (with their gender:
"eine", "une", "una", "veintiuna"), size adjectives, positions and relation words. Search keeps
no noun, number, size or place word of its own: it only adds the words a *query* needs and
the captioner never writes (operators such as "at least" / "mindestens", everyday size words
such as "huge" / "riesig"), in :data:`QUERY_WORDS`.

Every key is folded (:func:`captioning.lang.words.fold`: case and accents dropped, "ß" -> "ss"),
so search is case- and accent-insensitive ("Äpfel" = "apfel", "éléphant" = "elephant"); plurals
and case forms are the nouns' own forms ("Hunde", "chiens", "perros", "Hunden").

Pure Python (no Django): the parser, the index builder and the benchmark share these tables.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import ModuleType

from captioning.lang import DEFAULT_LANGUAGE as CAPTION_DEFAULT_LANGUAGE
from captioning.lang import LANGUAGES, language
from captioning.lang.words import Noun, fold
from captioning.model import PREDICATES
from captioning.vocabulary import FAMILY, SUPERCATEGORY

# COCO supercategory -> its labels, in COCO order: derived from the captioner's table, so search
# and the text back off to the same families.
SUPERCATEGORIES: dict[str, tuple[str, ...]] = {}
for _label, _sup in SUPERCATEGORY.items():
    SUPERCATEGORIES[_sup] = (*SUPERCATEGORIES.get(_sup, ()), _label)
LABELS: tuple[str, ...] = tuple(label for labels in SUPERCATEGORIES.values() for label in labels)
SUPERCATEGORY_OF: dict[str, str] = {label: sup for sup, labels in SUPERCATEGORIES.items() for label in labels}
FAMILIES: dict[str, tuple[str, ...]] = {}
for _label, _family in FAMILY.items():
    FAMILIES[_family] = (*FAMILIES.get(_family, ()), _label)

DEFAULT_LANGUAGE = CAPTION_DEFAULT_LANGUAGE


@dataclass(frozen=True)
class QueryWords:
    """The words of one language that only a query needs (all folded, phrases space-separated).

    Attributes:
        at_least, at_most, more_than, fewer_than: phrases before a number ("at least 2 dogs").
        or_more, or_fewer: phrases after a number ("2 or more dogs").
        exactly: before a number, or alone for one ("only dogs" is not this: "exactly one dog").
        none: "no dogs" (count 0).
        many: "several dogs" (two or more).
        negation: "dog without cat", "dog -cat".
        conjunction, disjunction: "dog and cat", "dog or cat".
        articles: skipped before a thing ("a", "the", "einen", "l", "los").
        stopwords: words that carry no meaning for search, in queries and in indexed alt text.
        to: between two numbers of a range ("2 to 4 dogs").
        sizes: everyday size words the captioner never writes -> size class ("huge" -> large).
        places: everyday place words the captioner never writes -> place ("middle" -> centre).
        place_tail: words after a place that add nothing ("on the left side").
        linkers: words between a thing and its relation ("who is", "qui", "que", "der").
        numbers: number words the language module does not write ("couple", "Dutzend", "ambos").
        relations: everyday relation phrases besides the language's own -> predicate(s).
        supercategories: words for a COCO supercategory (``s:<name>`` in the index) the
            language module does not have as a back-off family noun.
    """

    at_least: tuple[str, ...]
    at_most: tuple[str, ...]
    more_than: tuple[str, ...]
    fewer_than: tuple[str, ...]
    or_more: tuple[str, ...]
    or_fewer: tuple[str, ...]
    exactly: tuple[str, ...]
    none: tuple[str, ...]
    many: tuple[str, ...]
    negation: tuple[str, ...]
    conjunction: tuple[str, ...]
    disjunction: tuple[str, ...]
    articles: tuple[str, ...]
    stopwords: tuple[str, ...]
    to: tuple[str, ...] = ()
    sizes: Mapping[str, str] = field(default_factory=dict)
    places: Mapping[str, str] = field(default_factory=dict)
    place_tail: tuple[str, ...] = ()
    linkers: tuple[str, ...] = ()
    numbers: Mapping[str, int] = field(default_factory=dict)
    relations: Mapping[str, str] = field(default_factory=dict)
    supercategories: Mapping[str, str] = field(default_factory=dict)


def _w(text: str) -> tuple[str, ...]:
    """ "at least|no fewer than" -> ("at least", "no fewer than"), folded."""
    return tuple(fold(p) for p in text.split("|") if p.strip())


# The query words of each language. Phrases are separated by "|".
QUERY_WORDS: dict[str, QueryWords] = {
    "en": QueryWords(
        at_least=_w("at least|no fewer than|no less than|min|minimum|atleast"),
        at_most=_w("at most|up to|no more than|max|maximum|atmost"),
        more_than=_w("more than|greater than|over|above"),
        fewer_than=_w("fewer than|less than|under|below"),
        or_more=_w("or more|or over|or above"),
        or_fewer=_w("or fewer|or less|or under|or below"),
        exactly=_w("exactly|only|just|precisely"),
        none=_w("no|zero|none|no one|nobody"),
        many=_w("many|several|multiple|lots of|lots|various|a lot of"),
        negation=_w("not|without|except|excluding|minus"),
        conjunction=_w("with|plus|but|also|&|,"),
        disjunction=_w("or"),
        articles=_w("a|an|the|some|any|of"),
        stopwords=_w(
            "a|an|the|of|in|at|on|to|by|with|and|or|not|is|are|was|were|be|been|it|its|this|that|these|"
            "those|there|here|photo|photos|picture|pictures|image|images|shot|showing|shows|show|find|me|"
            "my|some|any|please|which|who|whose|from|for|as|into"
        ),
        to=_w("to|-"),
        sizes={
            **dict.fromkeys(_w("big|huge|giant|close up|closeup|very large|very big"), "large"),
            **dict.fromkeys(_w("medium|medium sized|mid sized"), "medium"),
            **dict.fromkeys(_w("little|tiny|distant|very small"), "small"),
        },
        places={
            **dict.fromkeys(_w("center|middle"), "centre"),
            **dict.fromkeys(_w("upper"), "top"),
            **dict.fromkeys(_w("lower|foreground"), "bottom"),
        },
        place_tail=_w("side|corner|half|edge"),
        linkers=_w("who|that|which|is|are|being"),
        numbers={"single": 1, "pair": 2, "couple": 2, "both": 2, "dozen": 12},
        relations={
            **dict.fromkeys(_w("on top of|sitting on|standing on|lying on|onto|atop"), "on"),
            **dict.fromkeys(_w("rides|ride|riding on"), "riding"),
            **dict.fromkeys(_w("holds|hold|carrying|carries"), "holding"),
            **dict.fromkeys(_w("beside|besides|near|by|alongside"), "next to"),
        },
        supercategories={
            **dict.fromkeys(_w("pet|pets|wildlife"), "animal"),
            **dict.fromkeys(_w("transport"), "vehicle"),
            **dict.fromkeys(_w("food|foods|meal|fruit|fruits"), "food"),
            **dict.fromkeys(_w("furniture|furnitures"), "furniture"),
            **dict.fromkeys(_w("electronic|electronics|gadget|gadgets"), "electronic"),
            **dict.fromkeys(_w("appliance|appliances"), "appliance"),
            **dict.fromkeys(_w("accessory|accessories"), "accessory"),
            **dict.fromkeys(_w("kitchen|kitchenware"), "kitchen"),
            **dict.fromkeys(_w("sport|sports|sports equipment"), "sports"),
            **dict.fromkeys(_w("outdoor|outdoors"), "outdoor"),
            **dict.fromkeys(_w("indoor|indoors"), "indoor"),
        },
    ),
    "de": QueryWords(
        at_least=_w("wenigstens|minimal|min|minimum"),
        at_most=_w("höchstens|maximal|max|bis zu|nicht mehr als"),
        more_than=_w("mehr als|über"),
        fewer_than=_w("weniger als|unter"),
        or_more=_w("oder mehr|und mehr"),
        or_fewer=_w("oder weniger"),
        exactly=_w("genau|exakt|nur|genau ein|genau eine"),
        none=_w("kein|keine|keinen|keinem|keiner|keines|null|niemand"),
        many=_w("mehrere|etliche|zahlreiche"),
        negation=_w("ohne|nicht|außer|ausser|abzüglich"),
        conjunction=_w("mit|sowie|plus|auch|&|,"),
        disjunction=(),
        articles=_w("der|die|das|den|dem|des|ein|eine|einen|einem|einer|eines|irgendein|irgendeine"),
        stopwords=_w(
            "der|die|das|den|dem|des|ein|eine|einen|einem|einer|eines|und|oder|mit|in|im|am|an|auf|zu|zum|"
            "zur|von|vom|ist|sind|es|foto|fotos|bild|bilder|zeige|zeig|finde|mir|meine|bitte|welche|wo|"
            "für|als|bei|beim"
        ),
        to=_w("bis|-"),
        sizes={
            **dict.fromkeys(_w("riesig|riesige|riesiger|riesiges|riesigen|nah|nahe"), "large"),
            **dict.fromkeys(
                _w("winzig|winzige|winziger|winziges|winzigen|klitzeklein|fern|ferne|entfernt|entfernte"), "small"
            ),
        },
        places={**dict.fromkeys(_w("mitte|zentrum"), "centre"), **dict.fromkeys(_w("vordergrund"), "bottom")},
        place_tail=_w("seite|ecke|hälfte|rand"),
        linkers=_w("der|die|das|welcher|welche|welches|ist|sind"),
        numbers={"beide": 2, "dutzend": 12},
        relations={
            **dict.fromkeys(_w("sitzt auf|liegt auf|oben auf"), "on"),
            **dict.fromkeys(_w("reitet|reiten|reitend|fährt|fahren"), "riding"),
            **dict.fromkeys(_w("hält|halten|haltend|trägt|tragen"), "holding"),
            **dict.fromkeys(_w("bei|nahe|nahe bei|direkt neben"), "next to"),
        },
        supercategories={
            fold("möbel"): "furniture",
            fold("haustier"): "animal",
            fold("haustiere"): "animal",
            fold("essen"): "food",
            fold("elektronik"): "electronic",
            fold("sportgerät"): "sports",
            fold("sportgeräte"): "sports",
        },
    ),
    "fr": QueryWords(
        at_least=_w("au minimum|minimum|pas moins de"),
        at_most=_w("au plus|au maximum|maximum|jusqu a|pas plus de"),
        more_than=_w("plus de|plus que"),
        fewer_than=_w("moins de|moins que"),
        or_more=_w("ou plus|et plus"),
        or_fewer=_w("ou moins"),
        exactly=_w("exactement|seulement|juste|uniquement|pile"),
        none=_w("aucun|aucune|pas de|zero"),
        many=_w("de nombreux|de nombreuses|nombreux|nombreuses|des tas de"),
        negation=_w("sans|pas|sauf|excepte|hormis"),
        conjunction=_w("avec|ainsi que|&|,"),
        disjunction=(),
        articles=_w("le|la|les|l|un|une|des|du|de|d|au|aux"),
        stopwords=_w(
            "le|la|les|l|un|une|des|du|de|d|au|aux|et|ou|avec|dans|en|a|sur|est|sont|photo|photos|image|"
            "images|montre|montrer|trouve|trouver|moi|mes|svp|qui|pour|par"
        ),
        to=_w("a|-"),
        sizes={
            **dict.fromkeys(_w("gros|grosse|grosses|enorme|enormes|geant|geante|geants|geantes"), "large"),
            **dict.fromkeys(_w("moyen|moyenne|moyens|moyennes"), "medium"),
            **dict.fromkeys(_w("minuscule|minuscules|lointain|lointaine|lointains|lointaines"), "small"),
        },
        places={**dict.fromkeys(_w("milieu"), "centre"), **dict.fromkeys(_w("premier plan"), "bottom")},
        place_tail=_w("cote|coin|moitie|bord"),
        linkers=_w("qui|est|sont|etant"),
        numbers={"paire": 2, "douzaine": 12, "les deux": 2},
        relations={
            **dict.fromkeys(_w("assis sur|debout sur|couche sur|pose sur|au dessus de"), "on"),
            **dict.fromkeys(_w("monte|montent|montant|chevauche|chevauchent|a cheval sur|conduit"), "riding"),
            **dict.fromkeys(_w("tient|tiennent|tenant|porte|portent|portant"), "holding"),
            **dict.fromkeys(_w("pres de|a cote d|pres d|aupres de"), "next to"),
        },
        supercategories={
            fold("nourriture"): "food",
            fold("electronique"): "electronic",
            fold("equipement de sport"): "sports",
            fold("fruits"): "food",
        },
    ),
    "es": QueryWords(
        at_least=_w("por lo menos|como minimo|minimo|no menos de"),
        at_most=_w("como maximo|a lo sumo|maximo|hasta|no mas de"),
        more_than=_w("mas de|mas que"),
        fewer_than=_w("menos de|menos que"),
        or_more=_w("o mas|y mas"),
        or_fewer=_w("o menos"),
        exactly=_w("exactamente|solo|solamente|justo|unicamente"),
        none=_w("ningun|ninguna|ninguno|ningunos|ningunas|cero|nadie"),
        many=_w("numerosos|numerosas"),
        negation=_w("sin|no|excepto|salvo|menos"),
        conjunction=_w("e|con|ademas de|&|,"),
        disjunction=_w("u"),
        articles=_w("el|la|los|las|lo|un|una|unos|unas|del|al|de"),
        stopwords=_w(
            "el|la|los|las|lo|un|una|unos|unas|del|al|de|y|e|o|u|con|en|a|es|esta|estan|foto|fotos|imagen|"
            "imagenes|muestra|mostrar|busca|buscar|encuentra|mis|por|favor|que|para"
        ),
        to=_w("a|-"),
        sizes={
            **dict.fromkeys(_w("gran|enorme|enormes|gigante|gigantes"), "large"),
            **dict.fromkeys(_w("diminuto|diminuta|diminutos|diminutas"), "small"),
        },
        places={**dict.fromkeys(_w("medio"), "centre"), **dict.fromkeys(_w("primer plano"), "bottom")},
        place_tail=_w("lado|esquina|mitad|borde"),
        linkers=_w("que|esta|estan|es|son"),
        numbers={"par": 2, "docena": 12, "ambos": 2, "ambas": 2},
        relations={
            **dict.fromkeys(_w("sentado en|sentada en|de pie en|encima de"), "on"),
            **dict.fromkeys(_w("monta|montan|montando|montado en|montada en|a caballo en|va en"), "riding"),
            **dict.fromkeys(_w("sostiene|sostienen|sosteniendo|lleva|llevan|llevando"), "holding"),
            **dict.fromkeys(_w("cerca de|al lado de"), "next to"),
            **dict.fromkeys(_w("enfrente de"), "in front of"),
        },
        supercategories={fold("comida"): "food", fold("electronica"): "electronic", fold("fruta"): "food"},
    ),
}


#: The languages search reads: every language of the captioner that has its query words above (a
#: new language is its module in captioning/lang/ and one entry of QUERY_WORDS).
SEARCH_LANGUAGES: tuple[str, ...] = tuple(code for code in LANGUAGES if code in QUERY_WORDS)


@dataclass(frozen=True)
class SearchWords:
    """Everything the parser reads in one language, all folded.

    Attributes:
        code: the language ("de").
        nouns: phrase -> ``(kind, name)``: ``("label", "dog")``, ``("super", "animal")`` (a COCO
            supercategory, ``s:<name>`` in the index) or ``("family", "bag")`` (a back-off family
            of the captioner that is no supercategory: its labels, each).
        own_nouns: the phrases that are a label's or a family's own noun forms (anything else in
            ``nouns`` is a synonym, and the search says how it read it).
        numbers: number word -> value (every gender: "ein", "eine", "un", "une", "veintiuna").
        ones: the number words for 1 that are also the indefinite article ("ein", "une", "una"):
            alone they mean "at least one" ("eine Person"); after "exactly", one.
        sizes: size word or phrase -> size class stored in the index (large, medium, small).
        places: place word -> place (left, right, centre, top, bottom).
        place_lead: words that may stand before a place word ("on the", "à", "a la", "in der").
        relations: relation phrase -> the captioner's predicates it may mean ("auf" is "riding" or
            "on": "eine Person auf einem Pferd").
        query: :class:`QueryWords`.
    """

    code: str
    nouns: Mapping[str, tuple[str, str]]
    own_nouns: frozenset[str]
    numbers: Mapping[str, int]
    ones: frozenset[str]
    sizes: Mapping[str, str]
    places: Mapping[str, str]
    place_lead: frozenset[str]
    relations: Mapping[str, tuple[str, ...]]
    query: QueryWords

    @functools.cached_property
    def max_noun_words(self) -> int:
        return max(len(p.split()) for p in self.nouns)

    @functools.cached_property
    def known_words(self) -> tuple[str, ...]:
        """Every word or phrase a query may use (for "did you mean")."""
        return tuple(sorted({*self.nouns, *self.numbers, *self.sizes, *self.places, *self.relations} - {""}))


# Size classes of captioning.geometry -> the classes the index stores (see terms.SIZE_OF_CLASS).
SIZE_CLASS = {"most": "large", "large": "large", "medium": "medium", "small": "small", "very small": "small"}


def _object_words(module: ModuleType) -> tuple[dict[str, str], dict[str, str]]:
    """(folded phrase -> label, folded phrase -> family) from the module's reading words
    (``READING``) and the words only a search box needs (``SEARCH_SYNONYMS``, where a module has
    them); phrases that name no object ("bus stop") are left out."""
    objects = {fold(k): v for k, v in module.READING.objects.items() if v}
    for phrase, label in getattr(module, "SEARCH_SYNONYMS", {}).items():
        objects.setdefault(fold(phrase), label)
    families = {fold(k): v for k, v in module.READING.families.items() if v != "object"}
    return objects, families


def _genders(module: ModuleType) -> list[str]:
    return sorted({noun.gender for noun in module.NOUNS.values()} - {""})


def _number_words(module: ModuleType) -> tuple[dict[str, int], frozenset[str]]:
    """Every gendered form of 0..100 (and the German case forms of one) from ``number_word``."""
    numbers: dict[str, int] = {}
    genders = _genders(module)
    for n in range(0, 101):
        forms = {module.number_word(n, g) for g in genders} if genders else {module.number_word(n)}
        for form in forms:
            if not form.isdigit():
                numbers.setdefault(fold(form), n)
    ones = frozenset(word for word, n in numbers.items() if n == 1) & frozenset(QUERY_WORDS[module.CODE].articles)
    for case in getattr(module, "CASES", ()):
        for g in genders:
            numbers.setdefault(fold(module.number_word(1, g, case)), 1)
    ones |= frozenset(fold(module.number_word(1, g, c)) for c in getattr(module, "CASES", ()) for g in genders)
    return numbers, ones


def _size_words(module: ModuleType) -> dict[str, str]:
    """Every form of the module's size adjectives -> index size class."""
    sizes: dict[str, str] = {}
    table = getattr(module, "SIZES", None)
    for key, size in SIZE_CLASS.items():
        if table is None:  # English: one form, from the realiser
            forms: tuple[str, ...] = (module.size_adjective(key),)
        elif isinstance(table[key], str):  # German: a stem, declined by the module's own tables
            forms = (table[key],) + tuple(
                module.adjective(table[key], g, case, plural=plural, declension=declension)
                for g in _genders(module)
                for case in module.CASES
                for plural in (False, True)
                for declension in ("strong", "mixed", "weak")
            )
        else:  # French, Spanish: the agreeing forms
            forms = tuple(f for f in table[key] if isinstance(f, str))
        for form in forms:
            sizes.setdefault(fold(form), size)
    return sizes


def _place_words(module: ModuleType) -> tuple[dict[str, str], frozenset[str]]:
    """Place word -> place from each single position's phrase (its last word: "links", "gauche",
    "izquierda", "left"), and the words before it ("in der", "à", "a la", "on the")."""
    places: dict[str, str] = {}
    lead: set[str] = set()
    for place in ("left", "right", "centre", "top", "bottom"):
        phrase = fold(module.position_phrase(place))
        *before, last = phrase.split()
        places[last] = place
        lead.update(before)
    return places, frozenset(lead)


def _relation_words(module: ModuleType) -> dict[str, tuple[str, ...]]:
    """Relation phrase -> predicates, from the module's relation words: the attributive word
    ("auf", "sur", "en") and the verb with its preposition ("reitet auf", "est à côté de"). The
    attributive of "holding" ("mit", "avec", "con") is left out: as in English "dog with cat",
    it joins two things."""
    phrases: dict[str, set[str]] = {}
    relations = getattr(module, "RELATIONS", None)
    if relations is None:  # English: the predicates are its words ("riding", "next to")
        return {p: (p,) for p in PREDICATES}
    entries = [*relations.items(), *((predicate, words) for (predicate, _), words in module.BY_FAMILY.items())]
    for predicate, words in entries:
        said = []
        if predicate != "holding":
            said.append(words.attributive)
        for verb in words.verb:
            said.append(f"{verb} {words.preposition}".strip())
        for phrase in said:
            phrases.setdefault(fold(phrase), set()).add(predicate)
    return {phrase: tuple(p for p in PREDICATES if p in preds) for phrase, preds in phrases.items() if phrase}


def _with_module_words(module: ModuleType, query: QueryWords) -> QueryWords:
    """``query`` with the words the language module already has: its "and", "or", "at least",
    "many" and "some" ("und", "oder", "mindestens", "viele", "einige")."""

    def words(*names: str) -> tuple[str, ...]:
        found: list[str] = []
        for name in names:
            value = getattr(module, name, None)
            values = value.values() if isinstance(value, Mapping) else [value] if value else []
            found.extend(fold(v.strip()) for v in values)
        return tuple(found)

    return dataclasses.replace(
        query,
        conjunction=(*query.conjunction, *words("AND", "CONJUNCTION")),
        disjunction=(*query.disjunction, *words("OR")),
        at_least=(*query.at_least, *words("AT_LEAST")),
        many=(*query.many, *words("MANY", "SOME")),
    )


@functools.cache
def search_words(code: str) -> SearchWords:
    """The words of language ``code`` ("en", "de", "fr", "es")."""
    module = language(code)
    query = _with_module_words(module, QUERY_WORDS[code])
    objects, families = _object_words(module)
    nouns: dict[str, tuple[str, str]] = {}
    own: set[str] = set()
    for label, noun in module.NOUNS.items():
        for form in _all_forms(module, noun):
            nouns.setdefault(fold(form), ("label", label))
            own.add(fold(form))
    for family, noun in module.FAMILY_NOUNS.items():
        if family in FAMILIES:
            for form in _all_forms(module, noun):
                nouns.setdefault(fold(form), _family_kind(family))
                own.add(fold(form))
    for phrase, family in families.items():
        if family in FAMILIES:
            nouns.setdefault(phrase, _family_kind(family))
    for phrase, label in objects.items():
        nouns.setdefault(phrase, ("label", label))
    for phrase, sup in query.supercategories.items():
        nouns[phrase] = ("super", sup)
    own.update(p for p, (kind, _) in nouns.items() if kind == "super" and p in query.supercategories)
    numbers, ones = _number_words(module)
    numbers.update({fold(k): v for k, v in query.numbers.items()})
    sizes = {**_size_words(module), **query.sizes}
    places, lead = _place_words(module)
    places.update(query.places)
    relations = _relation_words(module)
    for phrase, predicate in query.relations.items():
        said = {*relations.get(phrase, ()), predicate}
        relations[phrase] = tuple(p for p in PREDICATES if p in said)
    x = functools.partial(expand, code)
    return SearchWords(
        code=code,
        nouns={x(k): v for k, v in nouns.items()},
        own_nouns=frozenset(map(x, own)),
        numbers={x(k): v for k, v in numbers.items()},
        ones=frozenset(map(x, ones)),
        sizes={x(k): v for k, v in sizes.items()},
        places={x(k): v for k, v in places.items()},
        place_lead=frozenset(w for k in lead for w in x(k).split()),
        relations={x(k): v for k, v in relations.items()},
        query=dataclasses.replace(
            query,
            **{
                f.name: tuple(map(x, getattr(query, f.name)))
                for f in dataclasses.fields(query)
                if isinstance(getattr(query, f.name), tuple)
            },
        ),
    )


# French and Spanish contract a preposition with the article ("au centre", "à côté du chien",
# "al menos", "junto al coche"); search reads the two words apart, in the query and in its tables.
CONTRACTIONS: dict[str, dict[str, str]] = {
    "fr": {"au": "a le", "aux": "a les", "du": "de le", "d": "de"},  # "d'éléphants": "de" elided
    "es": {"al": "a el", "del": "de el"},
}


def expand(code: str, phrase: str) -> str:
    """``("es", "junto al")`` -> ``"junto a el"``: contractions of ``code`` written apart."""
    table = CONTRACTIONS.get(code)
    return " ".join(table.get(w, w) for w in phrase.split()) if table else phrase


def _family_kind(family: str) -> tuple[str, str]:
    """A back-off family as search reads it: the COCO supercategory of the same name where there
    is one ("Tiere", "Möbelstücke": ``s:animal``, ``s:furniture``, as English "animals",
    "furniture"), else the family itself ("Taschen": backpack, handbag or suitcase)."""
    return ("super", family) if family in SUPERCATEGORIES else ("family", family)


def _all_forms(module: ModuleType, noun: Noun) -> tuple[str, ...]:
    """The noun's forms, with the German regular dative plural ("Hunden")."""
    forms = list(noun.forms())
    noun_form = getattr(module, "noun_form", None)
    if noun_form is not None:
        forms.append(noun_form(noun, "dat", plural=True))
    return tuple(dict.fromkeys(forms))


# -- words of alt text -------------------------------------------------------------------------
_WORD = re.compile(r"[^\W_]+")

IRREGULAR_PLURALS = {
    "people": "person",
    "men": "man",
    "women": "woman",
    "children": "child",
    "mice": "mouse",
    "knives": "knife",
    "geese": "goose",
    "feet": "foot",
    "teeth": "tooth",
    "leaves": "leaf",
    "wolves": "wolf",
    "shelves": "shelf",
    "calves": "calf",
    "oxen": "ox",
    "skis": "skis",
    "scissors": "scissors",
    "glasses": "glass",
    "dishes": "dish",
    "news": "news",
}


@functools.cache
def _stopwords() -> frozenset[str]:
    return frozenset(w for q in QUERY_WORDS.values() for w in q.stopwords if " " not in w)


def is_stopword(word: str) -> bool:
    """A small word of any search language: the index does not know the language of a text, so
    none of them is indexed, and a query skips them too ("le", "der", "the")."""
    return fold(word) in _stopwords()


def normalise_word(word: str) -> str:
    """The form a free word is indexed and searched under, whatever its language: folded (case and
    accents dropped), then a simple singular by English's regular rules, which also take the "-s"
    plural of French and Spanish ("chiens" -> "chien", "playas" -> "playa"), and without a final
    "e" so that the "-es" and "-s" plurals meet ("pelouses", "pelouse", "coches", "coche" ->
    "pelous", "coch"). A search key, never shown."""
    word = _singular(word)
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


def _singular(word: str) -> str:
    word = fold(re.sub(r"['’]s$", "", word.casefold())).replace(" ", "")
    if word in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[word]
    if len(word) > 4 and word.endswith("uses"):
        return word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def text_words(text: str) -> list[str]:
    """The searchable words of a text (alt text, in any language), normalised, without the
    stopwords of any search language."""
    words = _WORD.findall(re.sub(r"['’]s\b", "", text.casefold()))
    return [normalise_word(w) for w in words if not is_stopword(w)]
