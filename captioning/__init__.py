"""Alt text for photos from instance segmentation results.

Pure Python and numpy: importing this package never imports torch or Django, so the web
process can describe stored results without the model stack.

Example (COCO photo 442450, its annotations as the segmentation result)::

    description = describe(instances)  # a segmentation.result.Instances
    description.alt_text  # "Two people, two frisbees and a dog."
    realise(description.plan, "de").alt_text  # "Zwei Personen, zwei Frisbees und ein Hund."

``description.plan`` (:mod:`captioning.plan`) is what the text says in no language; each language
of :data:`captioning.lang.LANGUAGES` says it (:func:`captioning.lang.realise`).
"""

from __future__ import annotations

from captioning.describe import describe
from captioning.lang import LANGUAGES, realise
from captioning.model import Description, DetectedObject, Mention, Relation
from captioning.plan import Plan
from captioning.thresholds import Certainty, Thresholds

__all__ = [
    "LANGUAGES",
    "Certainty",
    "Description",
    "DetectedObject",
    "Mention",
    "Plan",
    "Relation",
    "Thresholds",
    "describe",
    "realise",
]
