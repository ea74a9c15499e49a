"""COCO supercategories, the generic nouns the text backs off to, and the words people use for
each class (for reading human captions and checking our own text in :mod:`captioning.evaluate`).

The synonym list is written for this project in the spirit of CHAIR's (Rohrbach et al., 2018):
the everyday words for the 80 COCO classes, plural forms included, longest phrase wins ("hot
dog" is food, not a dog; "teddy bear" is a toy, not a bear). Words that are mostly something
else in captions are left out on purpose ("orange" the colour is handled apart, "glass" the
material, "baseball" the game, "pitcher" the player).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from captioning.grammar import GENERIC_NOUNS, NOUNS

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

# The generic noun (singular, plural) a phrase backs off to when the model hesitates between two
# classes of one family. Families are COCO supercategories, split where one noun would not fit
# all members (a bag is not a tie). Classes absent here have no honest generic word: when the
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


# Caption words -> COCO class. Our own nouns (grammar.NOUNS) are added below.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "person": (
        "person people persons man men woman women boy boys girl girls child children kid kids guy guys "
        "lady ladies gentleman gentlemen player players skier skiers surfer surfers skateboarder "
        "skateboarders snowboarder snowboarders rider riders batter catcher umpire toddler toddlers baby "
        "babies adult adults teenager teenagers bride groom chef baker worker workers policeman "
        "officer cowboy biker bikers someone crowd family tourists spectators passengers pedestrian "
        "pedestrians equestrians student students infant"
    ).split(),
    "bicycle": ("bicycle", "bicycles", "bike", "bikes", "bmx"),
    "car": ("car", "cars", "taxi", "taxis", "sedan", "van", "vans", "suv", "jeep"),
    "motorcycle": ("motorcycle", "motorcycles", "motorbike", "motorbikes", "scooter", "scooters", "moped"),
    "airplane": (
        "airplane",
        "airplanes",
        "plane",
        "planes",
        "jet",
        "jets",
        "jetliner",
        "aircraft",
        "airliner",
        "seaplane",
        "biplane",
    ),
    "bus": ("bus", "buses", "busses", "coach"),
    "train": ("train", "trains", "locomotive", "tram", "subway"),
    "truck": ("truck", "trucks", "lorry", "pickup"),
    "boat": ("boat", "boats", "ship", "ships", "sailboat", "sailboats", "kayak", "canoe", "yacht", "ferry"),
    "traffic light": ("traffic light", "traffic lights", "stop light", "stoplight", "traffic signal"),
    "fire hydrant": ("fire hydrant", "hydrant", "hydrants"),
    "stop sign": ("stop sign", "stop signs"),
    "parking meter": ("parking meter", "parking meters", "meter", "meters"),
    "bench": ("bench", "benches"),
    "bird": (
        "bird",
        "birds",
        "seagull",
        "seagulls",
        "gull",
        "pigeon",
        "pigeons",
        "duck",
        "ducks",
        "vulture",
        "vultures",
        "turkey",
        "parrot",
        "owl",
        "goose",
        "geese",
        "swan",
        "cardinal",
    ),
    "cat": ("cat", "cats", "kitten", "kittens", "kitty"),
    "dog": ("dog", "dogs", "puppy", "puppies", "poodle", "pit bull", "terrier", "labrador"),
    "horse": ("horse", "horses", "pony", "ponies", "horeses"),
    "sheep": ("sheep", "lamb", "lambs"),
    "cow": ("cow", "cows", "cattle", "bull", "calf", "calves", "ox", "oxen"),
    "elephant": ("elephant", "elephants"),
    "bear": ("bear", "bears", "polar bear", "grizzly"),
    "zebra": ("zebra", "zebras"),
    "giraffe": ("giraffe", "giraffes"),
    "backpack": ("backpack", "backpacks", "rucksack"),
    "umbrella": ("umbrella", "umbrellas", "parasol"),
    "handbag": ("handbag", "handbags", "purse", "purses", "bag", "bags"),
    "tie": ("tie", "ties", "necktie"),
    "suitcase": ("suitcase", "suitcases", "luggage"),
    "frisbee": ("frisbee", "frisbees", "disc"),
    "skis": ("skis", "ski"),
    "snowboard": ("snowboard", "snowboards"),
    "sports ball": ("ball", "balls", "soccer ball", "football", "tennis ball", "basketball", "softball", "volleyball"),
    "kite": ("kite", "kites"),
    "baseball bat": ("baseball bat", "bat", "bats"),
    "baseball glove": ("baseball glove", "glove", "gloves", "mitt"),
    "skateboard": ("skateboard", "skateboards", "skate board"),
    "surfboard": ("surfboard", "surfboards", "surf board"),
    "tennis racket": ("tennis racket", "racket", "rackets", "racquet", "racquets"),
    "bottle": ("bottle", "bottles"),
    "wine glass": ("wine glass", "wine glasses", "wineglass"),
    "cup": ("cup", "cups", "mug", "mugs"),
    "fork": ("fork", "forks"),
    "knife": ("knife", "knives"),
    "spoon": ("spoon", "spoons"),
    "bowl": ("bowl", "bowls"),
    "banana": ("banana", "bananas"),
    "apple": ("apple", "apples"),
    "sandwich": ("sandwich", "sandwiches", "burger", "burgers", "hamburger"),
    "orange": ("oranges",),
    "broccoli": ("broccoli",),
    "carrot": ("carrot", "carrots"),
    "hot dog": ("hot dog", "hot dogs", "hotdog", "hotdogs"),
    "pizza": ("pizza", "pizzas"),
    "donut": ("donut", "donuts", "doughnut", "doughnuts"),
    "cake": ("cake", "cakes", "cupcake", "cupcakes"),
    "chair": ("chair", "chairs", "stool", "stools"),
    "couch": ("couch", "couches", "sofa", "sofas"),
    "potted plant": ("potted plant", "potted plants", "houseplant", "plant", "plants"),
    "bed": ("bed", "beds"),
    "dining table": ("table", "tables", "desk", "desks", "dining table"),
    "toilet": ("toilet", "toilets", "urinal"),
    "tv": ("tv", "tvs", "television", "televisions", "monitor", "monitors"),
    "laptop": ("laptop", "laptops", "computer", "computers", "notebook"),
    "mouse": ("computer mouse",),
    "remote": ("remote", "remotes", "controller", "controllers", "remote control"),
    "keyboard": ("keyboard", "keyboards"),
    "cell phone": ("cell phone", "cellphone", "phone", "phones", "smartphone", "mobile phone"),
    "microwave": ("microwave", "microwaves"),
    "oven": ("oven", "ovens", "stove", "stoves"),
    "toaster": ("toaster", "toasters"),
    "sink": ("sink", "sinks"),
    "refrigerator": ("refrigerator", "refrigerators", "fridge", "fridges"),
    "book": ("book", "books", "novel"),
    "clock": ("clock", "clocks"),
    "vase": ("vase", "vases"),
    "scissors": ("scissors", "shears"),
    "teddy bear": ("teddy bear", "teddy bears", "teddy", "stuffed animal", "stuffed bear"),
    "hair drier": ("hair drier", "hair dryer", "hairdryer", "blow dryer", "dryer"),
    "toothbrush": ("toothbrush", "toothbrushes"),
}

WORD_TO_LABEL: dict[str, str] = {}
for _label, _words in _SYNONYMS.items():
    for _word in _words:
        WORD_TO_LABEL.setdefault(_word, _label)
for _label, (_one, _many) in NOUNS.items():
    WORD_TO_LABEL.setdefault(_one.lower(), _label)
    WORD_TO_LABEL.setdefault(_many.lower(), _label)
# Phrases that contain a class word: "fire truck" is a truck, "baseball player" is a person (the
# "player" is counted on its own) and not a ball, "bus stop" is not a bus.
WORD_TO_LABEL.update(
    {"fire truck": "truck", "computer monitor": "tv", "computer monitors": "tv", "train tracks": "train"}
)
# Compound nouns whose last word is another class: a "motor bike" is a motorcycle, not a bicycle;
# "microwave ovens" are microwaves, a "toaster oven" is what COCO calls a toaster.
WORD_TO_LABEL.update(
    dict.fromkeys(["motor bike", "motor bikes", "dirt bike", "dirt bikes", "motor cycle", "motor cycles"], "motorcycle")
)
WORD_TO_LABEL.update(dict.fromkeys(["microwave oven", "microwave ovens"], "microwave"))
WORD_TO_LABEL.update(dict.fromkeys(["toaster oven", "toaster ovens"], "toaster"))
WORD_TO_LABEL.update(
    dict.fromkeys(
        [
            *("baseball player", "baseball players", "tennis player", "tennis players", "frisbee player"),
            *("soccer player", "soccer players", "baseball pitcher", "baseball batter"),
        ],
        "person",
    )
)
WORD_TO_LABEL.pop("orange")  # the colour far more often than the fruit: see find_objects
# "" = not an object
WORD_TO_LABEL.update(dict.fromkeys(["baseball game", "baseball field", "tennis court"], ""))
WORD_TO_LABEL.update(dict.fromkeys(["hot dog stand", "dog food", "cat food", "ski slope", "ski lift"], ""))
WORD_TO_LABEL.update(dict.fromkeys(["bus stop", "train station", "tennis game", "bear statue"], ""))

# Generic words our text uses when it backs off; a mention of one is grounded if any class of the
# family is present.
GENERIC_WORDS: dict[str, str] = {}
for _family, (_one, _many) in GENERIC_NOUNS.items():
    GENERIC_WORDS[_one] = _family
    GENERIC_WORDS[_many] = _family

_MAX_WORDS = max(len(p.split()) for p in [*WORD_TO_LABEL, *GENERIC_WORDS])

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}


# Words after "orange" that make it the fruit (a colour is followed by its noun). Punctuation is
# not kept by :func:`tokens`, so a list ("an orange, a cup") or a sentence end ("an orange. A
# cup") shows up as the next article; our own text also places and sizes nouns after them ("an
# orange at the top", "an orange filling most of the photo").
_ORANGE_FRUIT_NEXT = frozenset(
    ["", "and", "or", "on", "in", "with", "is", "are", "slices", "a", "an", "the", "at", "filling", "spanning"]
)


def tokens(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def find_objects(text: str) -> Iterator[tuple[int, str, str]]:
    """``(token index, label or "family:<name>", phrase)`` for every object word in ``text``,
    longest phrase first, left to right. "orange" counts as the fruit only when no noun follows it."""
    words = tokens(text)
    k = 0
    while k < len(words):
        for n in range(min(_MAX_WORDS, len(words) - k), 0, -1):
            phrase = " ".join(words[k : k + n])
            if phrase in GENERIC_WORDS:
                yield k, "family:" + GENERIC_WORDS[phrase], phrase
                k += n
                break
            label = WORD_TO_LABEL.get(phrase)
            if label is None and phrase == "orange":
                nxt = words[k + 1] if k + 1 < len(words) else ""
                label = "orange" if nxt in _ORANGE_FRUIT_NEXT else None
            if label is not None:
                if label:
                    yield k, label, phrase
                k += n
                break
        else:
            k += 1


def family_members(family: str) -> frozenset[str]:
    return frozenset(label for label, fam in FAMILY.items() if fam == family)
