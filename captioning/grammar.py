"""Small English helpers: nouns for the 80 COCO classes, number words, articles, lists.

Kept free of any knowledge about geometry or confidence so that each rule can be tested alone.
"""

from __future__ import annotations

from collections.abc import Sequence

# Singular and plural form of every COCO class as a reader should hear it. Written out in full
# rather than derived by rule because a handful are irregular (people, mice, knives, sheep) or are
# not count nouns at all (skis, scissors, broccoli), and one wrong plural is very noticeable.
# A few names are replaced by the everyday word ("dining table" -> "table", "sports ball" -> "ball",
# "cell phone" -> "phone", "tv" -> "TV"); the COCO label itself is kept in the data.
NOUNS: dict[str, tuple[str, str]] = {
    "person": ("person", "people"),
    "bicycle": ("bicycle", "bicycles"),
    "car": ("car", "cars"),
    "motorcycle": ("motorcycle", "motorcycles"),
    "airplane": ("airplane", "airplanes"),
    "bus": ("bus", "buses"),
    "train": ("train", "trains"),
    "truck": ("truck", "trucks"),
    "boat": ("boat", "boats"),
    "traffic light": ("traffic light", "traffic lights"),
    "fire hydrant": ("fire hydrant", "fire hydrants"),
    "stop sign": ("stop sign", "stop signs"),
    "parking meter": ("parking meter", "parking meters"),
    "bench": ("bench", "benches"),
    "bird": ("bird", "birds"),
    "cat": ("cat", "cats"),
    "dog": ("dog", "dogs"),
    "horse": ("horse", "horses"),
    "sheep": ("sheep", "sheep"),
    "cow": ("cow", "cows"),
    "elephant": ("elephant", "elephants"),
    "bear": ("bear", "bears"),
    "zebra": ("zebra", "zebras"),
    "giraffe": ("giraffe", "giraffes"),
    "backpack": ("backpack", "backpacks"),
    "umbrella": ("umbrella", "umbrellas"),
    "handbag": ("handbag", "handbags"),
    "tie": ("tie", "ties"),
    "suitcase": ("suitcase", "suitcases"),
    "frisbee": ("frisbee", "frisbees"),
    "skis": ("pair of skis", "pairs of skis"),
    "snowboard": ("snowboard", "snowboards"),
    "sports ball": ("ball", "balls"),
    "kite": ("kite", "kites"),
    "baseball bat": ("baseball bat", "baseball bats"),
    "baseball glove": ("baseball glove", "baseball gloves"),
    "skateboard": ("skateboard", "skateboards"),
    "surfboard": ("surfboard", "surfboards"),
    "tennis racket": ("tennis racket", "tennis rackets"),
    "bottle": ("bottle", "bottles"),
    "wine glass": ("wine glass", "wine glasses"),
    "cup": ("cup", "cups"),
    "fork": ("fork", "forks"),
    "knife": ("knife", "knives"),
    "spoon": ("spoon", "spoons"),
    "bowl": ("bowl", "bowls"),
    "banana": ("banana", "bananas"),
    "apple": ("apple", "apples"),
    "sandwich": ("sandwich", "sandwiches"),
    "orange": ("orange", "oranges"),
    "broccoli": ("piece of broccoli", "pieces of broccoli"),
    "carrot": ("carrot", "carrots"),
    "hot dog": ("hot dog", "hot dogs"),
    "pizza": ("pizza", "pizzas"),
    "donut": ("donut", "donuts"),
    "cake": ("cake", "cakes"),
    "chair": ("chair", "chairs"),
    "couch": ("couch", "couches"),
    "potted plant": ("potted plant", "potted plants"),
    "bed": ("bed", "beds"),
    "dining table": ("table", "tables"),
    "toilet": ("toilet", "toilets"),
    "tv": ("TV", "TVs"),
    "laptop": ("laptop", "laptops"),
    "mouse": ("mouse", "mice"),
    "remote": ("remote", "remotes"),
    "keyboard": ("keyboard", "keyboards"),
    "cell phone": ("phone", "phones"),
    "microwave": ("microwave", "microwaves"),
    "oven": ("oven", "ovens"),
    "toaster": ("toaster", "toasters"),
    "sink": ("sink", "sinks"),
    "refrigerator": ("refrigerator", "refrigerators"),
    "book": ("book", "books"),
    "clock": ("clock", "clocks"),
    "vase": ("vase", "vases"),
    "scissors": ("pair of scissors", "pairs of scissors"),
    "teddy bear": ("teddy bear", "teddy bears"),
    "hair drier": ("hair drier", "hair driers"),
    "toothbrush": ("toothbrush", "toothbrushes"),
}

COCO_LABELS: tuple[str, ...] = tuple(NOUNS)

# Nouns for the families a phrase backs off to when the model hesitates between sibling classes
# ("an animal" rather than a coin flip between cat and dog); see captioning.vocabulary.FAMILY.
GENERIC_NOUNS: dict[str, tuple[str, str]] = {
    "animal": ("animal", "animals"),
    "vehicle": ("vehicle", "vehicles"),
    "food": ("piece of food", "pieces of food"),
    "bag": ("bag", "bags"),
    "container": ("cup or bottle", "cups or bottles"),
    "utensil": ("piece of cutlery", "pieces of cutlery"),
    "furniture": ("piece of furniture", "pieces of furniture"),
    "electronic": ("electronic device", "electronic devices"),
    "appliance": ("kitchen appliance", "kitchen appliances"),
    "board": ("board", "boards"),
}

_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()

# Above this many, a count in the short alt text becomes "many": detectors miscount crowds, and a
# reader gains little from "fourteen" that "many" does not already give.
MANY_ABOVE = 10


def singular(label: str) -> str:
    """The singular noun for a COCO label (or a generic family); unknown labels are used as they are."""
    return NOUNS.get(label, GENERIC_NOUNS.get(label, (label, "")))[0]


def plural(label: str) -> str:
    """The plural noun for a COCO label; unknown labels get a regular English plural."""
    if label in NOUNS:
        return NOUNS[label][1]
    if label in GENERIC_NOUNS:
        return GENERIC_NOUNS[label][1]
    if label.endswith(("s", "x", "z", "ch", "sh")):
        return label + "es"
    if label.endswith("y") and label[-2:-1] not in ("a", "e", "i", "o", "u"):
        return label[:-1] + "ies"
    return label + "s"


def number_word(n: int) -> str:
    """``3`` -> ``"three"``; digits above twenty, where words stop helping."""
    if n < 0:
        raise ValueError(f"count must not be negative, got {n}")
    return _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else str(n)


# Letters whose spoken name starts with a vowel sound ("an MRI", "an X-ray", but "a TV").
_VOWEL_SOUND_LETTERS = set("AEFHILMNORSX")
# Words spelt with a vowel but spoken with a consonant sound ("a unicorn", "a one-off").
_CONSONANT_SOUND_PREFIXES = ("uni", "use", "usu", "uti", "eu", "one", "once", "ewe")
# Words spelt with a consonant but spoken with a vowel sound.
_VOWEL_SOUND_PREFIXES = ("hour", "honest", "honour", "heir")


def article(phrase: str) -> str:
    """``"a"`` or ``"an"`` for the phrase that follows it, by how its first word sounds."""
    word = phrase.split(" ", 1)[0].split("-", 1)[0]
    if not word:
        return "a"
    if len(word) > 1 and word.isupper():  # an acronym, read letter by letter
        return "an" if word[0] in _VOWEL_SOUND_LETTERS else "a"
    lower = word.lower()
    if lower.startswith(_VOWEL_SOUND_PREFIXES):
        return "an"
    if lower.startswith(_CONSONANT_SOUND_PREFIXES):
        return "a"
    return "an" if lower[0] in "aeiou" else "a"


def with_article(phrase: str) -> str:
    return f"{article(phrase)} {phrase}"


def count_noun(label: str, n: int, *, many_above: int | None = MANY_ABOVE) -> str:
    """``("dog", 1)`` -> ``"a dog"``, ``("dog", 3)`` -> ``"three dogs"``, ``("dog", 14)`` ->
    ``"many dogs"``. ``many_above=None`` keeps exact counts (for the long description)."""
    if n < 1:
        raise ValueError(f"count must be at least 1, got {n}")
    if n == 1:
        return with_article(singular(label))
    if many_above is not None and n > many_above:
        return f"many {plural(label)}"
    return f"{number_word(n)} {plural(label)}"


def join_list(items: Sequence[str]) -> str:
    """``["a", "b", "c"]`` -> ``"a, b and c"`` (no serial comma, as in British usage)."""
    items = [item for item in items if item]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def capitalise(text: str) -> str:
    """Upper-case the first letter only ("TV" and "iPhone" elsewhere stay as they are)."""
    return text[:1].upper() + text[1:]


def sentence(text: str) -> str:
    """Capitalised, with exactly one full stop at the end."""
    text = capitalise(text.strip())
    return text if text.endswith((".", "!", "?")) else text + "."
