"""The query language of the search box: plain words in English, German, French or Spanish in,
a tree of count conditions out.

Pure Python (Django only marks the error messages for translation). Grammar, informally (each
word in the query's language, see :mod:`webapp.search.vocabulary`)::

    query    := any ("or" any)*
    any      := unary (["and" | "with" | "," | "&"] unary)*
    unary    := ["-" | "not" | "without" | "except"] term
    term     := [quantity] [size] thing [size] (place | relation | size)*  |  word
    quantity := N | "at least" N | N"+" | N "or more" | "more than" N | "fewer than" N | "at most" N
              | "no" | "many" | "several" | "exactly" [N]     (N: digits or a number word)
    place    := [lead words] (left | right | centre | top | bottom)+     ("on the left", "links",
                "à gauche", "a la izquierda", "oben links")
    relation := riding | on | holding | in front of | behind | next to ... [article] [size] thing

A *thing* is a form of one of the 80 COCO labels' nouns or a synonym (``Hunde`` -> dog,
``chiots`` -> dog), or a supercategory / back-off family (``Tiere``, ``animaux``). A bare count
means exactly (``zwei Hunde`` = exactly two); ``a dog``, ``eine Person``, ``dog`` mean at least one
(in German, French and Spanish the indefinite article is the word for one: "genau eine Katze"
asks for exactly one). Any other word is looked up in the photos' alt text.

The language is read from the words: the query is read in the language whose words it uses most
(the caller's language, usually the interface's, breaks ties), so "deux chiens" is French
whatever the interface speaks. The atoms keep what they mean (:class:`Meaning`), so
:mod:`webapp.search.explain` can say it in the reader's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

from captioning.lang import language
from captioning.lang.words import fold
from webapp.search.terms import VERTICAL_PLACES, place_suffix, relation_key, subject_key
from webapp.search.vocabulary import (
    DEFAULT_LANGUAGE,
    FAMILIES,
    SEARCH_LANGUAGES,
    SearchWords,
    expand,
    is_stopword,
    normalise_word,
    search_words,
)

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
MAX_COUNT = 10_000


class QueryError(ValueError):
    """The query cannot be read; the message says why and what would work.

    ``message`` is an English message marked for translation with ``%(name)s`` placeholders,
    ``params`` fill them: ``str(error)`` is the English text; :meth:`translated` the reader's
    (``webapp.search.services`` calls it under the reader's language)."""

    def __init__(self, message: str, **params: object) -> None:
        self.message, self.params = message, params
        super().__init__(message % params)

    def translated(self) -> str:
        from django.utils.translation import gettext

        return gettext(self.message) % self.params


@dataclass(frozen=True)
class Meaning:
    """What one atom asks for, for saying it back: a thing (``kind`` "label", "super" or
    "family" and its ``name``) with its size, places and relation, or a free ``word``."""

    kind: str = ""
    name: str = ""
    size: str = ""
    places: tuple[str, ...] = ()
    predicate: str = ""
    object_kind: str = ""
    object_name: str = ""
    object_size: str = ""
    word: str = ""


@dataclass(frozen=True)
class Atom:
    """Photos whose count for ``key`` lies in ``[low, high]`` (``high`` None: no upper bound).
    A photo without the key has count 0."""

    key: str
    low: int
    high: int | None
    meaning: Meaning = Meaning()

    @property
    def positive(self) -> bool:
        return self.low >= 1


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class All:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Any:
    children: tuple[Node, ...]


Node = Atom | Not | All | Any


@dataclass(frozen=True)
class Reading:
    """A word the search read as something broader or other than it says ("puppy" as dogs)."""

    typed: str
    kind: str
    name: str


@dataclass
class ParsedQuery:
    node: Node | None
    lang: str = DEFAULT_LANGUAGE  # the language the query was read in
    words: list[str] = field(default_factory=list)  # free words looked up in alt text (index form)
    typed: dict[str, str] = field(default_factory=dict)  # index form -> the word as typed (folded)
    readings: list[Reading] = field(default_factory=list)


def atoms(node: Node | None) -> list[Atom]:
    if node is None:
        return []
    if isinstance(node, Atom):
        return [node]
    if isinstance(node, Not):
        return atoms(node.child)
    return [a for child in node.children for a in atoms(child)]


_NUMBER = re.compile(r"\d+")
_NEEDS_SOMETHING = gettext_noop("“%(typed)s” needs something after it, for example “%(dog)s %(typed)s %(cat)s”.")


class _Parser:
    def __init__(self, tokens: list[str], words: SearchWords, shown: list[str] | None = None) -> None:
        self.tokens = tokens
        self.shown = shown if shown is not None else list(tokens)  # each token as typed ("" in a contraction)
        self.w = words
        self.q = words.query
        self.i = 0
        self.words: list[str] = []
        self.typed: dict[str, str] = {}
        self.readings: list[Reading] = []

    def examples(self) -> dict[str, str]:
        """Nouns for the examples of a message, in the query's language ("Hunde", "chiens")."""
        nouns = language(self.w.code).NOUNS
        families = language(self.w.code).FAMILY_NOUNS
        return {
            "dog": nouns["dog"].singular,
            "cat": nouns["cat"].singular,
            "dogs": nouns["dog"].plural,
            "people": nouns["person"].plural,
            "cars": nouns["car"].plural,
            "cups": nouns["cup"].plural,
            "backpacks": nouns["backpack"].plural,
            "animals": families["animal"].plural,
        }

    # -- token helpers ---------------------------------------------------------------------------
    def said(self, start: int, end: int | None = None) -> str:
        """Tokens ``start`` to ``end`` (default: the next one) as the person typed them."""
        end = start + 1 if end is None else end
        return " ".join(w for w in self.shown[start:end] if w)

    def peek(self, offset: int = 0) -> str | None:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def at_end(self) -> bool:
        return self.i >= len(self.tokens)

    def match(self, phrases: object, max_words: int = 4) -> tuple[str, int] | None:
        """The longest phrase of ``phrases`` (a collection of strings) starting here."""
        for n in range(min(max_words, len(self.tokens) - self.i), 0, -1):
            phrase = " ".join(self.tokens[self.i : self.i + n])
            if phrase in phrases:  # type: ignore[operator]
                return phrase, n
        return None

    def take(self, phrases: object, max_words: int = 4) -> str | None:
        found = self.match(phrases, max_words)
        if found is None:
            return None
        self.i += found[1]
        return found[0]

    def skip_articles(self) -> None:
        while self.peek() in self.q.articles:
            self.i += 1

    # -- grammar ---------------------------------------------------------------------------------
    def parse(self) -> Node | None:
        groups = [self.parse_all()]
        while self.take(self.q.disjunction, 1):
            groups.append(self.parse_all())
        kept = [g for g in groups if g is not None]
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else Any(tuple(kept))

    def parse_all(self) -> Node | None:
        items: list[Node] = []
        while not self.at_end() and self.match(self.q.disjunction, 1) is None:
            if self.take(self.q.conjunction):
                continue
            item = self.parse_unary()
            if item is not None:
                items.append(item)
        if not items:
            return None
        return items[0] if len(items) == 1 else All(tuple(items))

    def parse_unary(self) -> Node | None:
        q = self.q
        token = self.peek() or ""
        negate = False
        if token.startswith("-") and len(token) > 1:
            self.tokens[self.i] = token[1:]
            negate = True
        elif self.match(self.q.negation, 2) and not any(
            self.match(phrases) for phrases in (q.none, q.at_least, q.at_most, q.more_than, q.fewer_than)
        ):
            start = self.i
            self.take(self.q.negation, 2)
            typed = self.said(start, self.i)
            negate = True
            if self.at_end() or self.match(self.q.disjunction, 1):
                raise QueryError(_NEEDS_SOMETHING, typed=typed, **self.examples())
        node = self.parse_term()
        if node is None or not negate:
            return node
        return _negated(node)

    def parse_quantity(self) -> tuple[int, int | None] | None:
        q = self.q
        start = self.i
        if self.take(q.at_least):
            return self.number(start), None
        if self.take(q.at_most):
            return 0, self.number(start)
        if self.take(q.more_than):
            return self.number(start) + 1, None
        if self.take(q.fewer_than):
            n = self.number(start)
            if n == 0:
                raise QueryError(gettext_noop("Nothing can be fewer than zero: ask for none of them instead."))
            return 0, n - 1
        if self.take(q.none):
            self.skip_articles()
            return 0, 0
        if self.take(q.many):
            self.skip_articles()
            return 2, None
        if self.take(q.exactly):
            if self.is_number(self.peek()):
                return self.quantity_after_number()
            return 1, 1
        if self.peek() in self.w.ones:  # "eine Person", "un chien": the article, at least one
            return None
        if self.is_number(self.peek()):
            return self.quantity_after_number()
        return None

    def is_number(self, token: str | None) -> bool:
        if token is None:
            return False
        token = token.removesuffix("+")
        return token.isdigit() or self.match(self.w.numbers, 3) is not None

    def number(self, after: int | None = None) -> int:
        """The number here; ``after``: where the words that asked for it start (for a message)."""
        token = self.peek()
        if not self.is_number(token):
            raise QueryError(
                gettext_noop("“%(typed)s” needs a number, for example “%(typed)s 2 %(dogs)s”."),
                typed=self.said(after if after is not None else self.i, self.i),
                **self.examples(),
            )
        assert token is not None
        bare = token.removesuffix("+")
        if bare.isdigit():
            self.i += 1
            value = int(bare)
        else:
            phrase, n = self.match(self.w.numbers, 3)  # type: ignore[misc]
            self.i += n
            value = self.w.numbers[phrase]
        if value > MAX_COUNT:
            raise QueryError(
                gettext_noop("%(count)s is more than any photo holds; use a number up to %(most)s."),
                count=value,
                most=MAX_COUNT,
            )
        return value

    def quantity_after_number(self) -> tuple[int, int | None]:
        token = self.peek() or ""
        n = self.number()
        if token.endswith("+") or self.peek() == "+":
            if self.peek() == "+":
                self.i += 1
            return n, None
        if self.take(self.q.or_more):
            return n, None
        if self.take(self.q.or_fewer):
            return 0, n
        start = self.i
        if self.take(self.q.to, 1) and self.is_number(self.peek()):
            high = self.number()
            return min(n, high), max(n, high)
        self.i = start
        return n, n

    def parse_size(self) -> str | None:
        phrase = self.take(self.w.sizes, 3)
        return self.w.sizes[phrase] if phrase else None

    def parse_thing(self) -> tuple[str, str] | None:
        """(kind, name) of a noun phrase here, or None."""
        self.skip_articles()
        start = self.i
        phrase = self.take(self.w.nouns, self.w.max_noun_words)
        if phrase is None:
            return None
        kind, name = self.w.nouns[phrase]
        if phrase not in self.w.own_nouns:
            reading = Reading(self.said(start, self.i), kind, name)
            if reading not in self.readings:
                self.readings.append(reading)
        return kind, name

    def parse_place(self) -> list[str]:
        """Places here: "on the left", "links", "à gauche", "oben links", "en haut à gauche"."""
        start, places = self.i, []
        while True:
            before = self.i
            while self.peek() in self.w.place_lead or self.peek() in self.q.articles:
                self.i += 1
            phrase = self.take(self.w.places, 2)
            if phrase is None:
                self.i = before
                break
            places.append(self.w.places[phrase])
            self.take(self.q.place_tail, 1)
        if not places:
            self.i = start
        return list(dict.fromkeys(places))

    def parse_relation(self) -> tuple[tuple[str, ...], tuple[str, str], str] | None:
        """(predicates, (kind, name) of the object, the object's size or ""), or None."""
        start = self.i
        while self.peek() in self.q.linkers:  # "personne qui tient", "person who is holding"
            self.i += 1
        phrase = self.take(self.w.relations, 4)
        if phrase is None:
            self.i = start
            return None
        self.skip_articles()
        size = self.parse_size() or ""
        thing = self.parse_thing()
        if thing is None:
            self.i = start
            return None
        size = size or self.parse_size() or ""
        return self.w.relations[phrase], thing, size

    def parse_term(self) -> Node | None:
        start = self.i
        quantity = self.parse_quantity()
        size = self.parse_size()
        thing = self.parse_thing()
        if thing is None:
            if quantity is not None or size is not None:
                typed = self.said(start, self.i)
                if self.at_end():
                    raise QueryError(
                        gettext_noop("“%(typed)s” of what? Add a thing, for example “%(typed)s %(dogs)s”."),
                        typed=typed,
                        **self.examples(),
                    )
                raise QueryError(
                    gettext_noop(
                        "“%(word)s” after “%(typed)s” is not one of the 80 kinds of thing the detector counts; "
                        "counts and sizes work with things such as %(dogs)s, %(people)s, %(cars)s or %(cups)s."
                    ),
                    word=self.said(self.i),
                    typed=typed,
                    **self.examples(),
                )
            self.i = start  # articles skipped while looking for a thing are words again
            return self.parse_word()
        kind, name = thing
        low, high = quantity if quantity is not None else (1, None)
        if low == 0 and high is None:
            raise QueryError(
                gettext_noop("At least 0 matches every photo; leave the count out, for example “%(dogs)s”."),
                **self.examples(),
            )
        places: list[str] = []
        relation = None
        while True:  # after the noun, in any order: a relation, places, a size ("perro grande")
            if relation is None and (relation := self.parse_relation()) is not None:
                continue
            if found := self.parse_place():
                places.extend(p for p in found if p not in places)
                continue
            if size is None and (size := self.parse_size()) is not None:
                continue
            if quantity is not None and low == high and low and self.take(self.q.or_more):
                high = None  # "trois chiens ou plus", "tres perros o más"
                continue
            if quantity is not None and low == high and low and self.take(self.q.or_fewer):
                low = 0
                continue
            break
        if kind == "family":
            return self.family_term(name, low, high, size or "", places)
        return self.thing_term(kind, name, low, high, size or "", places, relation)

    def thing_term(
        self,
        kind: str,
        name: str,
        low: int,
        high: int | None,
        size: str,
        places: list[str],
        relation: tuple[tuple[str, ...], tuple[str, str], str] | None,
    ) -> Node:
        base = subject_key(kind, name)
        # One instance's size and places make one key (``o:dog@large@left``): "large dog on the
        # left" counts the dogs that are both large and on the left.
        together = [
            *[p for p in places if p in VERTICAL_PLACES][:1],
            *[p for p in places if p not in VERTICAL_PLACES][:1],
        ]
        apart = [p for p in places if p not in together]  # a second place of one axis ("left right")
        nodes: list[Node] = []
        if relation is not None:
            predicates, (okind, oname), osize = relation
            if okind == "family":
                raise QueryError(
                    gettext_noop("A relation works with one kind of thing or a broad group such as %(animals)s."),
                    **self.examples(),
                )
            subject = base + (f"@{size}" if size else "")
            obj = subject_key(okind, oname) + (f"@{osize}" if osize else "")
            options = [
                Atom(relation_key(subject, p, obj), low, high, Meaning(kind, name, size, (), p, okind, oname, osize))
                for p in predicates
            ]
            nodes.append(options[0] if len(options) == 1 else Any(tuple(options)))
            apart = places  # places are not stored per relation: some such thing is there
        else:
            key = base + place_suffix(size, together)
            nodes.append(Atom(key, low, high, Meaning(kind, name, size, tuple(together))))
        for place in apart:
            nodes.append(Atom(f"{base}@{place}", 1, None, Meaning(kind, name, "", (place,))))
        return nodes[0] if len(nodes) == 1 else All(tuple(nodes))

    def family_term(self, family: str, low: int, high: int | None, size: str, places: list[str]) -> Node:
        """A back-off family that is no supercategory ("Taschen": backpacks, handbags or suitcases):
        the index counts each label, so "some" and "none" are exact, other counts are not."""
        if (low, high) not in ((1, None), (0, 0)):
            raise QueryError(
                gettext_noop(
                    "Counts work with one kind of thing or a broad group such as %(animals)s: "
                    "count each kind, for example “2 %(backpacks)s”."
                ),
                **self.examples(),
            )
        suffix = place_suffix(size, places[:2])
        each = [
            Atom(f"o:{label}{suffix}", low, high, Meaning("label", label, size, tuple(places[:2])))
            for label in FAMILIES[family]
        ]
        return Any(tuple(each)) if low else All(tuple(each))

    def parse_word(self) -> Node | None:
        token = self.tokens[self.i]
        self.i += 1
        if token in self.q.stopwords or token in self.w.relations or token in ("+", "-") or is_stopword(token):
            return None
        if token in self.q.negation:
            raise QueryError(_NEEDS_SOMETHING, typed=self.said(self.i - 1), **self.examples())
        word = normalise_word(token)
        if not word:
            return None
        self.words.append(word)
        shown = self.said(self.i - 1) or token
        self.typed.setdefault(word, shown)
        return Atom(f"w:{word}", 1, None, Meaning(word=shown))


def _negated(node: Node) -> Node:
    """``-dog`` / ``ohne Hunde``: a plain "at least one" becomes "none"; anything else is NOT."""
    if isinstance(node, Atom) and node.high is None and node.low == 1:
        return Atom(node.key, 0, 0, node.meaning)
    return Not(node)


_SPLIT = re.compile(r"(?<=[^\W\d_])['’\-](?=[^\W\d_])")  # l'avion, hot-dog, medium-sized
_TOKEN = re.compile(r"-?[^\W_]+\+?|\+|&|,|-")


def tokenize(text: str, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """Folded words of ``text`` (case and accents dropped), contractions of ``lang`` apart."""
    return _tokens(text, lang)[0]


def _tokens(text: str, lang: str) -> tuple[list[str], list[str]]:
    """(the folded tokens, each as typed; "" for the second half of a contraction)."""
    tokens: list[str] = []
    shown: list[str] = []
    for raw in _TOKEN.findall(_SPLIT.sub(" ", text)):
        negative = raw.startswith("-") and len(raw) > 1
        body = expand(lang, fold(raw[1:] if negative else raw) or raw)
        parts = body.split() or [raw]
        if negative:
            parts[0] = "-" + parts[0]
        tokens.extend(parts)
        shown.extend([raw.lstrip("-") if negative else raw, *[""] * (len(parts) - 1)])
    return tokens, shown


def _score(tokens: list[str], words: SearchWords) -> float:
    """How much of ``tokens`` reads as this language: each word of a phrase of its tables counts 1
    (longest phrase first: "plus de" is two), a small word (article, stopword) a quarter, digits,
    signs and unknown words nothing."""
    phrases, longest = _phrases(words.code)
    small = set(words.query.stopwords) | set(words.query.articles)
    score, i = 0.0, 0
    while i < len(tokens):
        for n in range(min(longest, len(tokens) - i), 0, -1):
            phrase = " ".join(t.lstrip("-") for t in tokens[i : i + n])
            if phrase in phrases and (n > 1 or phrase not in small):
                score += n
                i += n
                break
        else:
            score += 0.25 if tokens[i] in small else 0.0
            i += 1
    return score


_PHRASES: dict[str, tuple[frozenset[str], int]] = {}


def _phrases(code: str) -> tuple[frozenset[str], int]:
    """Every phrase of the language's tables (nouns, numbers, sizes, places, relations, the query
    words), and the longest one's length in words."""
    if code not in _PHRASES:
        w = search_words(code)
        q = w.query
        phrases = {*w.nouns, *w.numbers, *w.sizes, *w.places, *w.relations}
        for name in ("at_least", "at_most", "more_than", "fewer_than", "or_more", "or_fewer", "exactly", "none"):
            phrases.update(getattr(q, name))
        phrases.update([*q.many, *q.negation, *q.disjunction, *q.conjunction])
        phrases -= {"+", "&", ",", "-"}
        _PHRASES[code] = (frozenset(phrases), max(len(p.split()) for p in phrases))
    return _PHRASES[code]


def query_language(text: str, hint: str | None = None) -> str:
    """The language whose words ``text`` uses most; ``hint`` (the reader's language), then
    English, wins a tie."""
    order = list(dict.fromkeys([*([hint] if hint in SEARCH_LANGUAGES else []), DEFAULT_LANGUAGE, *SEARCH_LANGUAGES]))
    scores = {code: _score(tokenize(text, code), search_words(code)) for code in order}
    return max(order, key=lambda code: (scores[code], -order.index(code)))


def parse(text: str, lang: str | None = None, *, hint: str | None = None) -> ParsedQuery:
    """Read a query in ``lang`` (``None``: the language its words are in, ``hint`` breaking a
    tie). Raises :class:`QueryError` with a message for the person."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(
            gettext_noop("The search is %(length)s characters long; use at most %(most)s."),
            length=len(text),
            most=MAX_QUERY_LENGTH,
        )
    code = lang or query_language(text, hint)
    tokens, shown = _tokens(text, code)
    parser = _Parser(tokens, search_words(code), shown)
    node = parser.parse()
    if len(atoms(node)) > MAX_TERMS:
        raise QueryError(gettext_noop("The search has more than %(most)s conditions; use fewer words."), most=MAX_TERMS)
    return ParsedQuery(node=node, lang=code, words=parser.words, typed=parser.typed, readings=parser.readings)
