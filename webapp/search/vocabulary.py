"""The words search understands: COCO labels, their plurals, synonyms, supercategories, sizes,
places, relation words and number words. Pure Python (no Django), so the parser and the index
builder share exactly one list.

Synonyms map everyday words onto the 80 COCO labels the detector knows. Where a word is broader
or narrower than the label ("man", "puppy"), the search still uses the label and says so in a note,
because the detector cannot tell a man from a woman or a puppy from a dog.
"""

from __future__ import annotations

import re

from captioning.lang.en import NOUNS
from captioning.vocabulary import SUPERCATEGORY

# COCO supercategory -> its labels, in COCO order: derived from the captioner's table, so search
# and the text back off to the same families.
SUPERCATEGORIES: dict[str, tuple[str, ...]] = {}
for _label, _sup in SUPERCATEGORY.items():
    SUPERCATEGORIES[_sup] = (*SUPERCATEGORIES.get(_sup, ()), _label)
LABELS: tuple[str, ...] = tuple(label for labels in SUPERCATEGORIES.values() for label in labels)
SUPERCATEGORY_OF: dict[str, str] = {label: sup for sup, labels in SUPERCATEGORIES.items() for label in labels}

# Everyday words -> COCO label. Singular forms; plurals are derived below or listed.
LABEL_SYNONYMS: dict[str, str] = {
    # people
    "people": "person",
    "persons": "person",
    "man": "person",
    "men": "person",
    "woman": "person",
    "women": "person",
    "child": "person",
    "children": "person",
    "kid": "person",
    "boy": "person",
    "girl": "person",
    "baby": "person",
    "adult": "person",
    "human": "person",
    "guy": "person",
    "lady": "person",
    "ladies": "person",
    "player": "person",
    "rider": "person",
    "pedestrian": "person",
    "someone": "person",
    "somebody": "person",
    # vehicles
    "bike": "bicycle",
    "cycle": "bicycle",
    "motorbike": "motorcycle",
    "scooter": "motorcycle",
    "plane": "airplane",
    "aeroplane": "airplane",
    "aircraft": "airplane",
    "jet": "airplane",
    "automobile": "car",
    "taxi": "car",
    "cab": "car",
    "coach": "bus",
    "lorry": "truck",
    "pickup": "truck",
    "ship": "boat",
    "sailboat": "boat",
    "canoe": "boat",
    "kayak": "boat",
    "locomotive": "train",
    "tram": "train",
    # outdoor
    "hydrant": "fire hydrant",
    "stoplight": "traffic light",
    "signal": "traffic light",
    "meter": "parking meter",
    # animals
    "puppy": "dog",
    "puppies": "dog",
    "doggy": "dog",
    "hound": "dog",
    "kitten": "cat",
    "kitty": "cat",
    "pony": "horse",
    "foal": "horse",
    "lamb": "sheep",
    "calf": "cow",
    "calves": "cow",
    "cattle": "cow",
    "bull": "cow",
    "ox": "cow",
    "oxen": "cow",
    "bird": "bird",
    "duck": "bird",
    "pigeon": "bird",
    "seagull": "bird",
    "gull": "bird",
    "goose": "bird",
    "geese": "bird",
    "parrot": "bird",
    # accessories
    "bag": "handbag",
    "purse": "handbag",
    "rucksack": "backpack",
    "luggage": "suitcase",
    "necktie": "tie",
    "parasol": "umbrella",
    # sports
    "ball": "sports ball",
    "football": "sports ball",
    "soccer ball": "sports ball",
    "tennis ball": "sports ball",
    "basketball": "sports ball",
    "bat": "baseball bat",
    "glove": "baseball glove",
    "mitt": "baseball glove",
    "racket": "tennis racket",
    "racquet": "tennis racket",
    "ski": "skis",
    "surf board": "surfboard",
    "skate board": "skateboard",
    # kitchen
    "glass": "wine glass",
    "mug": "cup",
    # food
    "doughnut": "donut",
    "hotdog": "hot dog",
    # furniture
    "sofa": "couch",
    "settee": "couch",
    "table": "dining table",
    "desk": "dining table",
    "plant": "potted plant",
    "houseplant": "potted plant",
    "seat": "chair",
    "loo": "toilet",
    # electronics
    "television": "tv",
    "telly": "tv",
    "monitor": "tv",
    "screen": "tv",
    "computer": "laptop",
    "notebook": "laptop",
    "phone": "cell phone",
    "cellphone": "cell phone",
    "mobile": "cell phone",
    "smartphone": "cell phone",
    "mobile phone": "cell phone",
    "remote control": "remote",
    # appliances
    "fridge": "refrigerator",
    "freezer": "refrigerator",
    # indoor
    "teddy": "teddy bear",
    "hair dryer": "hair drier",
    "hairdryer": "hair drier",
    "scissor": "scissors",
}

SUPERCATEGORY_SYNONYMS: dict[str, str] = {
    "animals": "animal",
    "pet": "animal",
    "pets": "animal",
    "wildlife": "animal",
    "vehicles": "vehicle",
    "transport": "vehicle",
    "foods": "food",
    "meal": "food",
    "fruit": "food",
    "fruits": "food",
    "furnitures": "furniture",
    "electronics": "electronic",
    "gadget": "electronic",
    "gadgets": "electronic",
    "appliances": "appliance",
    "accessories": "accessory",
    "kitchenware": "kitchen",
    "sport": "sports",
    "sports equipment": "sports",
}

# Words that broaden or narrow the label: the search says how it read them.
NARROWER_THAN_LABEL = {
    "man", "men", "woman", "women", "child", "children", "kid", "boy", "girl", "baby", "adult", "guy",
    "lady", "ladies", "player", "rider", "pedestrian", "puppy", "puppies", "kitten", "kitty", "pony", "foal",
    "lamb", "calf", "calves", "bull", "ox", "oxen", "duck", "pigeon", "seagull", "gull", "goose", "geese",
    "parrot", "taxi", "cab", "coach", "pickup", "ship", "sailboat", "canoe", "kayak", "tram", "monitor",
    "screen", "computer", "notebook", "desk", "glass", "mug", "football", "basketball", "tennis ball",
    "soccer ball", "fruit", "fruits", "bag", "purse", "freezer", "scooter", "signal",
}  # fmt: skip


def _regular_plural(word: str) -> str:
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in tuple("aeiou"):
        return word[:-1] + "ies"
    return word + "s"


def _build_nouns() -> dict[str, tuple[str, str]]:
    """Phrase (lower case) -> ("label" | "super", name)."""
    nouns: dict[str, tuple[str, str]] = {}
    for label in LABELS:
        noun = NOUNS.get(label)
        singular, plural = (noun.singular, noun.plural) if noun else (label, _regular_plural(label))
        for phrase in {label, _regular_plural(label), singular.lower(), plural.lower()}:
            nouns[phrase] = ("label", label)
    for word, label in LABEL_SYNONYMS.items():
        nouns.setdefault(word, ("label", label))
        nouns.setdefault(_regular_plural(word), ("label", label))
    nouns["tvs"] = ("label", "tv")
    for sup in SUPERCATEGORIES:
        if sup == "person":
            continue  # "person" is the label
        nouns.setdefault(sup, ("super", sup))
        nouns.setdefault(_regular_plural(sup), ("super", sup))
    for word, sup in SUPERCATEGORY_SYNONYMS.items():
        nouns.setdefault(word, ("super", sup))
    return nouns


NOUN_PHRASES: dict[str, tuple[str, str]] = _build_nouns()
MAX_NOUN_WORDS = max(len(p.split()) for p in NOUN_PHRASES)

NUMBER_WORDS: dict[str, int] = {
    word: n
    for n, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
}
NUMBER_WORDS.update({"none": 0, "single": 1, "pair": 2, "couple": 2, "dozen": 12, "both": 2})

# Query word -> size class stored in the index (see ``size_class``).
SIZE_WORDS: dict[str, str] = {
    "large": "large",
    "big": "large",
    "huge": "large",
    "giant": "large",
    "close-up": "large",
    "closeup": "large",
    "medium": "medium",
    "medium-sized": "medium",
    "small": "small",
    "little": "small",
    "tiny": "small",
    "distant": "small",
}

# Query word -> place stored in the index.
PLACE_WORDS: dict[str, str] = {
    "left": "left",
    "right": "right",
    "centre": "centre",
    "center": "centre",
    "middle": "centre",
    "top": "top",
    "upper": "top",
    "bottom": "bottom",
    "lower": "bottom",
    "foreground": "bottom",
}

# Relation phrases (longest first when parsing) -> the captioner's predicate.
RELATION_PHRASES: dict[str, str] = {
    "in front of": "in front of",
    "on top of": "on",
    "next to": "next to",
    "sitting on": "on",
    "standing on": "on",
    "lying on": "on",
    "riding": "riding",
    "rides": "riding",
    "ride": "riding",
    "riding on": "riding",
    "on": "on",
    "onto": "on",
    "atop": "on",
    "holding": "holding",
    "holds": "holding",
    "hold": "holding",
    "carrying": "holding",
    "carries": "holding",
    "behind": "behind",
    "beside": "next to",
    "besides": "next to",
    "near": "next to",
    "by": "next to",
    "alongside": "next to",
}
PREDICATES = ("riding", "on", "holding", "in front of", "behind", "next to")

# Words that carry no meaning for search (in queries and in indexed alt text).
STOPWORDS = frozenset(
    "a an the of in at on to by with and or not is are was were be been it its this that these those there "
    "here photo photos picture pictures image images shot showing shows show find me my some any please "
    "which who whose from for as into".split()
)

_WORD = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*")


IRREGULAR_PLURALS = {
    "people": "person",
    "men": "man",
    "women": "woman",
    "children": "child",
    "mice": "mouse",
    "knives": "knife",
    "geese": "goose",
    "feet": "foot",
    "teeth": "tooth",
    "leaves": "leaf",
    "wolves": "wolf",
    "shelves": "shelf",
    "calves": "calf",
    "oxen": "ox",
    "skis": "skis",
    "scissors": "scissors",
    "glasses": "glass",
    "dishes": "dish",
    "news": "news",
}


def normalise_word(word: str) -> str:
    """The form a word is indexed and searched under: lower case, a simple singular."""
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if word in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[word]
    if len(word) > 4 and word.endswith("uses"):
        return word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def text_words(text: str) -> list[str]:
    """The searchable words of a text (alt text), normalised, without stopwords."""
    return [normalise_word(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


# What a query box may contain besides words known above (for "did you mean").
KNOWN_WORDS: tuple[str, ...] = tuple(
    sorted({*NOUN_PHRASES, *NUMBER_WORDS, *SIZE_WORDS, *PLACE_WORDS, *RELATION_PHRASES} - {""})
)
