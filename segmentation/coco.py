"""COCO label map used by torchvision's detection weights.

A plain tuple (no torch import) so the web process and ``captioning`` can turn label indices into
names, or list the known categories, without loading the model stack.

``COCO_CATEGORIES[i]`` is the name of model output label ``i``: index 0 is ``"__background__"``
and the 10 category ids below 91 that COCO's release skipped (12, 26, 29, 30, 45, 66, 68, 69, 71,
83) are ``"N/A"``, so the tuple has 91 entries (80 real categories) and lines up with the 91-way
classifiers of torchvision's Mask R-CNN and SSDLite COCO weights.
"""

from __future__ import annotations

__all__ = ["COCO_CATEGORIES", "NOT_A_CATEGORY", "category_names"]

COCO_CATEGORIES: tuple[str, ...] = (
    "__background__",
    "person",
    "bicycle",
    "car",
    "motorcycle",
    "airplane",
    "bus",
    "train",
    "truck",
    "boat",
    "traffic light",
    "fire hydrant",
    "N/A",
    "stop sign",
    "parking meter",
    "bench",
    "bird",
    "cat",
    "dog",
    "horse",
    "sheep",
    "cow",
    "elephant",
    "bear",
    "zebra",
    "giraffe",
    "N/A",
    "backpack",
    "umbrella",
    "N/A",
    "N/A",
    "handbag",
    "tie",
    "suitcase",
    "frisbee",
    "skis",
    "snowboard",
    "sports ball",
    "kite",
    "baseball bat",
    "baseball glove",
    "skateboard",
    "surfboard",
    "tennis racket",
    "bottle",
    "N/A",
    "wine glass",
    "cup",
    "fork",
    "knife",
    "spoon",
    "bowl",
    "banana",
    "apple",
    "sandwich",
    "orange",
    "broccoli",
    "carrot",
    "hot dog",
    "pizza",
    "donut",
    "cake",
    "chair",
    "couch",
    "potted plant",
    "bed",
    "N/A",
    "dining table",
    "N/A",
    "N/A",
    "toilet",
    "N/A",
    "tv",
    "laptop",
    "mouse",
    "remote",
    "keyboard",
    "cell phone",
    "microwave",
    "oven",
    "toaster",
    "sink",
    "refrigerator",
    "N/A",
    "book",
    "clock",
    "vase",
    "scissors",
    "teddy bear",
    "hair drier",
    "toothbrush",
)

#: Placeholder names in :data:`COCO_CATEGORIES` that are not real object categories.
NOT_A_CATEGORY: frozenset[str] = frozenset({"__background__", "N/A"})


def category_names() -> tuple[str, ...]:
    """The 80 real COCO category names, in label-index order (no background, no ``N/A``)."""
    return tuple(name for name in COCO_CATEGORIES if name not in NOT_A_CATEGORY)
