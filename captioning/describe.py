"""The entry point: a segmentation result in, alt text with its grounding out."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from captioning.analyse import Group, detect_objects, group_objects, linked_labels, rank_groups
from captioning.lang import DEFAULT_LANGUAGE, language, realise
from captioning.layout import compute_layout
from captioning.model import Description
from captioning.planning import plan_description
from captioning.reading import plan_text
from captioning.relations import find_relations
from captioning.salience import SalienceModel, model_for
from captioning.thresholds import Thresholds, default_thresholds
from segmentation.result import Instances


def describe(
    instances: Instances,
    *,
    thresholds: Thresholds | None = None,
    crowd: Collection[int] = (),
    salience: SalienceModel | None = None,
    lang: str = DEFAULT_LANGUAGE,
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
        salience: which groups people name (:mod:`captioning.salience`); default: the model
            fitted on ``instances.model``'s output in ``captioning/data/salience.json``, else the
            file's general one.
        lang: the language of the text (a code of :data:`captioning.lang.LANGUAGES`); the plan
            (``Description.plan``) says it in any other with :func:`captioning.lang.realise`.
    """
    language(lang)  # an unknown language fails before any work
    thresholds = thresholds or default_thresholds(instances.model)
    layout = compute_layout(instances)
    objects = detect_objects(instances, thresholds, layout, crowd)
    salience = salience or model_for(instances.model)
    groups = group_objects(objects)
    # Relations first (in the provisional order of size and place, which picks the subject of
    # symmetric ones): what is ridden, held or carries something counts for salience.
    relations = find_relations(objects, layout, _rank(groups))
    linked = linked_labels(groups, relations)
    groups = rank_groups(groups, layout, salience, linked)
    # A number is said plainly only where this model's numbers for the class and group size hold.
    groups = tuple(g if thresholds.says_number(g.label, len(g.stated)) else replace(g, exact=False) for g in groups)
    rank = _rank(groups)
    # Said only where this model's relations of that kind held against ground-truth masks.
    relations = tuple(
        sorted(
            (r for r in relations if thresholds.says_relation(r.predicate)),
            key=lambda r: (rank[r.subject], rank[r.object]),
        )
    )
    by_index = {obj.index: obj for obj in objects}
    # The text read in the photo (``instances.text``), said after the objects (see captioning.reading).
    text = plan_text(instances, objects)
    plan = plan_description(
        groups,
        by_index,
        from_masks=layout.from_masks,
        linked=linked,
        threshold=salience.threshold,
        alt_relations=tuple(r for r in relations if r.predicate in thresholds.alt_relation_kinds),
        relations=relations,
        text=text,
        image_size=instances.image_size,
    )
    said = realise(plan, lang)
    return Description(
        said.alt_text, said.long_description, objects, said.mentions, relations, text, plan=plan, lang=lang
    )


def _rank(groups: tuple[Group, ...]) -> dict[int, int]:
    """Reading order of every mentioned instance."""
    return {i: k for k, i in enumerate(i for g in groups for i in (*g.stated, *g.possible))}
