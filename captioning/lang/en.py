"""English: the words of the captioner and of reading English text back, and the English realiser.

Everything English lives here once: nouns of the 80 COCO classes and of the back-off families,
number words, the article rule, position and size phrases, the hedge, relation verbs, the
phrases for text read in the photo, and the words for reading captions back (evaluation and
search). See :mod:`captioning.lang` for what a language module provides.
"""

from __future__ import annotations

from collections.abc import Sequence

from captioning.lang.base import Segment, capitalise, joined
from captioning.lang.read import ReadingWords
from captioning.lang.words import Noun
from captioning.plan import (
    MANY_ABOVE,
    AltMention,
    BoxesNote,
    Crowd,
    Extra,
    Holder,
    Members,
    Part,
    Ref,
    RelationSentence,
    Sentence,
    Summary,
)

CODE = "en"
NAME = "English"

# Singular and plural form of every COCO class as a reader should hear it. Written out in full
# rather than derived by rule because a handful are irregular (people, mice, knives, sheep) or are
# not count nouns at all (skis, scissors, broccoli), and one wrong plural is very noticeable.
# A few names are replaced by the everyday word ("dining table" -> "table", "sports ball" -> "ball",
# "cell phone" -> "phone", "tv" -> "TV"); the COCO label itself is kept in the data.
NOUNS: dict[str, Noun] = {
    "person": Noun("person", "people"),
    "bicycle": Noun("bicycle", "bicycles"),
    "car": Noun("car", "cars"),
    "motorcycle": Noun("motorcycle", "motorcycles"),
    "airplane": Noun("airplane", "airplanes"),
    "bus": Noun("bus", "buses"),
    "train": Noun("train", "trains"),
    "truck": Noun("truck", "trucks"),
    "boat": Noun("boat", "boats"),
    "traffic light": Noun("traffic light", "traffic lights"),
    "fire hydrant": Noun("fire hydrant", "fire hydrants"),
    "stop sign": Noun("stop sign", "stop signs"),
    "parking meter": Noun("parking meter", "parking meters"),
    "bench": Noun("bench", "benches"),
    "bird": Noun("bird", "birds"),
    "cat": Noun("cat", "cats"),
    "dog": Noun("dog", "dogs"),
    "horse": Noun("horse", "horses"),
    "sheep": Noun("sheep", "sheep"),
    "cow": Noun("cow", "cows"),
    "elephant": Noun("elephant", "elephants"),
    "bear": Noun("bear", "bears"),
    "zebra": Noun("zebra", "zebras"),
    "giraffe": Noun("giraffe", "giraffes"),
    "backpack": Noun("backpack", "backpacks"),
    "umbrella": Noun("umbrella", "umbrellas"),
    "handbag": Noun("handbag", "handbags"),
    "tie": Noun("tie", "ties"),
    "suitcase": Noun("suitcase", "suitcases"),
    "frisbee": Noun("frisbee", "frisbees"),
    "skis": Noun("pair of skis", "pairs of skis"),
    "snowboard": Noun("snowboard", "snowboards"),
    "sports ball": Noun("ball", "balls"),
    "kite": Noun("kite", "kites"),
    "baseball bat": Noun("baseball bat", "baseball bats"),
    "baseball glove": Noun("baseball glove", "baseball gloves"),
    "skateboard": Noun("skateboard", "skateboards"),
    "surfboard": Noun("surfboard", "surfboards"),
    "tennis racket": Noun("tennis racket", "tennis rackets"),
    "bottle": Noun("bottle", "bottles"),
    "wine glass": Noun("wine glass", "wine glasses"),
    "cup": Noun("cup", "cups"),
    "fork": Noun("fork", "forks"),
    "knife": Noun("knife", "knives"),
    "spoon": Noun("spoon", "spoons"),
    "bowl": Noun("bowl", "bowls"),
    "banana": Noun("banana", "bananas"),
    "apple": Noun("apple", "apples"),
    "sandwich": Noun("sandwich", "sandwiches"),
    "orange": Noun("orange", "oranges"),
    "broccoli": Noun("piece of broccoli", "pieces of broccoli"),
    "carrot": Noun("carrot", "carrots"),
    "hot dog": Noun("hot dog", "hot dogs"),
    "pizza": Noun("pizza", "pizzas"),
    "donut": Noun("donut", "donuts"),
    "cake": Noun("cake", "cakes"),
    "chair": Noun("chair", "chairs"),
    "couch": Noun("couch", "couches"),
    "potted plant": Noun("potted plant", "potted plants"),
    "bed": Noun("bed", "beds"),
    "dining table": Noun("table", "tables"),
    "toilet": Noun("toilet", "toilets"),
    "tv": Noun("TV", "TVs"),
    "laptop": Noun("laptop", "laptops"),
    "mouse": Noun("mouse", "mice"),
    "remote": Noun("remote", "remotes"),
    "keyboard": Noun("keyboard", "keyboards"),
    "cell phone": Noun("phone", "phones"),
    "microwave": Noun("microwave", "microwaves"),
    "oven": Noun("oven", "ovens"),
    "toaster": Noun("toaster", "toasters"),
    "sink": Noun("sink", "sinks"),
    "refrigerator": Noun("refrigerator", "refrigerators"),
    "book": Noun("book", "books"),
    "clock": Noun("clock", "clocks"),
    "vase": Noun("vase", "vases"),
    "scissors": Noun("pair of scissors", "pairs of scissors"),
    "teddy bear": Noun("teddy bear", "teddy bears"),
    "hair drier": Noun("hair drier", "hair driers"),
    "toothbrush": Noun("toothbrush", "toothbrushes"),
}

# Nouns for the families a phrase backs off to when the model hesitates between sibling classes
# ("an animal" rather than a coin flip between cat and dog); see captioning.vocabulary.FAMILY.
FAMILY_NOUNS: dict[str, Noun] = {
    "animal": Noun("animal", "animals"),
    "vehicle": Noun("vehicle", "vehicles"),
    "food": Noun("piece of food", "pieces of food"),
    "bag": Noun("bag", "bags"),
    "container": Noun("cup or bottle", "cups or bottles"),
    "utensil": Noun("piece of cutlery", "pieces of cutlery"),
    "furniture": Noun("piece of furniture", "pieces of furniture"),
    "electronic": Noun("electronic device", "electronic devices"),
    "appliance": Noun("kitchen appliance", "kitchen appliances"),
    "board": Noun("board", "boards"),
}

SEPARATOR = ", "
CONJUNCTION = " and "  # no serial comma, as in British usage

EMPTY_ALT = "No recognisable objects; the photo may show a scene, text or things the model does not know."
EMPTY_LONG = (
    # No examples of the 80 kinds here ("such as people"): a reader, and the evaluation, would
    # hear them as things in this photo.
    EMPTY_ALT + " The model knows only 80 common kinds of everyday things and does not describe scenes or read text."
)
BOXES_NOTE = "Sizes are rough: this model outlines objects with boxes, not their exact shapes."
HEDGE = "possibly"

_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()

#: Every phrase said about text read in the photo. ``{text}`` is the text as read, ``{thing}``
#: the object with its article ("the bus", "the bus on the left", see :func:`holder`).
PHRASES = {
    "on": "Text on {thing}: {text}.",
    "alone": "Text reading {text}.",
    "quote": "'{text}'",
    "list": ", ",
    "unclear_on": "{thing} has text that could not be read clearly.",
    "unclear_alone": "There is text that could not be read clearly.",
    "plate": "{thing}'s number plate is visible (not transcribed).",
    "mostly": "The image is mostly text. It reads: '{text}'.",
    "row": " / ",
    "no_objects": "No recognisable objects.",
}

_VERBS = {
    "riding": "riding",
    "on": "on",
    "holding": "holding",
    "in front of": "in front of",
    "behind": "behind",
    "next to": "next to",
}


# -- words -------------------------------------------------------------------------------------
def _noun(label: str) -> Noun | None:
    return NOUNS.get(label) or FAMILY_NOUNS.get(label)


def singular(label: str) -> str:
    """The singular noun for a COCO label (or a back-off family); unknown labels are used as they are."""
    noun = _noun(label)
    return noun.singular if noun else label


def plural(label: str) -> str:
    """The plural noun for a COCO label; unknown labels get a regular English plural."""
    noun = _noun(label)
    if noun:
        return noun.plural
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
    ``"many dogs"``. ``many_above=None`` keeps exact counts."""
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
    return SEPARATOR.join(items[:-1]) + CONJUNCTION + items[-1]


def sentence(text: str) -> str:
    """Capitalised, with exactly one full stop at the end."""
    text = capitalise(text.strip())
    return text if text.endswith((".", "!", "?")) else text + "."


def position_phrase(position: str) -> str:
    """A position key with its preposition: ``"on the left"``, ``"in the centre"``, ..."""
    if position in ("left", "right"):
        return f"on the {position}"
    if position in ("top", "bottom"):
        return f"at the {position}"
    if position == "across the photo":
        return position
    if position.startswith("mostly "):
        return "mostly " + position_phrase(position.removeprefix("mostly "))
    return f"in the {position}"


def size_adjective(size: str) -> str:
    """A size key as an adjective before a noun ("a medium-sized dog")."""
    return {"most": "very large", "medium": "medium-sized"}.get(size, size)


def _most(from_masks: bool) -> str:
    """Filling most of the photo needs a real mask: a box around a diagonal object can cover half
    the frame while the object covers a tenth, so boxes say "spanning"."""
    return "filling most of the photo" if from_masks else "spanning most of the photo"


def _place(place: str, from_masks: bool) -> str:
    return _most(from_masks) if place == "most" else position_phrase(place)


def holder(thing: Holder, key: str) -> str:
    """The object text is written on: "the bus", "the phone on the left" (its English noun, as
    the alt text names it: "phone", not COCO's "cell phone")."""
    noun = singular(thing.label)
    if thing.position:
        return f"the {noun} {position_phrase(thing.position)}"
    return f"the {noun}"


# -- the alt text ------------------------------------------------------------------------------
def alt_mention(mention: AltMention, *, placed: bool, from_masks: bool) -> list[Segment]:
    """ "three dogs on the left", "possibly a cat", "a person riding a horse"."""
    label, link = mention.label, (mention.label, mention.ids)
    segments: list[Segment] = []
    if mention.certainty == "stated":
        segments.append((_count_text(mention), link))
    else:
        noun = with_article(singular(label)) if mention.count == 1 else f"some {plural(label)}"
        segments += [(f"{HEDGE} ", None), (noun, link)]
    if mention.relation is not None:
        r = mention.relation
        segments += [(f" {_VERBS[r.predicate]} ", None), (with_article(singular(r.label)), (r.label, r.ids))]
    elif placed and mention.place is not None:
        segments.append((" " + _place(mention.place, from_masks), None))
    return segments


def _count_text(mention: AltMention) -> str:
    label, n = mention.label, mention.count
    if mention.quantity == "group":
        return f"a group of {plural(label)}"
    if mention.quantity == "many":
        return f"many {plural(label)}"
    if mention.quantity == "at_least":
        return f"{number_word(n)} or more {plural(label)}"
    return count_noun(label, n)


#: How the items after a group of objects sharing a place are joined (lang/base.py ``around_groups``).
GROUP_REST = "list"


def group_conjunction(following: str) -> str:  # noqa: ARG001 - the same before any word
    """Before the last item of a list whose items include a list: "a person and a snowboard in
    the centre, and other objects" (the comma shows where the inner list ends)."""
    return ", and "


def other_objects(*, hedged: bool) -> list[Segment]:
    return [(f"{HEDGE} other objects" if hedged else "other objects", None)]


# -- the long description ----------------------------------------------------------------------
def long_sentence(s: Sentence, *, from_masks: bool, before: Sequence[Sequence[Segment]]) -> list[Segment]:
    """One sentence of the long description (capitalised and stopped by the caller)."""
    if isinstance(s, Members):
        return _hedged(s.hedged, _among(s.among, _members(s, from_masks)))
    if isinstance(s, Summary):
        return _hedged(s.hedged, _among(s.among, _summary(s)))
    if isinstance(s, Extra):
        return [(f"{HEDGE} ", None), *_extra(s)]
    if isinstance(s, Crowd):
        return [(f"a group of {plural(s.label)}", (s.label, s.ids)), (" " + _place(s.place, from_masks), None)]
    if isinstance(s, RelationSentence):
        return _relation(s, before)
    if isinstance(s, BoxesNote):
        return [(BOXES_NOTE, None)]
    raise TypeError(f"not a sentence: {s!r}")


def _hedged(hedged: bool, segments: list[Segment]) -> list[Segment]:
    return [(f"{HEDGE} ", None), *segments] if hedged else segments


def _among(among: bool, segments: list[Segment]) -> list[Segment]:
    return [("among them, ", None), *segments] if among else segments


def _members(s: Members, from_masks: bool) -> list[Segment]:
    """ "a medium-sized dog on the right", "three small dogs on the left", "four elephants: a large
    one on the left, ..."."""
    label, link = s.label, (s.label, s.ids)
    if s.count == 1:
        if s.size == "most":
            return [(with_article(singular(label)), link), (" " + _most(from_masks), None)]
        noun = with_article(f"{size_adjective(s.size or '')} {singular(label)}")
        return [(noun, link), (" " + position_phrase(s.position or ""), None)]
    if not s.parts:  # "three small dogs on the left"
        noun = f"{number_word(s.count)} {size_adjective(s.size or '')} {plural(label)}"
        return [(noun, link), (" " + position_phrase(s.position or ""), None)]
    if s.size is not None:  # "two small people: one on the left and one in the centre"
        noun = f"{number_word(s.count)} {size_adjective(s.size)} {plural(label)}"
        parts = [[(_count_one(p), (label, p.ids)), (" " + position_phrase(p.position or ""), None)] for p in s.parts]
        return [(noun, link), (": ", None), *joined(parts, SEPARATOR, CONJUNCTION)]
    noun = f"{number_word(s.count)} {plural(label)}"
    if s.position is not None:  # "four elephants in the centre: two large ones and two small ones"
        parts = [[(_count_one(p), (label, p.ids))] for p in s.parts]
        return [(noun, link), (" " + position_phrase(s.position) + ": ", None), *joined(parts, SEPARATOR, CONJUNCTION)]
    parts = [[(_count_one(p), (label, p.ids)), (" " + position_phrase(p.position or ""), None)] for p in s.parts]
    return [(noun, link), (": ", None), *joined(parts, SEPARATOR, CONJUNCTION)]


def _count_one(part: Part) -> str:
    """Counts like "a large one", "two small ones", or without a size "one", "two"."""
    if part.size is None:
        return number_word(part.count)
    adjective = size_adjective(part.size)
    return with_article(f"{adjective} one") if part.count == 1 else f"{number_word(part.count)} {adjective} ones"


def _extra(s: Extra) -> list[Segment]:
    """ "another small dog on the left", "two more dogs on the right"."""
    link = (s.label, s.ids)
    if s.count == 1:
        noun = f"another {size_adjective(s.size or '')} {singular(s.label)}"
        return [(noun, link), (" " + position_phrase(s.position), None)]
    amount = "many" if s.many else number_word(s.count)
    return [(f"{amount} more {plural(s.label)}", link), (" " + position_phrase(s.position), None)]


def _summary(s: Summary) -> list[Segment]:
    """ "eleven books across the photo, most of them small; the largest is medium-sized and on the left"."""
    spread = "all" if s.all_same else "most of them"
    segments: list[Segment] = [
        (f"{number_word(s.count)} {plural(s.label)}", (s.label, s.ids)),
        (f" {position_phrase(s.position)}, {spread} {size_adjective(s.size)}", None),
    ]
    if s.largest is not None:
        segments.append(("; ", None))
        segments.append(("the largest", (s.label, (s.largest.id,))))
        segments.append((f" is {size_adjective(s.largest.size)} and {position_phrase(s.largest.position)}", None))
    return segments


def _ref(ref: Ref) -> Segment:
    """ "the dog", "the dog on the left", "one of the dogs", "two of the cups", "both cups", "all
    three cups", "the three cups"."""
    link = (ref.label, ref.ids)
    if ref.kind == "the":
        return (f"the {singular(ref.label)}", link)
    if ref.kind == "placed":
        return (f"the {singular(ref.label)} {position_phrase(ref.position or '')}", link)
    if ref.kind == "one_of":
        return (f"one of the {plural(ref.label)}", link)
    many = plural(ref.label)
    if ref.kind == "some_of":
        return (f"{number_word(len(ref.ids))} of the {many}", link)
    if ref.kind == "the_all":
        return (f"the {number_word(ref.total)} {many}", link)
    return (f"both {many}" if ref.total == 2 else f"all {number_word(ref.total)} {many}", link)


def _relation(s: RelationSentence, before: Sequence[Sequence[Segment]]) -> list[Segment]:
    """ "The person on the left is riding the horse.", "Three of the cups are on the table.", "The
    two people are each riding one of the horses."."""
    verb = "are each" if s.each else "are" if s.plural else "is"
    subject = _ref(s.subject)
    if s.also:  # "The sandwich, the bowl and the knife are on the table."
        subjects = joined([[subject], *([_ref(r)] for r in s.also)], SEPARATOR, CONJUNCTION)
        return [*subjects, (f" {verb} {_VERBS[s.predicate]} ", None), _ref(s.object)]
    sentence = [subject, (f" {verb} {_VERBS[s.predicate]} ", None), _ref(s.object)]
    first, link = subject
    if first.startswith("one of the ") and _ends_with_one(before):
        # "... and a large one. One of the people is riding ..." repeats "one": say
        # "Among the people, one is riding ..." instead.
        sentence = [(f"among {first.removeprefix('one of ')}, ", None), ("one", link), *sentence[1:]]
    return sentence


def _ends_with_one(sentences: Sequence[Sequence[Segment]]) -> bool:
    """Whether the last sentence so far ends with the word "one"."""
    return bool(sentences) and "".join(t for t, _ in sentences[-1]).rstrip(". ").lower().endswith(" one")


# -- reading English back (evaluation, search) ---------------------------------------------------
# The words people use for each class, for reading human captions and checking our own text
# (captioning.evaluate), written for this project in the spirit of CHAIR's (Rohrbach et al.,
# 2018): the everyday words for the 80 COCO classes, plural forms included, longest phrase wins
# ("hot dog" is food, not a dog; "teddy bear" is a toy, not a bear). Words that are mostly
# something else in captions are left out on purpose ("orange" the colour is handled apart,
# "glass" the material, "baseball" the game, "pitcher" the player). Our own nouns are added below.
SYNONYMS: dict[str, tuple[str, ...]] = {
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


_WORDS: dict[str, str] = {}
for _label, _words in SYNONYMS.items():
    for _word in _words:
        _WORDS.setdefault(_word, _label)
for _label, _noun_forms in NOUNS.items():
    _WORDS.setdefault(_noun_forms.singular.lower(), _label)
    _WORDS.setdefault(_noun_forms.plural.lower(), _label)
# Phrases that contain a class word: "fire truck" is a truck, "baseball player" is a person (the
# "player" is counted on its own) and not a ball, "bus stop" is not a bus.
_WORDS.update({"fire truck": "truck", "computer monitor": "tv", "computer monitors": "tv", "train tracks": "train"})
# Compound nouns whose last word is another class: a "motor bike" is a motorcycle, not a bicycle;
# "microwave ovens" are microwaves, a "toaster oven" is what COCO calls a toaster.
_WORDS.update(
    dict.fromkeys(["motor bike", "motor bikes", "dirt bike", "dirt bikes", "motor cycle", "motor cycles"], "motorcycle")
)
_WORDS.update(dict.fromkeys(["microwave oven", "microwave ovens"], "microwave"))
_WORDS.update(dict.fromkeys(["toaster oven", "toaster ovens"], "toaster"))
_WORDS.update(
    dict.fromkeys(
        [
            *("baseball player", "baseball players", "tennis player", "tennis players", "frisbee player"),
            *("soccer player", "soccer players", "baseball pitcher", "baseball batter"),
        ],
        "person",
    )
)
_WORDS.pop("orange")  # the colour far more often than the fruit: see READING.ambiguous
# "" = not an object
_WORDS.update(dict.fromkeys(["baseball game", "baseball field", "tennis court"], ""))
_WORDS.update(dict.fromkeys(["hot dog stand", "dog food", "cat food", "ski slope", "ski lift"], ""))
_WORDS.update(dict.fromkeys(["bus stop", "train station", "tennis game", "bear statue"], ""))

# Words after "orange" that make it the fruit (a colour is followed by its noun). Punctuation is
# not kept by the tokens, so a list ("an orange, a cup") or a sentence end ("an orange. A cup")
# shows up as the next article; our own text also places and sizes nouns after them ("an orange
# at the top", "an orange filling most of the photo").
_ORANGE_FRUIT_NEXT = frozenset(
    ["", "and", "or", "on", "in", "with", "is", "are", "slices", "a", "an", "the", "at", "filling", "spanning"]
)
_READING_NUMBERS = {word: n for n, word in enumerate(_NUMBER_WORDS[1:13], start=1)}

READING = ReadingWords(
    objects=_WORDS,
    # Generic words our text uses when it backs off; a mention of one is grounded if any class of
    # the family is present.
    families={form: family for family, noun in FAMILY_NOUNS.items() for form in (noun.singular, noun.plural)},
    numbers=_READING_NUMBERS,
    articles=frozenset(["a", "an"]),
    floor=("or", "more"),
    hedges=frozenset([HEDGE]),
    # Words that may stand between "possibly" and the noun it hedges: "possibly a medium-sized
    # cup", "possibly two more small dogs", "possibly another large dog".
    hedge_gap=frozenset(
        ["a", "an", "another", "more", "or", "some", "very", "large", "small", "medium", "sized", "tiny"]
    ),
    ambiguous={"orange": ("orange", _ORANGE_FRUIT_NEXT)},
    # How the alt says a relation ("A person riding a horse"); places never use them ("on the left").
    relations=(" riding ", " holding ", " on a ", " on an ", " in front of ", " next to "),
    token=r"[a-z]+",
)


# -- search: words people type in a search box ---------------------------------------------------
# (Added for issue 18's search, branch issue18s.) Everyday words for the COCO classes that READING
# leaves out, because in captions they are ambiguous ("glass" the material, "screen", "seat",
# "signal") or rare ("telly", "loo"): in a query they can only mean the class. Search
# (webapp/search/vocabulary.py) reads them besides READING.objects; the evaluation does not, so its
# figures do not move. Word -> COCO label; plurals written out.
SEARCH_SYNONYMS: dict[str, str] = {
    **dict.fromkeys("human humans somebody someone".split(), "person"),
    **dict.fromkeys("cycle cycles".split(), "bicycle"),
    **dict.fromkeys("aeroplane aeroplanes".split(), "airplane"),
    **dict.fromkeys("automobile automobiles cab cabs".split(), "car"),
    **dict.fromkeys(["coaches"], "bus"),
    **dict.fromkeys("lorries pickups".split(), "truck"),
    **dict.fromkeys("canoes kayaks".split(), "boat"),
    **dict.fromkeys("locomotives trams".split(), "train"),
    **dict.fromkeys("stoplights signal signals".split(), "traffic light"),
    **dict.fromkeys("gulls parrots".split(), "bird"),
    **dict.fromkeys("doggy doggies hound hounds".split(), "dog"),
    **dict.fromkeys("kitties".split(), "cat"),
    **dict.fromkeys("foal foals".split(), "horse"),
    **dict.fromkeys("bulls".split(), "cow"),
    **dict.fromkeys("rucksacks".split(), "backpack"),
    **dict.fromkeys("parasols".split(), "umbrella"),
    **dict.fromkeys("neckties".split(), "tie"),
    **dict.fromkeys(
        ["sports ball", "sports balls", "footballs", "basketballs", "soccer balls", "tennis balls"], "sports ball"
    ),
    **dict.fromkeys("mitts".split(), "baseball glove"),
    **dict.fromkeys(["skate boards"], "skateboard"),
    **dict.fromkeys(["surf boards"], "surfboard"),
    **dict.fromkeys("glass glasses".split(), "wine glass"),
    **dict.fromkeys(["dining tables"], "dining table"),
    **dict.fromkeys("houseplants".split(), "potted plant"),
    **dict.fromkeys("seat seats".split(), "chair"),
    **dict.fromkeys("settee settees".split(), "couch"),
    **dict.fromkeys("loo loos".split(), "toilet"),
    **dict.fromkeys("telly tellies screen screens".split(), "tv"),
    **dict.fromkeys("notebooks".split(), "laptop"),
    **dict.fromkeys(["cell phones", "cellphones", "smartphones", "mobile", "mobiles", "mobile phones"], "cell phone"),
    **dict.fromkeys(["remote controls"], "remote"),
    **dict.fromkeys("freezer freezers".split(), "refrigerator"),
    **dict.fromkeys("teddies".split(), "teddy bear"),
    **dict.fromkeys(["hair dryers", "hairdryers"], "hair drier"),
    **dict.fromkeys("scissor".split(), "scissors"),
}
