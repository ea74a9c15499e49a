"""Planning what to say from grouped objects (:mod:`captioning.analyse`): a :class:`~captioning.plan.Plan`.

Every choice of content is made here, once for all languages: which groups the alt names and
in what order, how each number is said (exact, a floor, "many"), which relation the alt says in
one phrase, how each group of the long description is broken down by size and place, and which
relation sentences are said together. A realiser (:mod:`captioning.lang`) only words it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence

from captioning.analyse import Group
from captioning.geometry import group_position, size_class
from captioning.model import DetectedObject, ReadText, Relation
from captioning.plan import (
    ALT_MAX_GROUPS,
    ALT_PLACED_GROUPS,
    ITEMISE_UP_TO,
    MANY_ABOVE,
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
    Quantity,
    Quote,
    Ref,
    RelationSentence,
    Sentence,
    Summary,
    TextNote,
    TextPlan,
    Unnamed,
)
from captioning.reading import mostly_text

# When ``linked`` is on: objects in a riding / holding / on relation with a named one are named too.
LINK_IN_ALT = False

Objects = Mapping[int, DetectedObject]


def plan_description(
    groups: Sequence[Group],
    objects: Objects,
    *,
    from_masks: bool,
    linked: Collection[str] = (),
    threshold: float = 0.5,
    alt_relations: Sequence[Relation] = (),
    relations: Sequence[Relation] = (),
    text: Sequence[ReadText] = (),
    image_size: tuple[int, int] = (1, 1),
) -> Plan:
    """The plan of one photo: :func:`plan_alt`, :func:`plan_long` and :func:`text_plan`."""
    long = plan_long(groups, objects, from_masks=from_masks, relations=relations)
    alt = plan_alt(groups, objects, from_masks=from_masks, linked=linked, threshold=threshold, relations=alt_relations)
    return Plan(alt, long, from_masks, text_plan(text, tuple(objects.values()), image_size))


# -- alt text ----------------------------------------------------------------------------------
def plan_alt(
    groups: Sequence[Group],
    objects: Objects,
    *,
    from_masks: bool,
    linked: Collection[str] = (),
    threshold: float = 0.5,
    relations: Sequence[Relation] = (),
) -> AltPlan:
    """The alt text: the first group and the groups likely to be named (``named >= threshold``;
    hedged ones with "possibly"), at most :data:`ALT_MAX_GROUPS`, most important first; places
    for the first :data:`ALT_PLACED_GROUPS`; every mention after the first droppable.

    ``relations``: checked relations the alt may say. One that joins two named groups of one
    stated object each is said in one phrase, as people write it: "A person riding a horse"."""
    if not groups:
        return AltPlan()
    chosen = [groups[0]]
    for g in groups[1:]:
        if len(chosen) >= ALT_MAX_GROUPS:
            break
        if g.named >= threshold or (LINK_IN_ALT and g.label in linked):
            chosen.append(g)
    picked = {id(g) for g in chosen}  # by identity: comparing groups field by field is slow
    rest = [g for g in groups if id(g) not in picked]
    joins = _joins(chosen, relations)
    joined = {k for k, _ in joins.values()}
    units = [k for k in range(len(chosen)) if k not in joined]
    mentions = []
    for n, k in enumerate(units):
        group = chosen[k]
        relation = None
        place = None
        if k in joins:
            other, r = joins[k]
            relation = AltRelation(r.predicate, chosen[other].label, chosen[other].ids)
        elif n < ALT_PLACED_GROUPS:
            # "One or more dogs on the left" says where the possible dogs are too: place them all.
            members = (*group.stated, *group.possible) if group.stated else group.ids
            place = alt_place([objects[i] for i in members])
        mentions.append(
            AltMention(
                group.label,
                group.ids,
                len(group.ids),
                _quantity(group),
                "stated" if group.stated else "hedged",
                place,
                relation,
                droppable=n > 0,
            )
        )
    unnamed: Unnamed = "none" if not rest else "stated" if any(g.stated for g in rest) else "possible"
    return AltPlan(tuple(mentions), unnamed)


def _quantity(group: Group) -> Quantity:
    """How the alt says the group's number: a crowd has none ("a group of people"); past
    :data:`MANY_ABOVE` "many"; a floor ("two or more dogs") when further ones are possible or this
    model's number for such a group is too often wrong to say plainly; hedged groups of several
    "some" (a number would claim more than the scores allow: "possibly five people")."""
    n = len(group.ids)
    if not group.stated:
        return "exact" if n == 1 else "some"
    if group.crowd:
        return "group"
    if n > MANY_ABOVE:
        return "many"
    if group.possible or not group.exact:
        return "at_least"
    return "exact"


def _joins(chosen: Sequence[Group], relations: Sequence[Relation]) -> dict[int, tuple[int, Relation]]:
    """``{subject group: (object group, relation)}`` (positions in ``chosen``) for relations
    between two chosen groups of one plainly stated, plainly counted object each; each group in
    one join at most, the first relation (reading order) first."""
    position = {i: k for k, g in enumerate(chosen) for i in g.ids}
    joins: dict[int, tuple[int, Relation]] = {}
    taken: set[int] = set()
    for r in relations:
        ks, ko = position.get(r.subject), position.get(r.object)
        if ks is None or ko is None or ks == ko or {ks, ko} & taken:
            continue
        if all(len(g.stated) == 1 and not g.possible and not g.crowd and g.exact for g in (chosen[ks], chosen[ko])):
            joins[ks] = (ko, r)
            taken |= {ks, ko}
    return joins


def alt_place(members: Sequence[DetectedObject]) -> str | None:
    """The place of members in the alt: ``"most"`` for one object filling most of the photo, its
    position, or the group's; ``None`` for "across the photo", which adds length without telling
    a reader where to look."""
    if len(members) == 1:
        obj = members[0]
        return "most" if size_class(obj.area_fraction) == "most" else obj.position
    where = group_position([m.centre[0] for m in members], [m.centre[1] for m in members])
    return None if where == "across the photo" else where


# -- long description ------------------------------------------------------------------------
def plan_long(
    groups: Sequence[Group], objects: Objects, *, from_masks: bool, relations: Sequence[Relation] = ()
) -> tuple[Sentence, ...]:
    """One sentence per group with count, place and size of every object; "possibly" objects in
    sentences of their own right after the plainly stated ones of the same class; then one
    sentence per relation (or per set of relations that would read alike); then, from boxes, a
    note that sizes are rough. Nothing when there are no groups."""
    if not groups:
        return ()
    sentences: list[Sentence] = []
    for group in groups:
        if group.crowd:
            sentences.extend(_crowd(group, objects))
        elif group.stated:
            sentences.append(members_sentence(group.label, [objects[i] for i in group.stated]))
            if group.possible:
                sentences.append(_extra(group.label, [objects[i] for i in group.possible]))
        else:
            possible = [objects[i] for i in group.possible]
            sentences.append(members_sentence(group.label, possible, hedged=True))
    by_group = {i: g for g in groups for i in (*g.stated, *g.possible)}
    sentences.extend(_relation_sentences(relations, objects, by_group))
    if not from_masks:
        sentences.append(BoxesNote())
    return tuple(sentences)


def _crowd(group: Group, objects: Objects) -> list[Sentence]:
    """A crowd group: "A group of people across the photo." then the ones picked out one by one."""
    members = [objects[i] for i in group.stated]
    # Placed as in the alt text, so the two never disagree ("filling most of the photo" there,
    # "in the centre" here); only "across the photo", which the alt leaves out, is said here.
    out: list[Sentence] = [Crowd(group.label, group.stated, alt_place(members) or "across the photo")]
    single = [m for m in members if not m.crowd]
    if single:
        out.append(members_sentence(group.label, single, among=True))
    if group.possible:
        out.append(_extra(group.label, [objects[i] for i in group.possible]))
    return out


def members_sentence(
    label: str, members: Sequence[DetectedObject], *, hedged: bool = False, among: bool = False
) -> Members | Summary:
    """Every member accounted for (:class:`Members`), or a :class:`Summary` past :data:`ITEMISE_UP_TO`."""
    ids = tuple(m.index for m in members)
    n = len(members)
    if n == 1:
        obj = members[0]
        size = size_class(obj.area_fraction)
        return Members(label, ids, 1, size, None if size == "most" else obj.position, (), hedged, among)
    if n > ITEMISE_UP_TO:
        return _summary(label, members, hedged=hedged, among=among)
    sizes = {size_class(m.area_fraction) for m in members}
    places = {m.position for m in members}
    subgroups = _subgroups(members).items()
    if len(sizes) == 1 and len(places) == 1:
        return Members(label, ids, n, sizes.pop(), places.pop(), (), hedged, among)
    if len(sizes) == 1:
        parts = tuple(Part(_ids(sub), len(sub), None, place) for (_, place), sub in subgroups)
        return Members(label, ids, n, sizes.pop(), None, parts, hedged, among)
    if len(places) == 1:
        parts = tuple(Part(_ids(sub), len(sub), size, None) for (size, _), sub in subgroups)
        return Members(label, ids, n, None, places.pop(), parts, hedged, among)
    parts = tuple(Part(_ids(sub), len(sub), size, place) for (size, place), sub in subgroups)
    return Members(label, ids, n, None, None, parts, hedged, among)


def _ids(members: Sequence[DetectedObject]) -> tuple[int, ...]:
    return tuple(m.index for m in members)


def _extra(label: str, members: Sequence[DetectedObject]) -> Extra:
    """Hedged extras after stated ones: "another small dog on the left", "two more dogs on the right"."""
    ids = _ids(members)
    if len(members) == 1:
        obj = members[0]
        return Extra(label, ids, 1, size_class(obj.area_fraction), obj.position)
    where = group_position([m.centre[0] for m in members], [m.centre[1] for m in members])
    # Past the "many" limit a number would be false precision for things only possibly there.
    return Extra(label, ids, len(members), None, where, many=len(members) > MANY_ABOVE)


def _summary(label: str, members: Sequence[DetectedObject], *, hedged: bool, among: bool) -> Summary:
    """A big group in one clause: count, shared place, the most common size (ties go to the larger
    class so the summary does not undersell), and the largest when its size differs."""
    where = group_position([m.centre[0] for m in members], [m.centre[1] for m in members])
    sizes = [size_class(m.area_fraction) for m in members]
    common = max(dict.fromkeys(sizes), key=sizes.count)
    largest = members[0]  # members come largest first
    biggest = None if sizes[0] == common else Largest(largest.index, sizes[0], largest.position)
    return Summary(
        label, _ids(members), len(members), where, common, sizes.count(common) == len(sizes), biggest, hedged, among
    )


def _subgroups(members: Sequence[DetectedObject]) -> dict[tuple[str, str], list[DetectedObject]]:
    """Members keyed by (size class, position), in order of first (largest) appearance."""
    out: dict[tuple[str, str], list[DetectedObject]] = {}
    for m in members:
        out.setdefault((size_class(m.area_fraction), m.position), []).append(m)
    return out


def _ref(index: int, objects: Objects, by_group: Mapping[int, Group]) -> Ref:
    """One object: "the dog", "the dog on the left" (one of several, told apart by place) or
    "one of the dogs"."""
    obj = objects[index]
    group = by_group[index]
    members = [objects[i] for i in (*group.stated, *group.possible)]
    if len(members) == 1:
        return Ref(group.label, (index,), "the")
    if sum(m.position == obj.position for m in members) == 1:
        return Ref(group.label, (index,), "placed", obj.position)
    return Ref(group.label, (index,), "one_of")


def _counted(ids: Sequence[int], by_group: Mapping[int, Group], *, the: bool = False) -> Ref:
    """Several members of one group: "two of the cups", or all of them: "both cups", "all three
    cups" (with ``the``: "the two cups", "the three cups")."""
    group = by_group[ids[0]]
    n = len(group.stated) + len(group.possible)
    kind = "some_of" if len(ids) < n else "the_all" if the else "all"
    return Ref(group.label, tuple(ids), kind, total=n)


def _relation_sentences(
    relations: Sequence[Relation], objects: Objects, by_group: Mapping[int, Group]
) -> list[Sentence]:
    """One sentence per relation, except that relations that would read the same (their objects
    told apart by nothing: "one of the cups") are said once with a count: three times "One of the
    cups is on the table." reads as one cup said three times, or as a glitch."""
    same: dict[tuple[object, ...], list[Relation]] = {}
    worded: dict[Relation, RelationSentence] = {}
    for relation in relations:
        s = worded[relation] = RelationSentence(
            _ref(relation.subject, objects, by_group), relation.predicate, _ref(relation.object, objects, by_group)
        )
        key = (_reads_as(s.subject), s.predicate, _reads_as(s.object))
        same.setdefault(key, []).append(relation)
    sentences: list[Sentence] = []
    for found in same.values():
        first = worded[found[0]]
        subjects = list(dict.fromkeys(r.subject for r in found))
        others = list(dict.fromkeys(r.object for r in found))
        if len(found) == 1:
            sentences.append(first)
        elif len(subjects) == 1:  # "The person is holding both cups."
            sentences.append(RelationSentence(first.subject, first.predicate, _counted(others, by_group)))
        elif len(others) == 1:  # "Three of the cups are on the table."
            sentences.append(RelationSentence(_counted(subjects, by_group), first.predicate, first.object, plural=True))
        elif len(subjects) == len(others) == len(found):  # "Two of the people are each riding one of the horses."
            label = by_group[others[0]].label
            obj = Ref(label, tuple(others), first.object.kind, first.object.position)
            sentences.append(
                RelationSentence(_counted(subjects, by_group, the=True), first.predicate, obj, plural=True, each=True)
            )
        else:  # tangled pairs, too rare to word: one sentence each, as they come
            sentences.extend(worded[r] for r in found)
    return _shared_objects(sentences, by_group)


def _shared_objects(sentences: Sequence[RelationSentence], by_group: Mapping[int, Group]) -> list[Sentence]:
    """Sentences relating different subjects to the same object in the same way are said as one,
    where the first of them stood: "The sandwich, the bowl and the knife are on the table." Three
    "... is on the table." in a row read as a form, in every language. Subjects from one group
    become one counted subject ("all five pieces of broccoli", "seven of the cakes"): "the piece
    on the left, three of the pieces and the piece on the right" could count some twice."""
    merged: list[RelationSentence] = []
    at: dict[tuple[object, ...], int] = {}
    for s in sentences:
        key = (s.predicate, s.object.ids, _reads_as(s.object))
        if s.each or key not in at:
            if not s.each:
                at[key] = len(merged)
            merged.append(s)
            continue
        first = merged[at[key]]
        merged[at[key]] = dataclasses.replace(first, also=(*first.also, s.subject), plural=True)
    return [_one_per_group(s, by_group) if s.also else s for s in merged]


def _one_per_group(s: RelationSentence, by_group: Mapping[int, Group]) -> RelationSentence:
    """``s`` with the subjects of each group said once, where the group's first one stood."""
    ids: dict[int, list[int]] = {}  # a group (by identity) -> every subject id of it
    for ref in (s.subject, *s.also):
        ids.setdefault(id(by_group[ref.ids[0]]), []).extend(ref.ids)
    subjects: list[Ref] = []
    said: set[int] = set()
    for ref in (s.subject, *s.also):
        key = id(by_group[ref.ids[0]])
        if key in said:
            continue
        said.add(key)
        together = ids[key]
        subjects.append(ref if len(together) == len(ref.ids) else _counted(sorted(together), by_group))
    return dataclasses.replace(s, subject=subjects[0], also=tuple(subjects[1:]))


def _reads_as(ref: Ref) -> tuple[object, ...]:
    """What a reader hears of a reference (not which object it is): equal for refs that read alike."""
    return (ref.label, ref.kind, ref.position)


# -- text read in the photo --------------------------------------------------------------------
def text_plan(
    text: Sequence[ReadText], objects: Sequence[DetectedObject], image_size: tuple[int, int]
) -> TextPlan | None:
    """What is said of the text read in the photo (:func:`captioning.reading.plan_text` decided
    what to do with each piece): one quote per holder of quoted text, standalone text last; one
    note per holder of unclear text and per number plate; whether the photo is mostly text."""
    if not text:
        return None
    holders: dict[int | None, list[str]] = {}
    for piece in text:
        if piece.status == "quoted":
            holders.setdefault(piece.on, []).append(piece.text)
    quotes = [Quote(tuple(q), _holder(on, objects)) for on, q in holders.items() if on is not None]
    if None in holders:
        quotes.append(Quote(tuple(holders[None])))
    notes: list[TextNote] = []
    seen: set[tuple[str, int | None]] = set()
    for piece in text:
        key = (piece.status, piece.on)
        if key in seen:
            continue
        seen.add(key)
        if piece.status == "plate" and piece.on is not None:
            notes.append(TextNote("plate", _holder(piece.on, objects)))
        elif piece.status == "unclear":
            notes.append(TextNote("unclear", None if piece.on is None else _holder(piece.on, objects)))
    mostly = mostly_text(text, image_size)
    rows = tuple(t.text for t in text if t.status == "quoted") if mostly else ()
    return TextPlan(tuple(quotes), tuple(notes), mostly, rows)


def _holder(index: int, objects: Sequence[DetectedObject]) -> Holder:
    """The object text is on, placed when more than one object of its class is named."""
    obj = next(o for o in objects if o.index == index)
    same = [o for o in objects if o.label == obj.label and o.certainty != "dropped"]
    label = obj.generic or obj.label
    return Holder(label, obj.position if len(same) > 1 and obj.position else None)
