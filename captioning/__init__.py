"""Alt text for photos from instance segmentation results.

Pure Python and numpy: importing this package never imports torch or Django, so the web
process can describe stored results without the model stack.

Example (COCO photo 442450)::

    description = describe(instances)  # a segmentation.result.Instances
    description.alt_text  # "Two people, a dog on the right and two frisbees."
"""

from __future__ import annotations

from captioning.describe import describe
from captioning.model import Description, DetectedObject, Mention, Relation
from captioning.thresholds import Certainty, Thresholds

__all__ = ["Certainty", "Description", "DetectedObject", "Mention", "Relation", "Thresholds", "describe"]
