"""Random, well-formed plans (:mod:`captioning.plan`) for property tests of every realiser.

``plans()`` is a hypothesis strategy: every field holds a key a realiser must know (labels of
the 80 COCO classes and the back-off families, :data:`~captioning.plan.POSITIONS`,
:data:`~captioning.plan.SIZES`, predicates), and the parts agree with each other as the planner
makes them (counts, ids, a single object's size "most" without a position, ...).
"""

from __future__ import annotations

from hypothesis import strategies as st

from captioning.model import PREDICATES
from captioning.plan import (
    BASE_POSITIONS,
    MANY_ABOVE,
    PLACES,
    POSITIONS,
    SIZES,
    AltMention,
    AltPlan,
    AltRelation,
    BoxesNote,
    Crowd,
    Extra,
    Holder,
    Largest,
    Members,
    Part,
    Plan,
    Quote,
    Ref,
    RelationSentence,
    Sentence,
    Summary,
    TextNote,
    TextPlan,
)
from captioning.vocabulary import COCO_LABELS, FAMILIES

LABELS = (*COCO_LABELS, *FAMILIES)
labels = st.sampled_from(LABELS)
sizes = st.sampled_from(SIZES)
positions = st.sampled_from(POSITIONS)
base_positions = st.sampled_from(BASE_POSITIONS)
# Quoted text is said as read, in any script; a realiser must not touch it.
QUOTES = ("SCOTT BROWN", "Main Street", "Café Röd", "OPEN 24/7", "Straße", "¡Hola!", "東京", "l'été")


class _Ids:
    """Fresh instance ids: every phrase of a plan points at its own objects."""

    def __init__(self) -> None:
        self.next = 0

    def take(self, n: int) -> tuple[int, ...]:
        out = tuple(range(self.next, self.next + n))
        self.next += n
        return out


@st.composite
def alt_mentions(draw: st.DrawFn, ids: _Ids, first: bool) -> AltMention:
    label = draw(labels)
    stated = draw(st.booleans())
    count = draw(st.sampled_from([1, 1, 2, 3, 5, 7, 12, 21]))
    if stated:
        quantity = draw(st.sampled_from(["group"] if count > 1 and draw(st.booleans()) else ["exact", "at_least"]))
        if count > MANY_ABOVE and quantity != "group":
            quantity = "many"
    else:
        quantity = "exact" if count == 1 else "some"
    relation = None
    place = draw(st.none() | st.sampled_from(PLACES))
    if stated and quantity == "exact" and count == 1 and draw(st.integers(0, 3)) == 0:
        relation = AltRelation(draw(st.sampled_from(PREDICATES)), draw(labels), ids.take(1))
        place = None
    return AltMention(
        label, ids.take(count), count, quantity, "stated" if stated else "hedged", place, relation, not first
    )


@st.composite
def members(draw: st.DrawFn, ids: _Ids) -> Members:
    label = draw(labels)
    hedged, among = draw(st.booleans()), draw(st.booleans())
    shape = draw(st.sampled_from(["one", "alike", "one size", "one place", "mixed"]))
    if shape == "one":
        size = draw(sizes)
        return Members(label, ids.take(1), 1, size, None if size == "most" else draw(base_positions), (), hedged, among)
    counts = draw(st.lists(st.integers(1, 3), min_size=2, max_size=3))
    parts_ids = [ids.take(n) for n in counts]
    all_ids = tuple(i for p in parts_ids for i in p)
    n = len(all_ids)
    if shape == "alike":
        return Members(label, all_ids, n, draw(sizes), draw(base_positions), (), hedged, among)
    if shape == "one size":
        places = draw(st.lists(base_positions, min_size=len(counts), max_size=len(counts), unique=True))
        parts = tuple(Part(p, len(p), None, w) for p, w in zip(parts_ids, places, strict=True))
        return Members(label, all_ids, n, draw(sizes), None, parts, hedged, among)
    if shape == "one place":
        kinds = draw(st.lists(sizes, min_size=len(counts), max_size=len(counts), unique=True))
        parts = tuple(Part(p, len(p), s, None) for p, s in zip(parts_ids, kinds, strict=True))
        return Members(label, all_ids, n, None, draw(base_positions), parts, hedged, among)
    parts = tuple(Part(p, len(p), draw(sizes), draw(base_positions)) for p in parts_ids)
    return Members(label, all_ids, n, None, None, parts, hedged, among)


@st.composite
def summaries(draw: st.DrawFn, ids: _Ids) -> Summary:
    n = draw(st.integers(7, 25))
    group = ids.take(n)
    size = draw(sizes)
    largest = None
    if draw(st.booleans()):
        largest = Largest(group[0], draw(sizes.filter(lambda s: s != size)), draw(base_positions))
    return Summary(
        draw(labels), group, n, draw(positions), size, largest is None and draw(st.booleans()), largest,
        draw(st.booleans()), draw(st.booleans()),
    )  # fmt: skip


@st.composite
def extras(draw: st.DrawFn, ids: _Ids) -> Extra:
    n = draw(st.sampled_from([1, 2, 3, 12]))
    if n == 1:
        return Extra(draw(labels), ids.take(1), 1, draw(sizes), draw(base_positions))
    return Extra(draw(labels), ids.take(n), n, None, draw(positions), many=n > MANY_ABOVE)


@st.composite
def refs(draw: st.DrawFn, ids: _Ids, *, several: bool = False) -> Ref:
    label = draw(labels)
    if several:
        n = draw(st.integers(2, 4))
        kind = draw(st.sampled_from(["some_of", "all", "the_all"]))
        total = n + (draw(st.integers(1, 3)) if kind == "some_of" else 0)
        return Ref(label, ids.take(n), kind, None, total)
    kind = draw(st.sampled_from(["the", "placed", "one_of"]))
    return Ref(label, ids.take(1), kind, draw(base_positions) if kind == "placed" else None)


@st.composite
def relation_sentences(draw: st.DrawFn, ids: _Ids) -> RelationSentence:
    predicate = draw(st.sampled_from(PREDICATES))
    shape = draw(st.sampled_from(["one", "one subject", "one object", "each", "shared object"]))
    if shape == "one":
        return RelationSentence(draw(refs(ids)), predicate, draw(refs(ids)))
    if shape == "shared object":  # "The sandwich, the bowl and the knife are on the table."
        also = tuple(draw(st.lists(refs(ids), min_size=1, max_size=3)))
        return RelationSentence(draw(refs(ids)), predicate, draw(refs(ids)), plural=True, also=also)
    if shape == "one subject":
        return RelationSentence(draw(refs(ids)), predicate, draw(refs(ids, several=True)))
    if shape == "one object":
        return RelationSentence(draw(refs(ids, several=True)), predicate, draw(refs(ids)), plural=True)
    subject = draw(refs(ids, several=True))
    subject = Ref(subject.label, subject.ids, "the_all", None, len(subject.ids))
    obj = Ref(draw(labels), ids.take(len(subject.ids)), "one_of")
    return RelationSentence(subject, predicate, obj, plural=True, each=True)


@st.composite
def holders(draw: st.DrawFn) -> Holder:
    return Holder(draw(labels), draw(st.none() | base_positions))


@st.composite
def text_plans(draw: st.DrawFn) -> TextPlan:
    quotes = [
        Quote(tuple(draw(st.lists(st.sampled_from(QUOTES), min_size=1, max_size=3))), draw(st.none() | holders()))
        for _ in range(draw(st.integers(0, 3)))
    ]
    quotes.sort(key=lambda q: q.holder is None)  # standalone text last
    notes = [
        TextNote(kind, None if kind == "unclear" and draw(st.booleans()) else draw(holders()))
        for kind in draw(st.lists(st.sampled_from(["unclear", "plate"]), max_size=3))
    ]
    rows = tuple(t for q in quotes for t in q.texts)
    mostly = bool(rows) and draw(st.booleans())
    return TextPlan(tuple(quotes), tuple(notes), mostly, rows if mostly else ())


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    """A random plan: up to 8 alt mentions, up to 10 sentences, maybe text read in the photo."""
    ids = _Ids()
    n = draw(st.integers(0, 8))
    mentions = tuple(draw(alt_mentions(ids, first=k == 0)) for k in range(n))
    unnamed = draw(st.sampled_from(["none", "stated", "possible"])) if mentions else "none"
    from_masks = draw(st.booleans())
    long: list[Sentence] = []
    if mentions:
        kinds = st.sampled_from([members, members, summaries, extras, relation_sentences])
        for _ in range(draw(st.integers(1, 10))):
            long.append(draw(draw(kinds)(ids)))
        if draw(st.booleans()):
            label = draw(labels)
            long.insert(0, Crowd(label, ids.take(draw(st.integers(1, 3))), draw(st.sampled_from(PLACES))))
        if not from_masks:
            long.append(BoxesNote())
    text = draw(st.none() | text_plans())
    return Plan(AltPlan(mentions, unnamed), tuple(long), from_masks, text)
