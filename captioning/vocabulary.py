"""The 80 COCO classes, their supercategories and the back-off families, as keys (no words: each
language's nouns for them are in its module under :mod:`captioning.lang`)."""

from __future__ import annotations

SUPERCATEGORY: dict[str, str] = {
    **dict.fromkeys(["person"], "person"),
    **dict.fromkeys(["bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat"], "vehicle"),
    **dict.fromkeys(["traffic light", "fire hydrant", "stop sign", "parking meter", "bench"], "outdoor"),
    **dict.fromkeys(["bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe"], "animal"),
    **dict.fromkeys(["backpack", "umbrella", "handbag", "tie", "suitcase"], "accessory"),
    **dict.fromkeys(
        [
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
        ],
        "sports",
    ),
    **dict.fromkeys(["bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl"], "kitchen"),
    **dict.fromkeys(
        ["banana", "apple", "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake"], "food"
    ),
    **dict.fromkeys(["chair", "couch", "potted plant", "bed", "dining table", "toilet"], "furniture"),
    **dict.fromkeys(["tv", "laptop", "mouse", "remote", "keyboard", "cell phone"], "electronic"),
    **dict.fromkeys(["microwave", "oven", "toaster", "sink", "refrigerator"], "appliance"),
    **dict.fromkeys(["book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush"], "indoor"),
}

#: The 80 COCO labels in COCO's order.
COCO_LABELS: tuple[str, ...] = tuple(SUPERCATEGORY)

# The family a phrase backs off to (its noun: each language's ``FAMILY_NOUNS``) when the model
# hesitates between two classes of one family. Families are COCO supercategories, split where one
# noun would not fit all members (a bag is not a tie). Classes absent here have no honest generic word: when the
# model hesitates between them, the weaker detection is left out instead.
FAMILY: dict[str, str] = {
    **dict.fromkeys([k for k, v in SUPERCATEGORY.items() if v == "animal"], "animal"),
    **dict.fromkeys([k for k, v in SUPERCATEGORY.items() if v == "vehicle"], "vehicle"),
    **dict.fromkeys([k for k, v in SUPERCATEGORY.items() if v == "food"], "food"),
    **dict.fromkeys(["backpack", "handbag", "suitcase"], "bag"),
    **dict.fromkeys(["bottle", "wine glass", "cup", "bowl"], "container"),
    **dict.fromkeys(["fork", "knife", "spoon"], "utensil"),
    **dict.fromkeys(["chair", "couch", "bed", "dining table", "bench"], "furniture"),
    **dict.fromkeys(["tv", "laptop", "cell phone", "remote", "keyboard", "mouse"], "electronic"),
    **dict.fromkeys([k for k, v in SUPERCATEGORY.items() if v == "appliance"], "appliance"),
    **dict.fromkeys(["skis", "snowboard", "skateboard", "surfboard"], "board"),
}


#: The back-off families, in order of first member.
FAMILIES: tuple[str, ...] = tuple(dict.fromkeys(FAMILY.values()))


def family_members(family: str) -> frozenset[str]:
    return frozenset(label for label, fam in FAMILY.items() if fam == family)
