"""The query language of the search box: plain words in, a tree of count conditions out.

Pure Python (no Django). Grammar, informally::

    query    := any ("or" any)*
    any      := unary (["and" | "with" | "," | "&"] unary)*
    unary    := ["-" | "not" | "without" | "except"] term
    term     := [quantity] [size] thing [place] [relation thing]  |  word
    quantity := N | "at least" N | N"+" | N "or more" | "more than" N | "fewer than" N | "at most" N
              | "no" | "many" | "several" | "multiple"      (N: digits or one … twenty)
    size     := large | big | huge | medium | small | little | tiny
    place    := ("on"|"in"|"at") ["the"] (left | right | centre | middle | top | bottom)
    relation := riding | on | holding | in front of | behind | next to | beside | near …

A *thing* is a COCO label, its plural or a synonym (``puppies`` -> dog, ``sofa`` -> couch), or a
COCO supercategory (``animal``). A bare count means exactly (``two dogs`` = exactly two); ``a dog``
and ``dog`` mean at least one. Any other word is looked up in the photos' alt text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from captioning.lang.en import NOUNS
from webapp.search.terms import VERTICAL_PLACES, place_suffix, relation_key, subject_key
from webapp.search.vocabulary import (
    MAX_NOUN_WORDS,
    NARROWER_THAN_LABEL,
    NOUN_PHRASES,
    NUMBER_WORDS,
    PLACE_WORDS,
    RELATION_PHRASES,
    SIZE_WORDS,
    STOPWORDS,
    normalise_word,
)

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
MAX_COUNT = 10_000

SUPER_NAMES = {
    "vehicle": ("vehicle", "vehicles"),
    "outdoor": ("outdoor object", "outdoor objects"),
    "animal": ("animal", "animals"),
    "accessory": ("accessory", "accessories"),
    "sports": ("piece of sports equipment", "pieces of sports equipment"),
    "kitchen": ("kitchen item", "kitchen items"),
    "food": ("food item", "food items"),
    "furniture": ("piece of furniture", "pieces of furniture"),
    "electronic": ("electronic device", "electronic devices"),
    "appliance": ("appliance", "appliances"),
    "indoor": ("indoor object", "indoor objects"),
}

_TOKEN = re.compile(r"-?[a-z0-9]+(?:['’-][a-z0-9]+)*\+?|\+|&|,")
_NOT_WORDS = {"not", "without", "except", "excluding", "minus"}
_AND_WORDS = {"and", "with", ",", "&", "plus", "but", "also"}
_MANY_WORDS = {"many": 2, "several": 2, "multiple": 2, "lots": 2, "various": 2}


class QueryError(ValueError):
    """The query cannot be read; the message says why and what would work."""


@dataclass(frozen=True)
class Atom:
    """Photos whose count for ``key`` lies in ``[low, high]`` (``high`` None: no upper bound).
    A photo without the key has count 0."""

    key: str
    low: int
    high: int | None
    text: str

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


@dataclass
class ParsedQuery:
    node: Node | None
    words: list[str] = field(default_factory=list)  # free words looked up in alt text
    notes: list[str] = field(default_factory=list)

    @property
    def explanation(self) -> str:
        return explain(self.node) if self.node else ""


def atoms(node: Node | None) -> list[Atom]:
    if node is None:
        return []
    if isinstance(node, Atom):
        return [node]
    if isinstance(node, Not):
        return atoms(node.child)
    return [a for child in node.children for a in atoms(child)]


def explain(node: Node) -> str:
    if isinstance(node, Atom):
        return node.text
    if isinstance(node, Not):
        return f"not ({explain(node.child)})" if not isinstance(node.child, Atom) else f"without {node.child.text}"
    joiner = " and " if isinstance(node, All) else " or "
    parts = [explain(c) if not isinstance(c, All | Any) else f"({explain(c)})" for c in node.children]
    return joiner.join(parts)


def _noun(kind: str, name: str, plural: bool) -> str:
    if kind == "super":
        return SUPER_NAMES[name][1 if plural else 0]
    noun = NOUNS.get(name)
    singular, plural_form = (noun.singular, noun.plural) if noun else (name, name + "s")
    return plural_form if plural else singular


def _where(places: list[str]) -> str:
    """``["left"]`` -> ``"on the left"``; ``["top", "left"]`` -> ``"at the top left"``; ``[]`` -> ``""``."""
    if not places:
        return ""
    if len(places) > 1:
        return f"at the {' '.join(places)}"
    place = places[0]
    return f"{'on' if place in ('left', 'right') else 'in' if place == 'centre' else 'at'} the {place}"


def _count_text(low: int, high: int | None, kind: str, name: str, extra: str = "") -> str:
    def noun(n: int | None) -> str:
        words = _noun(kind, name, plural=n != 1)
        return f"{extra} {words}".strip() if extra else words

    if high is None:
        return f"at least one {noun(1)}" if low <= 1 else f"at least {low} {noun(low)}"
    if low == high:
        return f"no {noun(0)}" if low == 0 else f"exactly {low} {noun(low)}"
    if low == 0:
        return f"at most {high} {noun(high)}"
    return f"{low} to {high} {noun(high)}"


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.i = 0
        self.words: list[str] = []
        self.notes: list[str] = []
        self._last_thing: tuple[str, str] = ("word", "")

    # -- token helpers ---------------------------------------------------------------------------
    def peek(self, offset: int = 0) -> str | None:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def at_end(self) -> bool:
        return self.i >= len(self.tokens)

    def match_phrase(self, table: dict, max_words: int) -> tuple[str, int] | None:
        """The longest phrase of ``table`` starting here: (phrase, words)."""
        for n in range(min(max_words, len(self.tokens) - self.i), 0, -1):
            phrase = " ".join(self.tokens[self.i : self.i + n])
            if phrase in table:
                return phrase, n
        return None

    # -- grammar ---------------------------------------------------------------------------------
    def parse(self) -> Node | None:
        groups = [self.parse_all()]
        while self.peek() == "or":
            self.i += 1
            groups.append(self.parse_all())
        groups = [g for g in groups if g is not None]
        if not groups:
            return None
        return groups[0] if len(groups) == 1 else Any(tuple(groups))

    def parse_all(self) -> Node | None:
        items: list[Node] = []
        while not self.at_end() and self.peek() != "or":
            if self.peek() in _AND_WORDS:
                self.i += 1
                continue
            item = self.parse_unary()
            if item is not None:
                items.append(item)
        if not items:
            return None
        return items[0] if len(items) == 1 else All(tuple(items))

    def parse_unary(self) -> Node | None:
        token = self.peek() or ""
        negate = False
        if token.startswith("-") and len(token) > 1:
            self.tokens[self.i] = token[1:]
            negate = True
        elif token in _NOT_WORDS:
            self.i += 1
            negate = True
            if self.at_end() or self.peek() == "or":
                raise QueryError(f"“{token}” needs something after it, for example “dog {token} cat”.")
        node = self.parse_term()
        if node is None or not negate:
            return node
        if isinstance(node, Atom) and node.high is None and node.low == 1:
            kind, name = self._last_thing
            if kind == "word":
                return Atom(node.key, 0, 0, f"without “{name}” in the alt text")
            return Atom(node.key, 0, 0, _count_text(0, 0, kind, name))
        return Not(node)

    def parse_quantity(self) -> tuple[int, int | None] | None:
        t0, t1 = self.peek(), self.peek(1)
        if t0 is None:
            return None
        two = f"{t0} {t1}" if t1 else ""
        if two in ("at least", "no fewer", "no less") or t0 in ("min", "minimum", "atleast"):
            self.i += 2 if two else 1
            if two in ("no fewer", "no less") and self.peek() == "than":
                self.i += 1
            return self.number(f"“{two or t0}”"), None
        if two in ("at most", "up to", "no more") or t0 in ("max", "maximum", "atmost"):
            self.i += 2 if two else 1
            if two == "no more" and self.peek() == "than":
                self.i += 1
            return 0, self.number(f"“{two or t0}”")
        if two in ("more than", "greater than") or t0 in ("over", "above"):
            self.i += 2 if two in ("more than", "greater than") else 1
            return self.number(f"“{two or t0}”") + 1, None
        if two in ("fewer than", "less than") or t0 in ("under", "below"):
            self.i += 2 if two in ("fewer than", "less than") else 1
            n = self.number(f"“{two or t0}”")
            if n == 0:
                raise QueryError("Nothing can be fewer than zero: try “no dogs”.")
            return 0, n - 1
        if t0 in ("no", "zero", "none"):
            self.i += 1
            if self.peek() == "of":
                self.i += 1
            return 0, 0
        if t0 in _MANY_WORDS or two == "lots of":
            self.i += 2 if two == "lots of" else 1
            if self.peek() == "of":
                self.i += 1
            return _MANY_WORDS.get(t0, 2), None
        if t0 in ("exactly", "only", "just", "precisely"):
            self.i += 1
            if self.is_number(self.peek()):
                return self.quantity_after_number()
            return 1, 1
        if self.is_number(t0):
            return self.quantity_after_number()
        return None

    @staticmethod
    def is_number(token: str | None) -> bool:
        if token is None:
            return False
        token = token.removesuffix("+")
        return token.isdigit() or token in NUMBER_WORDS

    def number(self, after: str) -> int:
        token = self.peek()
        if not self.is_number(token):
            raise QueryError(f"{after} needs a number, for example “{after.strip('“”')} 2 dogs”.")
        self.i += 1
        value = int(token.removesuffix("+")) if token.removesuffix("+").isdigit() else NUMBER_WORDS[token]
        if value > MAX_COUNT:
            raise QueryError(f"{value} is more than any photo holds; use a number up to {MAX_COUNT}.")
        return value

    def quantity_after_number(self) -> tuple[int, int | None]:
        token = self.peek() or ""
        n = self.number("")
        if token.endswith("+") or self.peek() == "+":
            if self.peek() == "+":
                self.i += 1
            return n, None
        if self.peek() == "or" and self.peek(1) in ("more", "over", "above"):
            self.i += 2
            return n, None
        if self.peek() == "or" and self.peek(1) in ("fewer", "less", "under", "below"):
            self.i += 2
            return 0, n
        if self.peek() in ("to", "-") and self.is_number(self.peek(1)):
            self.i += 1
            high = self.number("")
            return min(n, high), max(n, high)
        return n, n

    def parse_thing(self) -> tuple[str, str, str] | None:
        """(kind, name, the words typed) of a noun phrase here, or None."""
        while self.peek() in ("a", "an", "the", "some", "any", "of"):
            self.i += 1
        found = self.match_phrase(NOUN_PHRASES, MAX_NOUN_WORDS)
        if found is None:
            return None
        phrase, n = found
        self.i += n
        kind, name = NOUN_PHRASES[phrase]
        if phrase in NARROWER_THAN_LABEL or phrase.removesuffix("s") in NARROWER_THAN_LABEL:
            target = _noun(kind, name, plural=True)
            note = f"“{phrase}” finds all {target}: the detector does not tell them apart."
            if note not in self.notes:
                self.notes.append(note)
        return kind, name, phrase

    def parse_place(self) -> list[str]:
        """Places of the thing just read: ``on the left``, ``top left``, ``on the left at the top``."""
        places: list[str] = []
        while True:
            start = self.i
            if self.peek() in ("on", "in", "at", "to"):
                self.i += 1
                if self.peek() == "the":
                    self.i += 1
            found = []
            while self.peek() in PLACE_WORDS:
                found.append(PLACE_WORDS[self.peek()])
                self.i += 1
            if not found or self.peek() == "of":  # "on top of a couch" is a relation
                self.i = start
                return list(dict.fromkeys(places))
            if self.peek() in ("side", "corner", "half", "edge"):
                self.i += 1
            places.extend(found)

    def parse_term(self) -> Node | None:
        start = self.i
        quantity = self.parse_quantity()
        size = None
        while self.peek() in SIZE_WORDS:
            size = SIZE_WORDS[self.peek()]
            self.i += 1
        thing = self.parse_thing()
        if thing is None:
            if quantity is not None or size is not None:
                typed = " ".join(self.tokens[start : self.i])
                if self.at_end():
                    raise QueryError(f"“{typed}” of what? Add a thing, for example “{typed} dogs”.")
                raise QueryError(
                    f"“{self.peek()}” after “{typed}” is not one of the 80 kinds of thing the detector counts; "
                    f"counts and sizes work with things such as dogs, people, cars or cups."
                )
            self.i = start  # articles skipped while looking for a thing are words again
            return self.parse_word()
        kind, name, _typed = thing
        self._last_thing = (kind, name)
        low, high = quantity if quantity is not None else (1, None)
        if low == 0 and high is None:
            raise QueryError("“at least 0” matches every photo; leave the count out, for example “dogs”.")
        base = subject_key(kind, name)
        places = self.parse_place()
        relation = self.parse_relation()
        # One instance's size and places make one key (``o:dog@large@left``): "large dog on the
        # left" counts the dogs that are both large and on the left.
        together = [
            *[p for p in places if p in VERTICAL_PLACES][:1],
            *[p for p in places if p not in VERTICAL_PLACES][:1],
        ]
        apart = [p for p in places if p not in together]  # a second place of one axis ("left right")
        nodes: list[Node] = []
        if relation is not None:
            predicate, (okind, oname), osize = relation
            subject = base + (f"@{size}" if size else "")
            key = relation_key(subject, predicate, subject_key(okind, oname) + (f"@{osize}" if osize else ""))
            noun = f"{osize} {_noun(okind, oname, False)}" if osize else _noun(okind, oname, False)
            obj = f"{predicate} {'an' if noun[0] in 'aeiou' else 'a'} {noun}"
            nodes.append(Atom(key, low, high, f"{_count_text(low, high, kind, name, size or '')} {obj}"))
            apart = places  # places are not stored per relation: some such thing is there
        else:
            key = base + place_suffix(size, together)
            text = _count_text(low, high, kind, name, size or "")
            nodes.append(Atom(key, low, high, f"{text} {_where(together)}".strip()))
        for place in apart:
            nodes.append(Atom(f"{base}@{place}", 1, None, f"{_count_text(1, None, kind, name)} {_where([place])}"))
        return nodes[0] if len(nodes) == 1 else All(tuple(nodes))

    def parse_relation(self) -> tuple[str, tuple[str, str], str | None] | None:
        """(predicate, (kind, name) of the object, the object's size or None), or None."""
        start = self.i
        found = self.match_phrase(RELATION_PHRASES, 3)
        if found is None:
            return None
        phrase, n = found
        self.i += n
        size = None
        while self.peek() in ("a", "an", "the", "some", "any"):
            self.i += 1
        while self.peek() in SIZE_WORDS:
            size = SIZE_WORDS[self.peek()]
            self.i += 1
        thing = self.parse_thing()
        if thing is None:
            self.i = start
            return None
        return RELATION_PHRASES[phrase], (thing[0], thing[1]), size

    def parse_word(self) -> Node | None:
        token = self.tokens[self.i]
        self.i += 1
        if token in STOPWORDS or token in RELATION_PHRASES or token in ("+", "-"):
            return None
        if token in _NOT_WORDS:
            raise QueryError(f"“{token}” needs something after it, for example “dog {token} cat”.")
        word = normalise_word(token)
        if not word:
            return None
        self.words.append(word)
        self._last_thing = ("word", word)
        return Atom(f"w:{word}", 1, None, f"“{word}” in the alt text")


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("’", "'"))


def parse(text: str) -> ParsedQuery:
    """Read a query. Raises :class:`QueryError` with a message for the person."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"The search is {len(text)} characters long; use at most {MAX_QUERY_LENGTH}.")
    tokens = tokenize(text)
    parser = _Parser(tokens)
    node = parser.parse()
    if len(atoms(node)) > MAX_TERMS:
        raise QueryError(f"The search has more than {MAX_TERMS} conditions; use fewer words.")
    return ParsedQuery(node=node, words=parser.words, notes=parser.notes)
