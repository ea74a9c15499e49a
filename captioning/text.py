"""Writing the short alt text and the long description from grouped objects.

Text is built from segments ``(text, link)`` where ``link`` is ``(label, instance_ids)`` or
``None``; assembling the segments gives both the final string and the character spans of every
linked phrase, so mentions can never drift from the words they point at.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from captioning.analyse import Group
from captioning.geometry import group_position, position_phrase, size_adjective, size_class
from captioning.grammar import MANY_ABOVE, count_noun, number_word, plural, singular, with_article
from captioning.model import DetectedObject, Mention, Relation, TextField

Link = tuple[str, tuple[int, ...]]
Segment = tuple[str, Link | None]

ALT_LIMIT = 125
EMPTY_ALT = "No recognisable objects; the photo may show a scene, text or things the model does not know."
EMPTY_LONG = (
    # No examples of the 80 kinds here ("such as people"): a reader, and the evaluation, would
    # hear them as things in this photo.
    EMPTY_ALT + " The model knows only 80 common kinds of everyday things and does not describe scenes or read text."
)
BOXES_NOTE = "Sizes are rough: this model outlines objects with boxes, not their exact shapes."
# In the long description, groups up to this size are broken down object by object; bigger
# groups get a summary, which a listener can follow better than a dozen clauses.
ITEMISE_UP_TO = 6
# How many groups in the alt text get a place ("on the left"); the rest are only named.
ALT_PLACED_GROUPS = 2
# The alt text names the first group and then every group (stated, or hedged: "possibly a
# microwave") that a person describing the photo would likely name (``Group.named`` at least the
# salience model's threshold, see :mod:`captioning.salience`), at most this many: a reader wants
# what the photo is of, not every cup on the shelf (the long description has them all).
ALT_MAX_GROUPS = 6
# When ``linked`` is on: objects in a riding / holding / on relation with a named one are named too.
LINK_IN_ALT = False

Objects = Mapping[int, DetectedObject]


# -- assembling --------------------------------------------------------------------------------
def assemble(sentences: Sequence[Sequence[Segment]], field: TextField) -> tuple[str, list[Mention]]:
    """Join sentences (capitalised, full stop, one space between) and locate each link."""
    out: list[str] = []
    mentions: list[Mention] = []
    pos = 0
    for s_index, segments in enumerate(sentences):
        if s_index:
            out.append(" ")
            pos += 1
        first = True
        last = ""  # the last non-empty segment: does the sentence already end with a full stop?
        for text, link in segments:
            if first:
                text = text[:1].upper() + text[1:]
                first = False
            end = pos + len(text)
            if link is not None:
                mentions.append(Mention(text, link[0], link[1], field, pos, end))
            out.append(text)
            pos = end
            if text:
                last = text
        if not last.endswith("."):
            out.append(".")
            pos += 1
    return "".join(out), mentions


def joined_segments(items: Sequence[list[Segment]]) -> list[Segment]:
    """Segments of several phrases joined as "a, b and c"."""
    result: list[Segment] = []
    for k, item in enumerate(items):
        if k:
            result.append((" and " if k == len(items) - 1 else ", ", None))
        result.extend(item)
    return result


def length(segments: Sequence[Segment]) -> int:
    return sum(len(t) for t, _ in segments) + 1  # + the full stop


# -- alt text ----------------------------------------------------------------------------------
def write_alt(
    groups: Sequence[Group],
    objects: Objects,
    *,
    from_masks: bool,
    linked: Collection[str] = (),
    threshold: float = 0.5,
    relations: Sequence[Relation] = (),
) -> tuple[str, list[Mention]]:
    """The short alt text: the first group and the groups likely to be named
    (``named >= threshold``; hedged ones with "possibly") that fit in :data:`ALT_LIMIT`
    characters, most important first, whole groups dropped (never words cut), places given while
    room allows, and "other objects" said when some are left out.

    ``relations``: checked relations the alt may say. One that joins two named groups of one
    stated object each is said in one phrase, as people write it: "A person riding a horse"."""
    if not groups:
        return EMPTY_ALT, []
    chosen = [groups[0]]
    for g in groups[1:]:
        if len(chosen) >= ALT_MAX_GROUPS:
            break
        if g.named >= threshold or (LINK_IN_ALT and g.label in linked):
            chosen.append(g)
    picked = {id(g) for g in chosen}  # by identity: comparing groups field by field is slow
    rest = [g for g in groups if id(g) not in picked]
    groups = [*chosen, *rest]
    joins = _joins(chosen, relations)
    joined = {k for k, _ in joins.values()}
    units = [k for k in range(len(chosen)) if k not in joined]
    # The tries below share most of their phrases: build each (group, placed) phrase once.
    built: dict[tuple[int, bool], list[Segment]] = {}

    def phrase(k: int, placed: bool) -> list[Segment]:
        found = built.get((k, placed))
        if found is None:
            if k in joins:
                other, relation = joins[k]
                obj = groups[other]
                found = [
                    *_alt_phrase(groups[k], objects, from_masks, placed=False),
                    (f" {relation.predicate} ", None),
                    (with_article(singular(obj.label)), (obj.label, obj.ids)),
                ]
            else:
                found = _alt_phrase(groups[k], objects, from_masks, placed=placed)
            built[k, placed] = found
        return found

    for count in range(len(units), 0, -1):
        for placed in range(min(ALT_PLACED_GROUPS, count), -1, -1):
            said = units[:count]
            phrases = [phrase(k, n < placed) for n, k in enumerate(said)]
            used = {*said, *(joins[k][0] for k in said if k in joins)}
            left_out = [g for k, g in enumerate(groups) if k not in used]
            if left_out:
                hedge = "" if any(g.stated for g in left_out) else "possibly "
                phrases.append([(f"{hedge}other objects", None)])
            segments = joined_segments(phrases)
            if length(segments) <= ALT_LIMIT:
                return assemble([segments], "alt_text")
    # Unreachable with the COCO vocabulary (the longest single phrase is far below the limit),
    # but an unknown label could be very long: cut between words rather than fail (keeping
    # "possibly" for a group that is only possibly there).
    first = _alt_phrase(groups[0], objects, from_masks, placed=False)
    cut = fit_words("".join(t for t, _ in first), ALT_LIMIT - 1)
    return assemble([[(cut, None)]], "alt_text")


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


def fit_words(text: str, limit: int) -> str:
    """``text`` shortened to at most ``limit`` characters, cut only between words (a single
    over-long word is cut hard, as there is nothing better to do)."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0]
    return cut if 0 < len(cut) <= limit else text[:limit]


def _alt_phrase(group: Group, objects: Objects, from_masks: bool, *, placed: bool) -> list[Segment]:
    ids = group.ids
    segments: list[Segment] = []
    if group.stated:
        segments.append((_count_text(group, many_above=MANY_ABOVE), (group.label, ids)))
    else:
        # Each member only possibly there: a number would claim more than the scores allow
        # ("possibly five people"); the long description still gives each one.
        noun = with_article(singular(group.label)) if len(ids) == 1 else f"some {plural(group.label)}"
        segments += [("possibly ", None), (noun, (group.label, ids))]
    if placed:
        # "One or more dogs on the left" says where the possible dogs are too: place them all.
        members = (*group.stated, *group.possible) if group.stated else ids
        where = _alt_place([objects[i] for i in members], from_masks)
        if where:
            segments.append((" " + where, None))
    return segments


def _count_text(group: Group, *, many_above: int | None) -> str:
    """The counted noun: "three dogs", "many books", "a group of people" (a crowd region: no exact count), or "two or
    more dogs" when further dogs are only possible, so the stated number is a floor, not a claim."""
    if group.crowd:
        return f"a group of {plural(group.label)}"
    n = len(group.ids)
    text = count_noun(group.label, n, many_above=many_above)
    if group.stated and (group.possible or not group.exact) and not text.startswith("many "):
        # A floor, true when the stated members are: further ones are possible, or this model's
        # number for such a group is too often wrong to say plainly.
        return f"{number_word(n)} or more {plural(group.label)}"
    return text


def _alt_place(members: Sequence[DetectedObject], from_masks: bool) -> str:
    if len(members) == 1:
        obj = members[0]
        if size_class(obj.area_fraction) == "most":
            return "filling most of the photo" if from_masks else "spanning most of the photo"
        return position_phrase(obj.position)
    where = group_position([m.centre[0] for m in members], [m.centre[1] for m in members])
    # "Across the photo" adds length without telling a reader where to look; leave it out.
    return "" if where == "across the photo" else position_phrase(where)


# -- long description ------------------------------------------------------------------------
def write_long(
    groups: Sequence[Group], objects: Objects, *, from_masks: bool, relations: Sequence[Relation] = ()
) -> tuple[str, list[Mention]]:
    """One sentence per group with count, place and size of every object; "possibly" objects in
    sentences of their own right after the plainly stated ones of the same class; then one
    sentence per relation."""
    if not groups:
        return EMPTY_LONG, []
    sentences: list[list[Segment]] = []
    for group in groups:
        if group.crowd:
            sentences.extend(_crowd(group, objects, from_masks))
        elif group.stated:
            sentences.append(_members(group.label, [objects[i] for i in group.stated], from_masks))
            if group.possible:
                sentences.append([("possibly ", None), *_extra(group.label, [objects[i] for i in group.possible])])
        else:
            possible = [objects[i] for i in group.possible]
            sentences.append([("possibly ", None), *_members(group.label, possible, from_masks)])
    by_group = {i: g for g in groups for i in (*g.stated, *g.possible)}
    for sentence in _relation_sentences(relations, objects, by_group):
        first, link = sentence[0]
        if first.startswith("one of the ") and _ends_with_one(sentences):
            # "... and a large one. One of the people is riding ..." repeats "one": say
            # "Among the people, one is riding ..." instead.
            sentence = [(f"among {first.removeprefix('one of ')}, ", None), ("one", link), *sentence[1:]]
        sentences.append(sentence)
    if not from_masks:
        sentences.append([(BOXES_NOTE, None)])
    return assemble(sentences, "long_description")


def _ends_with_one(sentences: Sequence[Sequence[Segment]]) -> bool:
    """Whether the last sentence so far ends with the word "one"."""
    return bool(sentences) and "".join(t for t, _ in sentences[-1]).rstrip(". ").lower().endswith(" one")


def _crowd(group: Group, objects: Objects, from_masks: bool) -> list[list[Segment]]:
    """A crowd group: "A group of people across the photo." then the ones picked out one by one."""
    members = [objects[i] for i in group.stated]
    # Placed as in the alt text, so the two never disagree ("filling most of the photo" there,
    # "in the centre" here); only "across the photo", which the alt leaves out, is said here.
    where = _alt_place(members, from_masks) or "across the photo"
    out = [[(f"a group of {plural(group.label)}", (group.label, group.stated)), (" " + where, None)]]
    single = [m for m in members if not m.crowd]
    if single:
        out.append([("among them, ", None), *_members(group.label, single, from_masks)])
    if group.possible:
        out.append([("possibly ", None), *_extra(group.label, [objects[i] for i in group.possible])])
    return out


_VERBS = {
    "riding": "is riding",
    "on": "is on",
    "holding": "is holding",
    "in front of": "is in front of",
    "behind": "is behind",
    "next to": "is next to",
}


def _relation(relation: Relation, objects: Objects, by_group: Mapping[int, Group]) -> list[Segment]:
    """A relation as a sentence: "The person on the left is riding the horse."."""
    subject = _the(relation.subject, objects, by_group)
    obj = _the(relation.object, objects, by_group)
    return [subject, (f" {_VERBS[relation.predicate]} ", None), obj]


def _relation_sentences(
    relations: Sequence[Relation], objects: Objects, by_group: Mapping[int, Group]
) -> list[list[Segment]]:
    """One sentence per relation, except that relations that would read the same (their objects
    told apart by nothing: "one of the cups") are said once with a count: three times "One of the
    cups is on the table." reads as one cup said three times, or as a glitch."""
    same: dict[tuple[str, str, str], list[Relation]] = {}
    worded: dict[Relation, list[Segment]] = {}  # each relation's own sentence, built once
    for relation in relations:
        sentence = worded[relation] = _relation(relation, objects, by_group)
        subject, verb, obj = sentence
        same.setdefault((subject[0], verb[0], obj[0]), []).append(relation)
    sentences: list[list[Segment]] = []
    for found in same.values():
        sentence = worded[found[0]]
        subjects = list(dict.fromkeys(r.subject for r in found))
        others = list(dict.fromkeys(r.object for r in found))
        if len(found) == 1:
            sentences.append(sentence)
        elif len(subjects) == 1:  # "The person is holding both cups."
            sentences.append([*sentence[:2], _counted(others, by_group)])
        elif len(others) == 1:  # "Three of the cups are on the table."
            verb = sentence[1][0].replace(" is ", " are ", 1)
            sentences.append([_counted(subjects, by_group), (verb, None), sentence[2]])
        elif len(subjects) == len(others) == len(found):  # "Two of the people are each riding one of the horses."
            verb = sentence[1][0].replace(" is ", " are each ", 1)
            label = by_group[others[0]].label
            sentences.append(
                [_counted(subjects, by_group, the=True), (verb, None), (sentence[2][0], (label, tuple(others)))]
            )
        else:  # tangled pairs, too rare to word: one sentence each, as they come
            sentences.extend(worded[r] for r in found)
    return sentences


def _counted(ids: Sequence[int], by_group: Mapping[int, Group], *, the: bool = False) -> Segment:
    """Several members of one group: "two of the cups", or all of them: "both cups", "all three
    cups" (with ``the``: "the two cups", "the three cups")."""
    group = by_group[ids[0]]
    n = len(group.stated) + len(group.possible)
    many = plural(group.label)
    if len(ids) < n:
        words = f"{number_word(len(ids))} of the {many}"
    elif the:
        words = f"the {number_word(n)} {many}"
    else:
        words = f"both {many}" if n == 2 else f"all {number_word(n)} {many}"
    return (words, (group.label, tuple(ids)))


def _the(index: int, objects: Objects, by_group: Mapping[int, Group]) -> Segment:
    """A noun phrase for one object: "the dog", "the dog on the left" (one of several, told apart
    by place) or "one of the dogs"."""
    obj = objects[index]
    group = by_group[index]
    label = group.label
    link = (label, (index,))
    members = [objects[i] for i in (*group.stated, *group.possible)]
    if len(members) == 1:
        return (f"the {singular(label)}", link)
    if sum(m.position == obj.position for m in members) == 1:
        return (f"the {singular(label)} {position_phrase(obj.position)}", link)
    return (f"one of the {plural(label)}", link)


def _members(label: str, members: Sequence[DetectedObject], from_masks: bool) -> list[Segment]:
    """Phrases like "a medium-sized dog on the right" or "four elephants: a large one in the centre, ..."."""
    ids = tuple(m.index for m in members)
    n = len(members)
    if n == 1:
        obj = members[0]
        if size_class(obj.area_fraction) == "most":
            verb = "filling" if from_masks else "spanning"
            return [(with_article(singular(label)), (label, ids)), (f" {verb} most of the photo", None)]
        noun = with_article(f"{size_adjective(size_class(obj.area_fraction))} {singular(label)}")
        return [(noun, (label, ids)), (" " + position_phrase(obj.position), None)]
    if n > ITEMISE_UP_TO:
        return _summary(label, members)
    noun = f"{number_word(n)} {plural(label)}"
    sizes = {size_class(m.area_fraction) for m in members}
    places = {m.position for m in members}
    if len(sizes) == 1 and len(places) == 1:  # "three small dogs on the left"
        noun = f"{number_word(n)} {size_adjective(sizes.pop())} {plural(label)}"
        return [(noun, (label, ids)), (" " + position_phrase(places.pop()), None)]
    if len(sizes) == 1:  # "two small people: one on the left and one in the centre"
        noun = f"{number_word(n)} {size_adjective(sizes.pop())} {plural(label)}"
        parts = [
            [(_count_one(sub, ""), _link(label, sub)), (" " + position_phrase(place), None)]
            for (_, place), sub in _subgroups(members).items()
        ]
        return [(noun, (label, ids)), (": ", None), *joined_segments(parts)]
    if len(places) == 1:  # "four elephants in the centre: two large ones and two small ones"
        subgroups = _subgroups(members).items()
        parts = [[(_count_one(sub, size_adjective(size)), _link(label, sub))] for (size, _), sub in subgroups]
        return [(noun, (label, ids)), (" " + position_phrase(places.pop()) + ": ", None), *joined_segments(parts)]
    parts = [
        [(_count_one(sub, size_adjective(size)), _link(label, sub)), (" " + position_phrase(place), None)]
        for (size, place), sub in _subgroups(members).items()
    ]
    return [(noun, (label, ids)), (": ", None), *joined_segments(parts)]


def _count_one(sub: Sequence[DetectedObject], adjective: str) -> str:
    """Counts like "a large one", "two small ones", or without adjective "one", "two"."""
    if not adjective:
        return number_word(len(sub))
    return with_article(f"{adjective} one") if len(sub) == 1 else f"{number_word(len(sub))} {adjective} ones"


def _link(label: str, sub: Sequence[DetectedObject]) -> Link:
    return (label, tuple(m.index for m in sub))


def _extra(label: str, members: Sequence[DetectedObject]) -> list[Segment]:
    """Hedged extras after stated ones: "another small dog on the left", "two more dogs on the right"."""
    ids = tuple(m.index for m in members)
    if len(members) == 1:
        obj = members[0]
        noun = f"another {size_adjective(size_class(obj.area_fraction))} {singular(label)}"
        return [(noun, (label, ids)), (" " + position_phrase(obj.position), None)]
    where = group_position([m.centre[0] for m in members], [m.centre[1] for m in members])
    # Past the "many" limit a number would be false precision for things only possibly there.
    many = len(members) > MANY_ABOVE
    amount = "many" if many else number_word(len(members))
    return [(f"{amount} more {plural(label)}", (label, ids)), (" " + position_phrase(where), None)]


def _summary(label: str, members: Sequence[DetectedObject]) -> list[Segment]:
    """A big group in one clause: "eleven books across the photo, most of them small; the largest is
    medium-sized and on the left"."""
    ids = tuple(m.index for m in members)
    where = group_position([m.centre[0] for m in members], [m.centre[1] for m in members])
    sizes = [size_class(m.area_fraction) for m in members]
    # Most common size; ties go to the larger class so the summary does not undersell.
    common = max(dict.fromkeys(sizes), key=sizes.count)
    spread = "all" if sizes.count(common) == len(sizes) else "most of them"
    segments: list[Segment] = [
        (f"{number_word(len(members))} {plural(label)}", (label, ids)),
        (f" {position_phrase(where)}, {spread} {size_adjective(common)}", None),
    ]
    largest = members[0]  # members come largest first
    if sizes[0] != common:
        segments.append(("; ", None))
        segments.append(("the largest", (label, (largest.index,))))
        segments.append((f" is {size_adjective(sizes[0])} and {position_phrase(largest.position)}", None))
    return segments


def _subgroups(members: Sequence[DetectedObject]) -> dict[tuple[str, str], list[DetectedObject]]:
    """Members keyed by (size class, position), in order of first (largest) appearance."""
    out: dict[tuple[str, str], list[DetectedObject]] = {}
    for m in members:
        out.setdefault((size_class(m.area_fraction), m.position), []).append(m)
    return out
