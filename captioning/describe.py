"""The entry point: a segmentation result in, alt text with its grounding out."""

from __future__ import annotations

from captioning.analyse import detect_objects, group_objects
from captioning.model import Description
from captioning.text import write_alt, write_long
from captioning.thresholds import Thresholds
from segmentation.result import Instances

_DEFAULT_THRESHOLDS = Thresholds()


def describe(instances: Instances, *, thresholds: Thresholds | None = None) -> Description:
    """Describe the objects of one photo for a screen-reader user.

    ``alt_text`` names the most important groups (people first, then by area) within 125
    characters; ``long_description`` gives count, place and size of every object that is not
    dropped. The output depends only on the input, so the same result always reads the same.
    """
    thresholds = thresholds or _DEFAULT_THRESHOLDS
    objects = detect_objects(instances, thresholds)
    groups = group_objects(objects)
    by_index = {obj.index: obj for obj in objects}
    alt, alt_mentions = write_alt(groups, by_index, from_masks=instances.has_masks)
    long, long_mentions = write_long(groups, by_index, from_masks=instances.has_masks)
    return Description(alt, long, objects, tuple(alt_mentions + long_mentions))
