"""What the captioner says about a photo, before any language says it: the **plan**.

:func:`captioning.planning.plan_description` decides once, from the masks, which objects are
named, in what order, how many, how sure, where, how large and related how; a realiser
(:mod:`captioning.lang`) turns the plan into text in one language. Everything here is a key,
never a word: class labels (COCO names, or a back-off family such as ``"animal"``), position
keys (:data:`POSITIONS`), size keys (:data:`SIZES`), predicate keys
(:data:`captioning.model.PREDICATES`). Only the text read in the photo is kept as it was read
(quoted text is never translated).

What may differ between languages is fixed here too, so the facts are the same in every one:

* The alt text (:class:`AltPlan`) is bounded at :data:`ALT_LIMIT` characters. A realiser that
  is too long drops first the places of alt mentions (last placed first), then the last
  ``droppable`` mention, then tries the places again (see :func:`captioning.lang.fit_alt`); what
  is dropped is said as "other objects". The first mention is never dropped.
* Quoted text is added to the alt text only where it fits (each sentence in turn).
* The long description (:attr:`Plan.long`) always says every fact, in every language.

Plans serialise to plain JSON (:meth:`Plan.to_dict`, :meth:`Plan.from_dict`, versioned by
:data:`PLAN_VERSION`), so the web app stores one and renders any language on demand.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args

from captioning.model import PREDICATES, Predicate

PLAN_VERSION = 1

ALT_LIMIT = 125
# The alt text names the first group and then every group (stated, or hedged: "possibly a
# microwave") that a person describing the photo would likely name (``Group.named`` at least the
# salience model's threshold, see :mod:`captioning.salience`), at most this many: a reader wants
# what the photo is of, not every cup on the shelf (the long description has them all).
ALT_MAX_GROUPS = 6
# How many mentions in the alt text get a place ("on the left"); the rest are only named.
ALT_PLACED_GROUPS = 2
# In the long description, groups up to this size are broken down object by object; bigger
# groups get a summary, which a listener can follow better than a dozen clauses.
ITEMISE_UP_TO = 6
# Above this many, a count in the short alt text becomes "many": detectors miscount crowds, and a
# reader gains little from "fourteen" that "many" does not already give.
MANY_ABOVE = 10

#: Position keys (see :mod:`captioning.geometry`): one object's place, a group's shared place,
#: "mostly <side>" for a clear majority, "across the photo" for a spread group.
BASE_POSITIONS = (
    "left",
    "centre",
    "right",
    "top",
    "bottom",
    "upper left",
    "upper right",
    "lower left",
    "lower right",
)
POSITIONS: tuple[str, ...] = (
    *BASE_POSITIONS,
    *(f"mostly {p}" for p in ("left", "centre", "right", "top", "bottom")),
    "across the photo",
)
#: Size keys, largest first (see :data:`captioning.geometry.SIZE_STEPS`). ``"most"`` of one
#: object is said as "filling most of the photo" (masks) / "spanning most of the photo" (boxes),
#: without a position.
SIZES = ("most", "large", "medium", "small", "very small")
#: A place in the alt text: a position key, or ``"most"`` (filling / spanning most of the photo).
PLACES = (*POSITIONS, "most")

Certainty = Literal["stated", "hedged"]
#: How the alt says a group's number: ``exact`` ("a dog", "three dogs"), ``at_least`` (a floor:
#: "two or more dogs"), ``many`` (more than :data:`MANY_ABOVE`), ``group`` (a crowd region, no
#: number: "a group of people"), ``some`` (hedged, several: "possibly some people").
Quantity = Literal["exact", "at_least", "many", "group", "some"]
RefKind = Literal["the", "placed", "one_of", "some_of", "all", "the_all"]
TextKind = Literal["unclear", "plate"]
Unnamed = Literal["none", "stated", "possible"]


# -- the alt text ----------------------------------------------------------------------------
@dataclass(frozen=True)
class AltRelation:
    """The alt says a mention with its relation in one phrase: "a person riding a horse".
    ``label`` and ``ids``: the object (one stated object, said with an indefinite article)."""

    predicate: Predicate
    label: str
    ids: tuple[int, ...]


@dataclass(frozen=True)
class AltMention:
    """One group in the alt text.

    Attributes:
        label: COCO class, or back-off family ("animal").
        ids: the instances the phrase stands for.
        count: how many (``len(ids)``; also for ``many`` and ``group``, where it is not said).
        quantity: how the number is said (:data:`Quantity`).
        certainty: ``stated`` or ``hedged`` ("possibly a cat", "possibly some people").
        place: where, if this mention may be placed: a key of :data:`PLACES`, else ``None``.
        relation: said together with a related object ("a person riding a horse"), or ``None``.
        droppable: may be dropped (from the end) when the text is too long.
    """

    label: str
    ids: tuple[int, ...]
    count: int
    quantity: Quantity
    certainty: Certainty
    place: str | None = None
    relation: AltRelation | None = None
    droppable: bool = True


@dataclass(frozen=True)
class AltPlan:
    """The alt text: ``mentions`` in order, then "other objects" when something is left out.
    ``unnamed``: the groups the alt never names: ``none``, ``stated`` (at least one stated:
    "other objects") or ``possible`` (only hedged ones: "possibly other objects"). No mentions:
    nothing recognisable (the language's empty text)."""

    mentions: tuple[AltMention, ...] = ()
    unnamed: Unnamed = "none"


# -- the long description ----------------------------------------------------------------------
@dataclass(frozen=True)
class Part:
    """A subgroup of :class:`Members` told apart by size and / or place: "a large one in the
    centre", "two on the left". ``size`` / ``position`` are ``None`` where the whole group shares it."""

    ids: tuple[int, ...]
    count: int
    size: str | None = None
    position: str | None = None


@dataclass(frozen=True)
class Members:
    """Up to :data:`ITEMISE_UP_TO` objects of one group, each accounted for.

    * one object: ``size`` and ``position`` ("a medium-sized dog on the right"); size ``most``
      has no position ("a bed filling most of the photo");
    * all alike: ``size`` and ``position``, no parts ("three small dogs on the left");
    * one size: ``size`` and ``parts`` with positions ("two small people: one on the left and one
      in the centre");
    * one place: ``position`` and ``parts`` with sizes ("four elephants in the centre: two large
      ones and a small one");
    * else ``parts`` with both ("four elephants: a large one on the left, ...").

    ``hedged``: possibly there ("Possibly a small cat in the centre."); ``among``: the single
    members of a crowd ("Among them, a person on the left.")."""

    label: str
    ids: tuple[int, ...]
    count: int
    size: str | None
    position: str | None
    parts: tuple[Part, ...] = ()
    hedged: bool = False
    among: bool = False


@dataclass(frozen=True)
class Largest:
    """The largest member of a summarised group, when its size differs from the common one."""

    id: int
    size: str
    position: str


@dataclass(frozen=True)
class Summary:
    """A big group in one clause: "eleven books across the photo, most of them small; the largest
    is medium-sized and on the left". ``all_same``: every member has ``size`` ("all small")."""

    label: str
    ids: tuple[int, ...]
    count: int
    position: str
    size: str
    all_same: bool
    largest: Largest | None = None
    hedged: bool = False
    among: bool = False


@dataclass(frozen=True)
class Extra:
    """Further members only possibly there, after stated ones: "possibly another small dog on the
    left" (one: ``size`` given), "possibly two more dogs on the right"; ``many``: past
    :data:`MANY_ABOVE` ("possibly many more people")."""

    label: str
    ids: tuple[int, ...]
    count: int
    size: str | None
    position: str
    many: bool = False


@dataclass(frozen=True)
class Crowd:
    """A crowd region: "A group of people across the photo." (``place`` as in :data:`PLACES`)."""

    label: str
    ids: tuple[int, ...]
    place: str


@dataclass(frozen=True)
class Ref:
    """An object or objects in a relation sentence.

    ``kind``: ``the`` ("the dog": the only one), ``placed`` ("the dog on the left": the only one
    there), ``one_of`` ("one of the dogs"), ``some_of`` ("two of the cups": ``len(ids)`` of
    ``total``), ``all`` ("both cups", "all three cups"), ``the_all`` ("the three cups")."""

    label: str
    ids: tuple[int, ...]
    kind: RefKind
    position: str | None = None
    total: int = 0


@dataclass(frozen=True)
class RelationSentence:
    """``subject`` <predicate> ``object``: "The person is riding the horse." ``plural``: the
    subject is several ("Three of the cups are on the table."); ``each``: pairs ("The two
    people are each riding one of the horses."); ``also``: more subjects in the same relation
    to the same object, said in one sentence ("The sandwich, the bowl and the knife are on the
    table."; ``plural`` then)."""

    subject: Ref
    predicate: Predicate
    object: Ref
    plural: bool = False
    each: bool = False
    also: tuple[Ref, ...] = ()


@dataclass(frozen=True)
class BoxesNote:
    """Sizes are rough: the model outlines objects with boxes, not their exact shapes."""


Sentence = Union[Members, Summary, Extra, Crowd, RelationSentence, BoxesNote]  # noqa: UP007 (runtime union for isinstance)


# -- text read in the photo --------------------------------------------------------------------
@dataclass(frozen=True)
class Holder:
    """The object text is written on: "the bus", or "the bus on the left" (``position`` given
    when more than one object of its class is named)."""

    label: str
    position: str | None = None


@dataclass(frozen=True)
class Quote:
    """Text quoted word for word (never translated), on ``holder`` or standing alone."""

    texts: tuple[str, ...]
    holder: Holder | None = None


@dataclass(frozen=True)
class TextNote:
    """Text said without quoting it: ``unclear`` (could not be read clearly; ``holder`` ``None``:
    standing alone) or ``plate`` (a number plate: never transcribed)."""

    kind: TextKind
    holder: Holder | None = None


@dataclass(frozen=True)
class TextPlan:
    """The text read in the photo (:mod:`captioning.reading`): ``quotes`` (one per holder, the
    standalone text last), ``notes`` for the long description, and ``mostly``: the photo is
    mostly text, whose ``rows`` (reading order) become the alt text."""

    quotes: tuple[Quote, ...] = ()
    notes: tuple[TextNote, ...] = ()
    mostly: bool = False
    rows: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    """Everything a realiser needs to write the alt text and the long description.

    ``from_masks``: the sizes come from masks (else boxes: "spanning", and a :class:`BoxesNote`
    ends ``long``)."""

    alt: AltPlan
    long: tuple[Sentence, ...]
    from_masks: bool = True
    text: TextPlan | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data: ``{"version": PLAN_VERSION, "plan": ...}``."""
        return {"version": PLAN_VERSION, "plan": _encode(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Plan:
        """The inverse of :meth:`to_dict`; ValueError (or KeyError / TypeError): not a stored plan
        of this version."""
        if data.get("version") != PLAN_VERSION:
            raise ValueError(f"plan version {data.get('version')!r} is not {PLAN_VERSION}")
        plan = _decode(data["plan"])
        if not isinstance(plan, Plan):
            raise ValueError("not a plan")
        _check(plan)
        return plan


# -- serialisation -----------------------------------------------------------------------------
_TYPES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        AltRelation,
        AltMention,
        AltPlan,
        Part,
        Members,
        Largest,
        Summary,
        Extra,
        Crowd,
        Ref,
        RelationSentence,
        BoxesNote,
        Holder,
        Quote,
        TextNote,
        TextPlan,
        Plan,
    )
}


def read_plan(data: Any) -> Plan | None:
    """A stored plan (:meth:`Plan.to_dict`'s form), or ``None`` when there is none or it does not
    read (another version, broken data)."""
    if data is None:
        return None
    try:
        return Plan.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {"type": type(value).__name__}
        for f in dataclasses.fields(value):
            out[f.name] = _encode(getattr(value, f.name))
        return out
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        cls = _TYPES.get(value.get("type", ""))
        if cls is None:
            raise ValueError(f"unknown plan part {value.get('type')!r}")
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(value) - names - {"type"}
        if unknown:
            raise ValueError(f"{cls.__name__} has no {', '.join(sorted(unknown))}")
        return cls(**{k: _decode(v) for k, v in value.items() if k != "type"})
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise ValueError(f"not plan data: {value!r}")


def _one_of(value: Any, allowed: tuple[Any, ...], what: str) -> None:
    if value not in allowed:
        raise ValueError(f"{what} {value!r} is not one of {', '.join(map(str, allowed))}")


def _check(plan: Plan) -> None:
    """Keys a stored plan may hold (a realiser looks words up by them)."""
    for m in plan.alt.mentions:
        _one_of(m.quantity, get_args(Quantity), "quantity")
        _one_of(m.certainty, get_args(Certainty), "certainty")
        if m.place is not None:
            _one_of(m.place, PLACES, "place")
        if m.relation is not None:
            _one_of(m.relation.predicate, PREDICATES, "predicate")
    _one_of(plan.alt.unnamed, get_args(Unnamed), "unnamed")
    for s in plan.long:
        if isinstance(s, (Members, Summary, Extra)):
            for size in (s.size, *(p.size for p in getattr(s, "parts", ()))):
                if size is not None:
                    _one_of(size, SIZES, "size")
            for position in (s.position, *(p.position for p in getattr(s, "parts", ()))):
                if position is not None:
                    _one_of(position, POSITIONS, "position")
            largest = getattr(s, "largest", None)
            if largest is not None:
                _one_of(largest.size, SIZES, "size")
                _one_of(largest.position, POSITIONS, "position")
        elif isinstance(s, Crowd):
            _one_of(s.place, PLACES, "place")
        elif isinstance(s, RelationSentence):
            _one_of(s.predicate, PREDICATES, "predicate")
            for ref in (s.subject, s.object, *s.also):
                _one_of(ref.kind, get_args(RefKind), "reference")
                if ref.position is not None:
                    _one_of(ref.position, POSITIONS, "position")
        elif not isinstance(s, BoxesNote):
            raise ValueError(f"not a sentence: {s!r}")
    if plan.text is not None:
        holders = [q.holder for q in plan.text.quotes] + [n.holder for n in plan.text.notes]
        for note in plan.text.notes:
            _one_of(note.kind, get_args(TextKind), "text note")
        for holder in holders:
            if holder is not None and holder.position is not None:
                _one_of(holder.position, POSITIONS, "position")
