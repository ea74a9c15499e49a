"""From a segmentation result to objects with certainty, place and size, grouped for the text.

Steps, each deterministic (ties broken by instance index):

1. certainty per instance from its class thresholds (stated / possible / dropped);
2. duplicates merged: same class and overlapping (IoU above ``merge_iou``, or one mask lying
   almost wholly inside the other), so nothing is counted twice; back-off: two classes of one
   family on the same pixels with close scores ("cat" 0.55 vs "dog" 0.50) become one object
   named by the family ("an animal"); with clearly different scores the weaker one is a
   duplicate of the stronger;
3. further instances of a class below its ``count`` threshold downgraded to possible: the
   class is named by its strongest instance, a count needs each member sure;
4. groups: one per class (or family), crowd regions marking a group as "a group of", in
   salience order (people first, then by area and closeness to the centre).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace

import numpy as np

from captioning.geometry import position_word, size_words
from captioning.layout import Layout
from captioning.model import DetectedObject, Relation
from captioning.salience import SalienceModel, group_features
from captioning.thresholds import Certainty, Thresholds
from captioning.vocabulary import FAMILY
from segmentation.result import Instances

# People go first (readers ask "who" before "what"), unless all of them together are this small a
# share of the frame: a passer-by far behind a bus should not open the description of the bus.
PEOPLE_FIRST_MIN_AREA = 0.005
PEOPLE_FIRST_BY_SALIENCE = True
# ... and unless they are unlikely to be named at all (salience model): six people behind a tray
# of donuts are not what the photo is of. On the train-mini captions (where the salience model is
# fitted) first-named-object agreement is 0.909 with people first at the alt threshold (0.2) and
# 0.927 from 0.5 on (equal to no people-first rule at all).
PEOPLE_FIRST_NAMED = 0.5
# A mask with this share of itself inside another mask of the same class is a part or a repeat.
CONTAINED = 0.85
CONTAINED_MIN_IOU = 0.3
# Two classes of one family on the same object: boxes or masks overlapping at least this much (no
# less than the default ``merge_iou`` for one class: calling two classes one object is the stronger
# claim; 0.6-0.8 give the same SSDLite figures on val-calib) ...
SIBLING_IOU = 0.7
# ... and the weaker score at least this share of the stronger: the model hesitates -> family noun.
HESITATION = 0.6


@dataclass(frozen=True)
class Group:
    """All mentioned instances of one class (or one family, for backed-off objects).

    ``stated`` and ``possible`` are instance ids, largest first; ``crowd`` says that a member
    stands for many objects (a COCO crowd region), so the group has no exact count.
    """

    label: str
    stated: tuple[int, ...]
    possible: tuple[int, ...]
    area: float  # total area of the members that lead the group (stated ones if any)
    salience: float = 0.0
    crowd: bool = False
    named: float = 0.0  # probability that a person describing the photo names this group
    exact: bool = True  # the number of stated members is said plainly (see Thresholds.exact_up_to)

    @property
    def ids(self) -> tuple[int, ...]:
        """The members the group's phrase is about: the stated ones, or the possible ones if none."""
        return self.stated or self.possible


def salience(area: float, x: float, y: float) -> float:
    """Importance of one object: square root of its area (a cat twice the size is not twice as
    important), times 1 at the centre falling to 0.5 at the edge of the frame."""
    dist = ((x - 0.5) ** 2 + (y - 0.5) ** 2) ** 0.5
    return area**0.5 * (1.0 - 0.5 * min(1.0, 2.0 * dist))


def detect_objects(
    instances: Instances, thresholds: Thresholds, layout: Layout, crowd: Collection[int] = ()
) -> tuple[DetectedObject, ...]:
    """One :class:`DetectedObject` per instance, in instance order, duplicates marked dropped."""
    n = len(instances)
    if n == 0:
        return ()
    scores = [float(s) for s in instances.scores]
    labels = instances.labels
    crowd_set = {int(i) for i in crowd if 0 <= int(i) < n}
    certainty: list[Certainty] = [thresholds.certainty(lab, s) for lab, s in zip(labels, scores, strict=True)]
    for i in crowd_set:  # a crowd region is ground truth or nothing; its score says how sure
        certainty[i] = "stated" if certainty[i] != "dropped" else "dropped"
    if thresholds.merge:
        merged_into, generic = _merge(labels, scores, certainty, layout, crowd_set, thresholds.merge_iou)
    else:
        merged_into, generic = [None] * n, {}
    _downgrade_extras(labels, scores, certainty, merged_into, crowd_set, thresholds)
    boxes = instances.boxes.astype(np.float64).tolist()
    centres = layout.centre.tolist()
    areas = layout.area.tolist()
    objects = []
    for i in range(n):
        x, y = centres[i]
        area = areas[i]
        objects.append(
            DetectedObject(
                index=i,
                label=labels[i],
                score=scores[i],
                box=tuple(boxes[i]),  # type: ignore[arg-type]
                area_fraction=area,
                centre=(x, y),
                position=position_word(x, y),
                size=size_words(area, from_masks=layout.from_masks),
                certainty="dropped" if merged_into[i] is not None else certainty[i],
                merged_into=merged_into[i],
                generic=generic.get(i),
                crowd=i in crowd_set,
            )
        )
    return tuple(objects)


def _downgrade_extras(
    labels: tuple[str, ...],
    scores: list[float],
    certainty: list[Certainty],
    merged_into: list[int | None],
    crowd: set[int],
    thresholds: Thresholds,
) -> None:
    """Within each class, the strongest stated instance names the class; every further one is
    stated (and counted) only at the class's ``count`` threshold, else it becomes "possible":
    a class can be surely present while its second detection is a duplicate or a near miss."""
    seen: set[str] = set()
    for i in sorted(range(len(labels)), key=lambda i: (-scores[i], i)):
        if certainty[i] != "stated" or merged_into[i] is not None or i in crowd:
            continue
        label = labels[i]
        if label in seen and scores[i] < thresholds.count_threshold(label):
            certainty[i] = "possible"
        seen.add(label)


_SURER = {"dropped": 0, "possible": 1, "stated": 2}


def _merge(
    labels: tuple[str, ...],
    scores: list[float],
    certainty: list[Certainty],
    layout: Layout,
    crowd: set[int],
    merge_iou: float,
) -> tuple[list[int | None], dict[int, str]]:
    """Duplicates (``merged_into``) and backed-off objects (``{index: family}``). Higher scores
    are kept; ties keep the lower index. A backed-off object takes the surest ``certainty`` of the
    siblings merged into it (updated in place)."""
    n = len(labels)
    merged: list[int | None] = [None] * n
    generic: dict[int, str] = {}
    # Only pairs of one class or one family whose boxes overlap can merge: find them with numpy
    # once, so the loop below visits a handful of pairs instead of all of them.
    keys = {label: k for k, label in enumerate(dict.fromkeys(labels))}
    families = {fam: k for k, fam in enumerate(dict.fromkeys(f for f in map(FAMILY.get, labels) if f))}
    label_id = np.array([keys[label] for label in labels])
    family_id = np.array([families.get(FAMILY.get(label, ""), -1) for label in labels])
    related = (label_id[:, None] == label_id[None, :]) | (
        (family_id[:, None] == family_id[None, :]) & (family_id[:, None] >= 0)
    )
    candidates = related & (layout.box_inter > 0)
    np.fill_diagonal(candidates, False)
    rows: dict[int, list[int]] = {}
    for i, j in zip(*(a.tolist() for a in np.nonzero(candidates)), strict=True):
        rows.setdefault(i, []).append(j)
    order = sorted(range(n), key=lambda i: (-scores[i], i))
    kept_at: dict[int, int] = {}  # kept instance -> position in the order of keeping
    for i in order:
        if certainty[i] == "dropped":
            continue
        others = [] if i in crowd else [j for j in rows.get(i, ()) if j in kept_at]
        if len(others) > 1:
            others.sort(key=kept_at.__getitem__)
        for j in others:
            if j in crowd:
                continue
            # ``iou_bound`` first: it rules out most pairs without counting their shared cells.
            if labels[j] == labels[i]:
                if layout.iou_bound(i, j) <= min(merge_iou, CONTAINED_MIN_IOU):
                    continue
                iou = layout.iou(i, j)
                if iou > merge_iou or (iou > CONTAINED_MIN_IOU and layout.containment(i, j) >= CONTAINED):
                    merged[i] = j
                    break
            elif layout.iou_bound(i, j) >= SIBLING_IOU and layout.iou(i, j) >= SIBLING_IOU:
                merged[i] = j
                if scores[i] >= HESITATION * scores[j] and j not in generic:
                    generic[j] = FAMILY[labels[j]]
                if j in generic and _SURER[certainty[i]] > _SURER[certainty[j]]:
                    # "An animal" is as sure as its surest member: a dog sure enough to state
                    # makes the animal sure, even when the cow beside it scored higher but its
                    # class asks for more.
                    certainty[j] = certainty[i]
                break
        else:
            kept_at[i] = len(kept_at)
    return merged, generic


def group_key(obj: DetectedObject) -> str:
    return obj.generic or obj.label


def group_objects(objects: tuple[DetectedObject, ...]) -> tuple[Group, ...]:
    """Groups of mentioned objects in reading order: classes with stated objects first (people
    first among them, then by salience), then classes that are only "possible"."""
    by_label: dict[str, list[DetectedObject]] = {}
    for obj in objects:
        if obj.certainty != "dropped":
            by_label.setdefault(group_key(obj), []).append(obj)
    groups = []
    for label, members in by_label.items():
        ranked = sorted(members, key=lambda o: (-o.area_fraction, o.index))
        stated = tuple(o.index for o in ranked if o.certainty == "stated")
        possible = tuple(o.index for o in ranked if o.certainty == "possible")
        leading = [o for o in ranked if o.certainty == ("stated" if stated else "possible")]
        each = sorted((salience(o.area_fraction, *o.centre) for o in leading), reverse=True)
        # The most salient member counts in full, the others a quarter: many small things
        # matter more than one, but ten cups do not outweigh a person.
        score = each[0] + 0.25 * sum(each[1:])
        groups.append(
            Group(
                label,
                stated,
                possible,
                float(sum(o.area_fraction for o in leading)),
                score,
                any(o.crowd for o in leading),
            )
        )

    def key(g: Group) -> tuple[int, int, float, str]:
        people_first = g.label == "person" and g.area >= PEOPLE_FIRST_MIN_AREA
        return (0 if g.stated else 1, 0 if people_first else 1, -g.salience, g.label)

    return tuple(sorted(groups, key=key))


def rank_groups(
    groups: tuple[Group, ...], layout: Layout, model: SalienceModel, linked: Collection[str] = ()
) -> tuple[Group, ...]:
    """Groups with :attr:`Group.named` filled in by the salience model, in reading order: stated
    groups first, people first among them when they are likely to be named (readers ask "who"
    before "what"; the model says whether the people are more than passers-by), then the most
    likely to be named; then the "possible" groups in the same order. ``linked``: labels of
    groups in a riding / holding / on relation (see :func:`linked_labels`)."""
    if not groups:
        return groups
    rows = group_features([g.ids for g in groups], [g.label for g in groups], layout, model, linked)
    scored = [replace(g, named=model.probability(row)) for g, row in zip(groups, rows, strict=True)]

    def key(g: Group) -> tuple[int, int, float, str]:
        people_first = (
            PEOPLE_FIRST_BY_SALIENCE
            and g.label == "person"
            and g.named >= PEOPLE_FIRST_NAMED
            and g.area >= PEOPLE_FIRST_MIN_AREA
        )
        return (0 if g.stated else 1, 0 if people_first else 1, -g.named, g.label)

    return tuple(sorted(scored, key=key))


def linked_labels(groups: tuple[Group, ...], relations: Collection[Relation]) -> set[str]:
    """Labels of the groups that take part in a riding, holding or "on" relation as what is
    ridden, held, or on something. Not the support under things: on train-mini, counting the
    table under the food as linked lowered cross-validated F1 (0.7229 -> 0.7239 without it) and
    recall (0.876 -> 0.882); people name the food, and the table on its own merits."""
    label_of = {i: g.label for g in groups for i in (*g.stated, *g.possible)}
    linked = {label_of[r.object] for r in relations if r.predicate in ("riding", "holding")}
    linked |= {label_of[r.subject] for r in relations if r.predicate == "on"}
    return linked
