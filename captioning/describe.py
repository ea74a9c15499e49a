"""The entry point: a segmentation result in, alt text with its grounding out."""

from __future__ import annotations

from collections.abc import Collection

from captioning.analyse import detect_objects, group_objects, rank_groups
from captioning.layout import compute_layout
from captioning.model import Description
from captioning.relations import find_relations
from captioning.salience import SalienceModel, load_model
from captioning.text import write_alt, write_long
from captioning.thresholds import Thresholds, default_thresholds
from segmentation.result import Instances


def describe(
    instances: Instances,
    *,
    thresholds: Thresholds | None = None,
    crowd: Collection[int] = (),
    salience: SalienceModel | None = None,
) -> Description:
    """Describe the objects of one photo for a screen-reader user.

    ``alt_text`` names the most important groups (people first, then by salience) within 125
    characters; ``long_description`` gives count, place and size of every object that is not
    dropped, then the relations the masks clearly show. The output depends only on the input, so
    the same result always reads the same.

    Args:
        instances: the segmentation result.
        thresholds: score thresholds; default: the calibrated table for ``instances.model``.
        crowd: indices of instances that stand for many objects (COCO ``iscrowd`` regions), said
            as "a group of ..." and never counted.
        salience: which groups people name (:mod:`captioning.salience`); default: the fitted
            model in ``captioning/data/salience.json``.
    """
    thresholds = thresholds or default_thresholds(instances.model)
    layout = compute_layout(instances)
    objects = detect_objects(instances, thresholds, layout, crowd)
    salience = salience or load_model()
    groups = rank_groups(group_objects(objects), layout, salience)
    by_index = {obj.index: obj for obj in objects}
    rank = {i: k for k, i in enumerate(i for g in groups for i in (*g.stated, *g.possible))}
    relations = find_relations(objects, layout, rank)
    label_of = {i: g.label for g in groups for i in (*g.stated, *g.possible)}
    linked = {label_of[r.object] for r in relations if r.predicate in ("riding", "holding", "on")}
    linked |= {label_of[r.subject] for r in relations if r.predicate == "on"}
    alt, alt_mentions = write_alt(
        groups, by_index, from_masks=layout.from_masks, linked=linked, threshold=salience.threshold
    )
    long, long_mentions = write_long(groups, by_index, from_masks=layout.from_masks, relations=relations)
    return Description(alt, long, objects, tuple(alt_mentions + long_mentions), relations)
