"""German: every German word the captioner and search use, and the grammar that puts them together.

Nouns are written out with gender, plural and the case forms that do not follow the regular
endings (weak masculines: "der Bär" -> "dem Bären", "der Elefant" -> "den Elefanten"); the regular
dative plural adds "-n" unless the plural already ends in "-n" or "-s" ("den Hunden", "den
Autos"). Adjectives are declined strong, mixed or weak after no article, "ein" or "der" (Duden,
Die Grammatik, adjective declension tables). Number words come from num2words; "ein" before a
noun is the indefinite article and declines like it.
"""

from __future__ import annotations

from collections.abc import Sequence

from num2words import num2words

from captioning.lang.base import Segment
from captioning.lang.words import (
    FoldedReadingWords,
    Noun,
    RelationWords,
    family_table,
    fold,
    reading_table,
    takes_plural,
)
from captioning.plan import (
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
from captioning.vocabulary import FAMILY

CODE = "de"
CASES = ("nom", "acc", "dat")


def _n(singular: str, plural: str, gender: str) -> Noun:
    return Noun(singular, plural, gender)


def _weak(singular: str, plural: str) -> Noun:
    """A weak masculine ("n-Deklination"): every case but the nominative singular ends in -(e)n."""
    return Noun(singular, plural, "m", {"acc": (plural, plural), "dat": (plural, plural)})


# The noun a German editor would write for each COCO class (Duden spelling and gender).
NOUNS: dict[str, Noun] = {
    "person": _n("Person", "Personen", "f"),
    "bicycle": _n("Fahrrad", "Fahrräder", "n"),
    "car": _n("Auto", "Autos", "n"),
    "motorcycle": _n("Motorrad", "Motorräder", "n"),
    "airplane": _n("Flugzeug", "Flugzeuge", "n"),
    "bus": _n("Bus", "Busse", "m"),
    "train": _n("Zug", "Züge", "m"),
    "truck": _n("Lastwagen", "Lastwagen", "m"),
    "boat": _n("Boot", "Boote", "n"),
    "traffic light": _n("Ampel", "Ampeln", "f"),
    "fire hydrant": _weak("Hydrant", "Hydranten"),
    "stop sign": _n("Stoppschild", "Stoppschilder", "n"),
    "parking meter": _n("Parkuhr", "Parkuhren", "f"),
    "bench": _n("Bank", "Bänke", "f"),
    "bird": _n("Vogel", "Vögel", "m"),
    "cat": _n("Katze", "Katzen", "f"),
    "dog": _n("Hund", "Hunde", "m"),
    "horse": _n("Pferd", "Pferde", "n"),
    "sheep": _n("Schaf", "Schafe", "n"),
    "cow": _n("Kuh", "Kühe", "f"),
    "elephant": _weak("Elefant", "Elefanten"),
    "bear": _weak("Bär", "Bären"),
    "zebra": _n("Zebra", "Zebras", "n"),
    "giraffe": _n("Giraffe", "Giraffen", "f"),
    "backpack": _n("Rucksack", "Rucksäcke", "m"),
    "umbrella": _n("Regenschirm", "Regenschirme", "m"),
    "handbag": _n("Handtasche", "Handtaschen", "f"),
    "tie": _n("Krawatte", "Krawatten", "f"),
    "suitcase": _n("Koffer", "Koffer", "m"),
    "frisbee": _n("Frisbee", "Frisbees", "n"),
    # "ein Paar Ski", "zwei Paar Ski": Paar as a measure does not take a plural.
    "skis": Noun("Paar Ski", "Paar Ski", "n", {"dat": ("Paar Ski", "Paar Ski")}),
    "snowboard": _n("Snowboard", "Snowboards", "n"),
    "sports ball": _n("Ball", "Bälle", "m"),
    "kite": _n("Drachen", "Drachen", "m"),
    "baseball bat": _n("Baseballschläger", "Baseballschläger", "m"),
    "baseball glove": _n("Baseballhandschuh", "Baseballhandschuhe", "m"),
    "skateboard": _n("Skateboard", "Skateboards", "n"),
    "surfboard": _n("Surfbrett", "Surfbretter", "n"),
    "tennis racket": _n("Tennisschläger", "Tennisschläger", "m"),
    "bottle": _n("Flasche", "Flaschen", "f"),
    "wine glass": _n("Weinglas", "Weingläser", "n"),
    "cup": _n("Tasse", "Tassen", "f"),
    "fork": _n("Gabel", "Gabeln", "f"),
    "knife": _n("Messer", "Messer", "n"),
    "spoon": _n("Löffel", "Löffel", "m"),
    "bowl": _n("Schüssel", "Schüsseln", "f"),
    "banana": _n("Banane", "Bananen", "f"),
    "apple": _n("Apfel", "Äpfel", "m"),
    "sandwich": _n("Sandwich", "Sandwiches", "n"),
    "orange": _n("Orange", "Orangen", "f"),
    # Broccoli is a mass noun in German too; what COCO boxes is a floret, a "Brokkoliröschen"
    # (review-de item 6: "Brokkolistück" is a rare ad-hoc compound).
    "broccoli": _n("Brokkoliröschen", "Brokkoliröschen", "n"),
    "carrot": _n("Karotte", "Karotten", "f"),
    "hot dog": _n("Hotdog", "Hotdogs", "m"),
    "pizza": _n("Pizza", "Pizzas", "f"),
    "donut": _n("Donut", "Donuts", "m"),
    "cake": _n("Kuchen", "Kuchen", "m"),
    "chair": _n("Stuhl", "Stühle", "m"),
    "couch": _n("Sofa", "Sofas", "n"),
    "potted plant": _n("Topfpflanze", "Topfpflanzen", "f"),
    "bed": _n("Bett", "Betten", "n"),
    "dining table": _n("Tisch", "Tische", "m"),
    "toilet": _n("Toilette", "Toiletten", "f"),
    "tv": _n("Fernseher", "Fernseher", "m"),
    "laptop": _n("Laptop", "Laptops", "m"),
    "mouse": _n("Maus", "Mäuse", "f"),
    "remote": _n("Fernbedienung", "Fernbedienungen", "f"),
    "keyboard": _n("Tastatur", "Tastaturen", "f"),
    "cell phone": _n("Handy", "Handys", "n"),
    "microwave": _n("Mikrowelle", "Mikrowellen", "f"),
    "oven": _n("Backofen", "Backöfen", "m"),
    "toaster": _n("Toaster", "Toaster", "m"),
    "sink": _n("Waschbecken", "Waschbecken", "n"),
    "refrigerator": _n("Kühlschrank", "Kühlschränke", "m"),
    "book": _n("Buch", "Bücher", "n"),
    "clock": _n("Uhr", "Uhren", "f"),
    "vase": _n("Vase", "Vasen", "f"),
    "scissors": _n("Schere", "Scheren", "f"),
    "teddy bear": _weak("Teddybär", "Teddybären"),
    "hair drier": _n("Haartrockner", "Haartrockner", "m"),
    "toothbrush": _n("Zahnbürste", "Zahnbürsten", "f"),
}

# Back-off families (captioning.vocabulary.FAMILY) and the generic "object" ("weitere Gegenstände").
FAMILY_NOUNS: dict[str, Noun] = {
    "animal": _n("Tier", "Tiere", "n"),
    "vehicle": _n("Fahrzeug", "Fahrzeuge", "n"),
    "food": _n("Lebensmittel", "Lebensmittel", "n"),
    "bag": _n("Tasche", "Taschen", "f"),
    "container": _n("Gefäß", "Gefäße", "n"),
    "utensil": _n("Besteckteil", "Besteckteile", "n"),
    "furniture": _n("Möbelstück", "Möbelstücke", "n"),
    "electronic": _n("Elektronikgerät", "Elektronikgeräte", "n"),
    "appliance": _n("Küchengerät", "Küchengeräte", "n"),
    "board": _n("Brett", "Bretter", "n"),
    "object": _n("Gegenstand", "Gegenstände", "m"),
}

# Certainty and quantity words.
HEDGE = "möglicherweise"
MANY = "viele"  # declined like a strong plural adjective: "viele Hunde", "vielen Hunden"
SOME = "einige"
AT_LEAST = "mindestens"  # "mindestens ein Hund", "mindestens zwei Hunde": English "one or more dogs"
OTHER = "weitere"  # "weitere Gegenstände", "zwei weitere Hunde", "ein weiterer Hund"
AND = "und"
OR = "oder"
GROUP_OF = "eine Gruppe von"  # + dative plural: "eine Gruppe von Personen" (people and animals)
# Things gather in an "Ansammlung" ("eine Ansammlung von Donuts"): "Gruppe" said of food or
# objects reads as a translation of "group" (review-de item 4).
GATHERING_OF = "eine Ansammlung von"
_GROUPS = frozenset(["person", "animal"])
AMONG_THEM = "darunter"
BOTH = "beide"
ALL = "alle"

# Where: captioning.geometry position keys -> German phrase (no article to agree with).
POSITIONS: dict[str, str] = {
    "left": "links",
    "right": "rechts",
    "centre": "in der Mitte",
    "top": "oben",
    "bottom": "unten",
    "upper left": "oben links",
    "upper right": "oben rechts",
    "lower left": "unten links",
    "lower right": "unten rechts",
    # An adverbial like "links" (no commas needed, unlike "über das ganze Bild verteilt").
    "across the photo": "überall im Bild",
}
MOSTLY = "überwiegend"  # "überwiegend links"

# How large: captioning.geometry size classes -> adjective stem (declined by :func:`adjective`).
SIZES: dict[str, str] = {
    "most": "sehr groß",
    "large": "groß",
    "medium": "mittelgroß",
    "small": "klein",
    "very small": "sehr klein",
}

# Relations (captioning.relations predicates). Every preposition here takes the dative for a
# place ("auf dem Tisch", "neben der Person", "vor dem Auto", "hinter dem Bus"); "halten" takes
# a direct object in the accusative ("hält den Regenschirm"), the alt says "mit" + dative.
RELATIONS: dict[str, RelationWords] = {
    # On a bicycle or motorcycle: "sitzt auf" (what the masks show; "fährt Fahrrad" has no article).
    "riding": RelationWords("auf", ("sitzt", "sitzen"), "auf", "dat"),
    "on": RelationWords("auf", ("befindet sich", "befinden sich"), "auf", "dat"),
    "holding": RelationWords("mit", ("hält", "halten"), "", "acc"),
    "in front of": RelationWords("vor", ("befindet sich", "befinden sich"), "vor", "dat"),
    "behind": RelationWords("hinter", ("befindet sich", "befinden sich"), "hinter", "dat"),
    "next to": RelationWords("neben", ("befindet sich", "befinden sich"), "neben", "dat"),
}
# Riding an animal is "reiten", standing on a board (or skis) "stehen": the verb follows the object.
BY_FAMILY: dict[tuple[str, str], RelationWords] = {
    ("riding", "animal"): RelationWords("auf", ("reitet", "reiten"), "auf", "dat"),
    ("riding", "board"): RelationWords("auf", ("steht", "stehen"), "auf", "dat"),
    ("on", "board"): RelationWords("auf", ("steht", "stehen"), "auf", "dat"),
}
# "befindet sich auf" five times in a row reads as officialese (review-de item 3): things that
# stand or lie on a surface say so ("Die Flasche steht auf dem Tisch", "Das Messer liegt auf dem
# Tisch"); people, animals and anything else keep "befindet sich".
_POSTURE = {
    **dict.fromkeys(
        ("bottle", "wine glass", "cup", "bowl", "vase", "potted plant", "clock"),
        ("steht", "stehen"),
    ),
    **dict.fromkeys(
        [
            *"knife fork spoon book remote broccoli pizza sandwich banana apple".split(),
            *"orange carrot donut scissors toothbrush".split(),
            "cell phone",
            "hot dog",
        ],
        ("liegt", "liegen"),
    ),
}
# The case "mit" takes in the alt ("eine Person mit einem Regenschirm") differs from the verb's.
ATTRIBUTIVE_CASE = "dat"

# -- grammar -----------------------------------------------------------------------------------
_DEFINITE = {
    "nom": {"m": "der", "f": "die", "n": "das", "pl": "die"},
    "acc": {"m": "den", "f": "die", "n": "das", "pl": "die"},
    "dat": {"m": "dem", "f": "der", "n": "dem", "pl": "den"},
    "gen": {"m": "des", "f": "der", "n": "des", "pl": "der"},
}
_INDEFINITE = {
    "nom": {"m": "ein", "f": "eine", "n": "ein"},
    "acc": {"m": "einen", "f": "eine", "n": "ein"},
    "dat": {"m": "einem", "f": "einer", "n": "einem"},
}
# Adjective endings after no article (strong), after "ein" (mixed) and after "der" (weak).
_STRONG = {
    "nom": {"m": "er", "f": "e", "n": "es", "pl": "e"},
    "acc": {"m": "en", "f": "e", "n": "es", "pl": "e"},
    "dat": {"m": "em", "f": "er", "n": "em", "pl": "en"},
}
_MIXED = {
    "nom": {"m": "er", "f": "e", "n": "es", "pl": "en"},
    "acc": {"m": "en", "f": "e", "n": "es", "pl": "en"},
    "dat": {"m": "en", "f": "en", "n": "en", "pl": "en"},
}
_WEAK = {
    "nom": {"m": "e", "f": "e", "n": "e", "pl": "en"},
    "acc": {"m": "en", "f": "e", "n": "e", "pl": "en"},
    "dat": {"m": "en", "f": "en", "n": "en", "pl": "en"},
}
_DECLENSION = {"strong": _STRONG, "mixed": _MIXED, "weak": _WEAK}


def noun(label: str) -> Noun:
    """The noun of a COCO label or back-off family; an unknown label is used as it is (neuter)."""
    return NOUNS.get(label) or FAMILY_NOUNS.get(label) or Noun(label, label, "n")


def noun_form(word: Noun, case: str = "nom", *, plural: bool = False) -> str:
    """``word`` in ``case``: the forms in ``cases`` first, else the regular endings (dative
    plural -n unless the plural ends in -n or -s: "den Hunden", "den Autos", "den Katzen")."""
    if case in word.cases:
        return word.cases[case][plural]
    if plural and case == "dat" and not word.plural.endswith(("n", "s")):
        return word.plural + "n"
    return word.plural if plural else word.singular


def adjective(stem: str, gender: str, case: str = "nom", *, plural: bool = False, declension: str = "strong") -> str:
    """``stem`` declined: ("klein", "m", declension="mixed") -> "kleiner" ("ein kleiner Hund").
    Only the last word of a phrase declines ("sehr klein" -> "sehr kleine")."""
    key = "pl" if plural else gender
    return stem + _DECLENSION[declension][case][key]


def definite_article(gender: str, case: str = "nom", *, plural: bool = False) -> str:
    return _DEFINITE[case]["pl" if plural else gender]


def indefinite_article(gender: str, case: str = "nom") -> str:
    return _INDEFINITE[case][gender]


def number_word(n: int, gender: str = "n", case: str = "nom") -> str:
    """``n`` in words: 1 declines like the indefinite article before a noun ("ein Hund", "eine
    Tasse", "einem Auto"); the others do not ("zwei", "einundzwanzig")."""
    if n < 0:
        raise ValueError(f"count must not be negative, got {n}")
    if n == 1:
        return indefinite_article(gender, case)
    return num2words(n, lang=CODE)


def plural_for(n: int) -> bool:
    """Whether ``n`` things take the plural (CLDR: only 1 is singular in German)."""
    return takes_plural(CODE, n)


def indefinite(word: Noun, case: str = "nom", *, size: str = "") -> str:
    """ "ein kleiner Hund", "eine Tasse", "einem großen Auto" (``size``: a size class, "small")."""
    adj = f"{adjective(SIZES[size], word.gender, case, declension='mixed')} " if size else ""
    return f"{indefinite_article(word.gender, case)} {adj}{noun_form(word, case)}"


def definite(word: Noun, case: str = "nom", *, plural: bool = False, size: str = "") -> str:
    """ "der Hund", "dem kleinen Hund", "den Bären", "die Hunde"."""
    adj = f"{adjective(SIZES[size], word.gender, case, plural=plural, declension='weak')} " if size else ""
    return f"{definite_article(word.gender, case, plural=plural)} {adj}{noun_form(word, case, plural=plural)}"


def counted(word: Noun, n: int, case: str = "nom", *, size: str = "") -> str:
    """ "ein Hund", "zwei kleine Hunde", "einundzwanzig Tassen"; "zwei Paar Ski"."""
    if not plural_for(n):
        return indefinite(word, case, size=size)
    adj = f"{adjective(SIZES[size], word.gender, case, plural=True)} " if size else ""
    return f"{number_word(n, word.gender, case)} {adj}{noun_form(word, case, plural=True)}"


def position_phrase(key: str) -> str:
    """A captioning.geometry position key in German ("upper left" -> "oben links", "mostly left"
    -> "überwiegend links")."""
    if key.startswith("mostly "):
        return f"{MOSTLY} {position_phrase(key.removeprefix('mostly '))}"
    return POSITIONS[key]


def relation_words(predicate: str, object_family: str | None = None) -> RelationWords:
    """The words for ``predicate``; riding an animal or a board has its own verb."""
    return BY_FAMILY.get((predicate, object_family or ""), RELATIONS[predicate])


def join_list(items: Sequence[str]) -> str:
    """ "a, b und c" (no comma before "und")."""
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {AND} " + items[-1]


# -- reading -----------------------------------------------------------------------------------
# Everyday words -> COCO label, besides the nouns above (whose every form is read too); ``""``:
# a phrase that contains a class word but names no object ("Bushaltestelle" is one word anyway).
SYNONYMS: dict[str, str] = {
    **dict.fromkeys(
        (
            "Mensch Menschen Leute Mann Männer Frau Frauen Kind Kinder Junge Jungen Mädchen Baby Babys "
            "Spieler Spielerin Spielerinnen Fahrer Fahrerin Reiter Reiterin Skifahrer Skifahrerin Surfer "
            "Surferin Jemand Personengruppe Menschenmenge"
        ).split(),
        "person",
    ),
    **dict.fromkeys("Rad Räder Fahrräder Velo Velos".split(), "bicycle"),
    **dict.fromkeys("Wagen Pkw Pkws Taxi Taxis Kleinbus".split(), "car"),
    **dict.fromkeys("Motorroller Roller Mofa Moped".split(), "motorcycle"),
    **dict.fromkeys("Flieger Jet Jets Passagierflugzeug".split(), "airplane"),
    **dict.fromkeys("Busse Reisebus Linienbus".split(), "bus"),
    **dict.fromkeys("Bahn Lokomotive Straßenbahn Tram".split(), "train"),
    **dict.fromkeys("Lkw Lkws Laster Lieferwagen Pick-up".split(), "truck"),
    **dict.fromkeys("Schiff Schiffe Segelboot Segelboote Kanu Kajak Fähre Jacht".split(), "boat"),
    **dict.fromkeys(["Verkehrsampel"], "traffic light"),
    **dict.fromkeys(["Feuerhydrant", "Feuerhydranten"], "fire hydrant"),
    **dict.fromkeys(["Stoppschilds", "Stopp-Schild"], "stop sign"),
    **dict.fromkeys(["Parkscheinautomat"], "parking meter"),
    **dict.fromkeys("Parkbank Sitzbank".split(), "bench"),
    **dict.fromkeys("Möwe Möwen Taube Tauben Ente Enten Gans Gänse Schwan".split(), "bird"),
    **dict.fromkeys("Kater Kätzchen".split(), "cat"),
    **dict.fromkeys("Welpe Welpen Hündchen".split(), "dog"),
    **dict.fromkeys("Pony Ponys".split(), "horse"),
    **dict.fromkeys("Lamm Lämmer".split(), "sheep"),
    **dict.fromkeys("Rind Rinder Stier Kalb Kälber Ochse".split(), "cow"),
    **dict.fromkeys("Eisbär Eisbären Braunbär".split(), "bear"),
    **dict.fromkeys("Schirm Schirme Sonnenschirm".split(), "umbrella"),
    **dict.fromkeys("Tasche Taschen Geldbörse".split(), "handbag"),
    **dict.fromkeys(["Schlips"], "tie"),
    **dict.fromkeys(["Gepäck", "Rollkoffer"], "suitcase"),
    **dict.fromkeys(["Frisbeescheibe", "Wurfscheibe"], "frisbee"),
    **dict.fromkeys("Ski Skier Skiern".split(), "skis"),
    **dict.fromkeys("Fußball Tennisball Basketball Volleyball".split(), "sports ball"),
    **dict.fromkeys(["Fanghandschuh"], "baseball glove"),
    **dict.fromkeys(["Surfboard"], "surfboard"),
    **dict.fromkeys(["Becher", "Kaffeetasse"], "cup"),
    **dict.fromkeys("Schale Schalen".split(), "bowl"),
    **dict.fromkeys("Burger Hamburger".split(), "sandwich"),
    **dict.fromkeys("Apfelsine Apfelsinen".split(), "orange"),
    **dict.fromkeys(
        ["Brokkoli", "Broccoli", "Stück Brokkoli", *"Brokkolistück Brokkolistücke Brokkolistücken".split()], "broccoli"
    ),
    **dict.fromkeys("Möhre Möhren Mohrrübe".split(), "carrot"),
    **dict.fromkeys(["Hot Dog", "Hot Dogs", "Hot-Dog"], "hot dog"),
    **dict.fromkeys("Torte Torten Törtchen Muffin".split(), "cake"),
    **dict.fromkeys(["Krapfen", "Doughnut"], "donut"),
    **dict.fromkeys("Hocker Sessel".split(), "chair"),
    **dict.fromkeys("Couch Couches".split(), "couch"),
    **dict.fromkeys("Pflanze Pflanzen Zimmerpflanze Blumentopf".split(), "potted plant"),
    **dict.fromkeys("Esstisch Schreibtisch Schreibtische".split(), "dining table"),
    **dict.fromkeys("Klo WC Urinal".split(), "toilet"),
    **dict.fromkeys("Fernsehen Bildschirm Bildschirme Monitor Monitore TV".split(), "tv"),
    **dict.fromkeys("Notebook Computer Rechner".split(), "laptop"),
    **dict.fromkeys(["Computermaus"], "mouse"),
    **dict.fromkeys(["Controller"], "remote"),
    **dict.fromkeys("Smartphone Smartphones Telefon Mobiltelefon".split(), "cell phone"),
    **dict.fromkeys(["Mikrowellenherd"], "microwave"),
    **dict.fromkeys("Ofen Herd".split(), "oven"),
    **dict.fromkeys("Spüle Spülbecken".split(), "sink"),
    **dict.fromkeys(["Wanduhr"], "clock"),
    **dict.fromkeys("Teddy Teddys Kuscheltier Plüschtier Stofftier".split(), "teddy bear"),
    **dict.fromkeys("Föhn Fön".split(), "hair drier"),
}

# The regular case forms not written in the tables (dative plural "Hunden", genitive "Hundes").
_INFLECTED: dict[str, str] = {}
for _label, _noun in NOUNS.items():
    _INFLECTED.setdefault(noun_form(_noun, "dat", plural=True), _label)
    if _noun.gender != "f" and not _noun.cases and " " not in _noun.singular:
        _INFLECTED.setdefault(_noun.singular + "s", _label)
        _INFLECTED.setdefault(_noun.singular + "es", _label)
_OBJECTS = reading_table(NOUNS, {**_INFLECTED, **SYNONYMS})


# -- the realiser (see captioning.lang for what a language module provides) ------------------------
NAME = "Deutsch"
SEPARATOR = ", "
CONJUNCTION = f" {AND} "

EMPTY_ALT = (
    "Keine erkennbaren Objekte; das Bild zeigt vielleicht eine Szene, Text oder Dinge, die das Modell nicht kennt."
)
EMPTY_LONG = (
    EMPTY_ALT
    + " Das Modell kennt nur 80 häufige Arten alltäglicher Dinge; es beschreibt keine Szenen und liest keinen Text."
)
BOXES_NOTE = (
    "Die Größenangaben sind nur ungefähr: Dieses Modell erfasst Objekte als Rechtecke, nicht in ihrer genauen Form."
)

#: Text read in the photo (keys as captioning.lang.en.PHRASES); ``{thing}`` comes from :func:`holder`
#: in the case the phrase needs (:data:`_HOLDER_CASE`). Quotes are German quotation marks.
PHRASES = {
    "on": "Text auf {thing}: {text}.",
    "alone": "Text: {text}.",
    "quote": "„{text}“",
    "list": ", ",
    "unclear_on": "{thing} trägt Text, der nicht klar lesbar ist.",
    "unclear_alone": "Es gibt Text, der nicht klar lesbar ist.",
    "plate": "{thing} hat ein sichtbares Kennzeichen (nicht wiedergegeben).",
    "mostly": "Das Bild besteht größtenteils aus Text. Er lautet: „{text}“.",
    "row": " / ",
    "no_objects": "Keine erkennbaren Objekte.",
}
_HOLDER_CASE = {"on": "dat", "unclear_on": "nom", "plate": "nom"}

# "most of the photo" as an adjective before the noun ("ein fast bildfüllender Hund"): a relative
# clause would need commas that a list in the alt text cannot close cleanly. Boxes claim extent,
# not coverage: "reichend" ("überspannen" is said of bridges and arches).
_MOST = {True: "fast bildfüllend", False: "fast über das ganze Bild reichend"}
# "einer der Hunde": the indefinite pronoun, by case and gender.
_ONE = {
    "nom": {"m": "einer", "f": "eine", "n": "eines"},
    "acc": {"m": "einen", "f": "eine", "n": "eines"},
    "dat": {"m": "einem", "f": "einer", "n": "einem"},
}
# Digits above twenty, as in English: a long German number word helps no one.
_WORDS_UP_TO = 20


def _count(n: int, gender: str = "n", case: str = "nom") -> str:
    return number_word(n, gender, case) if n <= _WORDS_UP_TO else str(n)


def _counted(word: Noun, n: int, case: str = "nom", *, size: str = "") -> str:
    if n == 1:
        return indefinite(word, case, size=size)
    adj = f"{adjective(SIZES[size], word.gender, case, plural=True)} " if size else ""
    return f"{_count(n, word.gender, case)} {adj}{noun_form(word, case, plural=True)}"


def _with_stem(word: Noun, stem: str, case: str = "nom") -> str:
    """ "ein fast bildfüllender Hund": an indefinite noun phrase with any adjective stem."""
    adj = adjective(stem, word.gender, case, declension="mixed")
    return f"{indefinite_article(word.gender, case)} {adj} {noun_form(word, case)}"


def _group(label: str, *, most: bool | None = None) -> str:
    """ "eine Gruppe von Personen", "eine Ansammlung von Donuts" (``most``: "eine fast
    bildfüllende Gruppe von Personen")."""
    group = GROUP_OF if (label in _GROUPS or _family(label) in _GROUPS) else GATHERING_OF
    members = noun_form(noun(label), "dat", plural=True)
    if most is None:
        return f"{group} {members}"
    article, head, of = group.split(" ")
    return f"{article} {adjective(_MOST[most], 'f', declension='mixed')} {head} {of} {members}"


def _join(items: Sequence[Sequence[Segment]]) -> list[Segment]:
    out: list[Segment] = []
    for k, item in enumerate(items):
        if k:
            out.append((CONJUNCTION if k == len(items) - 1 else SEPARATOR, None))
        out.extend(item)
    return out


def _family(label: str) -> str | None:
    return FAMILY.get(label)


def holder(thing: Holder, key: str) -> str:
    """ "dem Bus" ("Text auf dem Bus"), "der linke Bus" ("Der linke Bus trägt Text ...")."""
    return placed(noun(thing.label), _HOLDER_CASE.get(key, "nom"), thing.position)


# One of several told apart by its place: an attributive adjective, declined weak after "der"
# ("die linke Fernbedienung", "dem rechten Stuhl", "die mittlere Tasse"). A place adverb after the
# object reads as an adverbial of the verb: "hält die Fernbedienung links" = holds it on the left
# (review-de items 1 and 8; Duden, Die Grammatik: free adverbials stand in the middle field).
PLACE_ADJECTIVES = {"left": "link", "right": "recht", "top": "ober", "bottom": "unter", "centre": "mittler"}


def placed(word: Noun, case: str, position: str | None, *, plural: bool = False) -> str:
    """ "die linke Fernbedienung", "dem mittleren Stuhl"; a corner has no adjective: "der Bus unten
    rechts", and an object (accusative) "die Handtasche unten rechts im Bild" so that the place
    cannot be read as the verb's. A subject in the centre is "die Person in der Mitte": "die
    mittlere" would say there are three or more (native review), and as the subject the place
    cannot be read as the verb's."""
    if position == "centre" and case == "nom":
        article = definite_article(word.gender, case, plural=plural)
        return f"{article} {noun_form(word, case, plural=plural)} in der Mitte"
    if position in PLACE_ADJECTIVES:
        adj = adjective(PLACE_ADJECTIVES[position], word.gender, case, plural=plural, declension="weak")
        return f"{definite_article(word.gender, case, plural=plural)} {adj} {noun_form(word, case, plural=plural)}"
    text = f"{definite_article(word.gender, case, plural=plural)} {noun_form(word, case, plural=plural)}"
    if not position:
        return text
    return f"{text} {position_phrase(position)}" + (" im Bild" if case == "acc" else "")


def alt_mention(mention: AltMention, *, placed: bool, from_masks: bool) -> list[Segment]:
    """ "drei Hunde links", "möglicherweise eine Katze", "eine Person auf einem Pferd"."""
    word = noun(mention.label)
    link = (mention.label, mention.ids)
    most = placed and mention.place == "most" and mention.relation is None
    segments: list[Segment] = []
    if mention.certainty == "hedged":  # as in English: one, or "einige" (a number would claim too much)
        segments.append((f"{HEDGE} ", None))
        one = _with_stem(word, _MOST[from_masks]) if most else indefinite(word)
        segments.append((one if mention.count == 1 else f"{SOME} {word.plural}", link))
        most = most and mention.count != 1
    elif mention.quantity == "group":
        segments.append((_group(mention.label, most=from_masks if most else None), link))
        most = False
    elif mention.quantity == "many":
        segments.append((f"{MANY} {word.plural}", link))
    elif mention.quantity == "at_least":
        segments.append((f"{AT_LEAST} {_counted(word, mention.count)}", link))
    elif mention.count == 1 and most:
        segments.append((_with_stem(word, _MOST[from_masks]), link))
        most = False
    else:
        segments.append((_counted(word, mention.count), link))
    if mention.relation is not None:
        r = mention.relation
        words = relation_words(mention.relation.predicate, _family(r.label))
        other = indefinite(noun(r.label), ATTRIBUTIVE_CASE)
        segments += [(f" {words.attributive} ", None), (other, (r.label, r.ids))]
    elif placed and mention.place is not None and not most and mention.place != "most":
        segments.append((" " + position_phrase(mention.place), None))
    elif most:  # a number with "most of the photo" (not planned today): said after the noun
        segments.append((", " + _MOST[from_masks], None))
    return segments


#: How the items after a group of objects sharing a place are joined (lang/base.py ``around_groups``).
GROUP_REST = "last"


def group_conjunction(following: str) -> str:  # noqa: ARG001 - the same before any word
    """Before the last item of a list whose items include a list: "eine Person und ein Snowboard
    in der Mitte sowie weitere Gegenstände" ("sowie" joins the outer list, Duden)."""
    return " sowie "


def other_objects(*, hedged: bool) -> list[Segment]:
    others = f"{OTHER} {FAMILY_NOUNS['object'].plural}"
    return [(f"{HEDGE} {others}" if hedged else others, None)]


def long_sentence(s: Sentence, *, from_masks: bool, before: Sequence[Sequence[Segment]]) -> list[Segment]:
    """One sentence of the long description (capitalised and stopped by the caller)."""
    if isinstance(s, Members):
        return _hedged(s.hedged, _among(s.among, _members(s, from_masks)))
    if isinstance(s, Summary):
        return _hedged(s.hedged, _among(s.among, _summary(s)))
    if isinstance(s, Extra):
        return [(f"{HEDGE} ", None), *_extra(s)]
    if isinstance(s, Crowd):
        if s.place == "most":
            return [(_group(s.label, most=from_masks), (s.label, s.ids))]
        return [(_group(s.label), (s.label, s.ids)), (" " + position_phrase(s.place), None)]
    if isinstance(s, RelationSentence):
        return _relation(s)
    if isinstance(s, BoxesNote):
        return [(BOXES_NOTE, None)]
    raise TypeError(f"not a sentence: {s!r}")


def _where(position: str | None) -> Segment:
    """A place after a noun (" rechts"); nothing where the plan gives no place (never a made-up one)."""
    return (" " + position_phrase(position) if position else "", None)


def _hedged(hedged: bool, segments: list[Segment]) -> list[Segment]:
    return [(f"{HEDGE} ", None), *segments] if hedged else segments


def _among(among: bool, segments: list[Segment]) -> list[Segment]:
    return [(f"{AMONG_THEM} ", None), *segments] if among else segments


def _members(s: Members, from_masks: bool) -> list[Segment]:
    """ "ein mittelgroßer Hund rechts", "drei kleine Hunde links", "vier Elefanten: ein großer
    links, ..."."""
    word, label, link = noun(s.label), s.label, (s.label, s.ids)
    if s.count == 1:
        if s.size == "most":
            return [(_with_stem(word, _MOST[from_masks]), link)]
        return [(indefinite(word, size=s.size or ""), link), _where(s.position)]
    if not s.parts:
        return [
            (_counted(word, s.count, size=s.size or ""), link),
            _where(s.position),
        ]
    if s.size is not None:  # "zwei kleine Personen: eine links und eine in der Mitte"
        parts = [[(_one(p, word), (label, p.ids)), _where(p.position)] for p in s.parts]
        return [(_counted(word, s.count, size=s.size), link), (": ", None), *_join(parts)]
    if s.position is not None:  # "vier Elefanten in der Mitte: zwei große und ein kleiner"
        parts = [[(_one(p, word), (label, p.ids))] for p in s.parts]
        return [(_counted(word, s.count), link), (f" {position_phrase(s.position)}: ", None), *_join(parts)]
    parts = [[(_one(p, word), (label, p.ids)), _where(p.position)] for p in s.parts]
    return [(_counted(word, s.count), link), (": ", None), *_join(parts)]


def _one(part: Part, word: Noun) -> str:
    """The noun left out: "einer" / "eine" / "eines", "zwei"; with a size "ein großer", "eine
    kleine", "zwei große"."""
    if part.size is None:
        return _ONE["nom"][word.gender] if part.count == 1 else _count(part.count, word.gender)
    stem = SIZES[part.size]
    if part.count == 1:
        return f"{indefinite_article(word.gender)} {adjective(stem, word.gender, declension='mixed')}"
    return f"{_count(part.count, word.gender)} {adjective(stem, word.gender, plural=True)}"


def _extra(s: Extra) -> list[Segment]:
    """ "ein weiterer kleiner Hund links", "zwei weitere Hunde rechts"."""
    word, link = noun(s.label), (s.label, s.ids)
    where = (" " + position_phrase(s.position), None)
    if s.count == 1:
        g = word.gender
        other = adjective("weiter", g, declension="mixed")
        size = f"{adjective(SIZES[s.size], g, declension='mixed')} " if s.size else ""
        return [(f"{indefinite_article(g)} {other} {size}{word.singular}", link), where]
    amount = MANY if s.many else _count(s.count, word.gender)
    return [(f"{amount} {OTHER} {word.plural}", link), where]


def _summary(s: Summary) -> list[Segment]:
    """ "elf Bücher überall im Bild, alle klein; das größte ist mittelgroß und links"."""
    word = noun(s.label)
    spread = ALL if s.all_same else "die meisten davon"  # "die meisten" alone is terse
    segments: list[Segment] = [
        (_counted(word, s.count), (s.label, s.ids)),
        (f" {position_phrase(s.position)}, {spread} {SIZES[s.size]}", None),
    ]
    if s.largest is not None:
        largest = f"{definite_article(word.gender)} größte"
        segments.append(("; ", None))
        segments.append((largest, (s.label, (s.largest.id,))))
        segments.append((f" ist {SIZES[s.largest.size]} und {position_phrase(s.largest.position)}", None))
    return segments


def _ref(ref: Ref, case: str) -> Segment:
    """ "der Hund", "dem linken Hund", "einer der Hunde", "zwei der Tassen", "beide Tassen", "alle
    drei Tassen", "den drei Tassen"."""
    word, link = noun(ref.label), (ref.label, ref.ids)
    if ref.label in _ON_SKIS and ref.kind in ("the", "placed") and case == "dat":
        # "auf den Skiern", not "auf dem Paar Ski" (review-de item 2): the measure noun is for counting.
        return (placed(_ON_SKIS[ref.label], case, ref.position, plural=True), link)
    if ref.kind == "the":
        return (definite(word, case), link)
    if ref.kind == "placed":
        return (placed(word, case, ref.position), link)
    plural_gen = word.plural  # the genitive plural is the nominative plural ("der Bären")
    if ref.kind == "one_of":
        return (f"{_ONE[case][word.gender]} der {plural_gen}", link)
    if ref.kind == "some_of":
        return (f"{_count(len(ref.ids), word.gender)} der {plural_gen}", link)
    many = noun_form(word, case, plural=True)
    if ref.kind == "the_all":
        return (f"{definite_article(word.gender, case, plural=True)} {_count(ref.total, word.gender)} {many}", link)
    if ref.total == 2:  # "beide Tassen", "auf beiden Tischen" (declined like a weak adjective)
        return (f"{adjective('beid', word.gender, case, plural=True)} {many}", link)
    return (f"{adjective('all', word.gender, case, plural=True)} {_count(ref.total, word.gender)} {many}", link)


# Skis as the place of a relation: plural "die Ski(er)", dative "den Skiern" (Duden: Ski, Plural Ski
# or Skier). Only in the long description: the alt keeps "auf einem Paar Ski", whose article states
# the one pair English states ("a pair of skis"), which a bare "auf Skiern" would not.
_ON_SKIS = {"skis": Noun("Ski", "Skier", "m", {"dat": ("Ski", "Skiern")})}


def _relation(s: RelationSentence) -> list[Segment]:
    """ "Die linke Person reitet auf dem Pferd.", "Drei der Tassen stehen auf dem Tisch.",
    "Die zwei Personen reiten jeweils auf einem der Pferde."."""
    words = relation_words(s.predicate, _family(s.object.label))
    postures = {_POSTURE.get(r.label) for r in (s.subject, *s.also)}
    if s.predicate == "on" and words is RELATIONS["on"] and len(postures) == 1 and None not in postures:
        # "stehen" / "liegen" when every subject takes it, else "befinden sich".
        words = RelationWords(words.attributive, _POSTURE[s.subject.label], words.preposition, words.case)
    verb = words.verb[1 if (s.plural or s.each) else 0]
    middle = f" {verb} " + ("jeweils " if s.each else "") + (f"{words.preposition} " if words.preposition else "")
    subjects = _join([[_ref(r, "nom")] for r in (s.subject, *s.also)])
    return [*subjects, (middle, None), _ref(s.object, words.case)]


def _declined(*stems: str) -> set[str]:
    return {fold(stem + ending) for stem in stems for ending in ("", "e", "er", "es", "en", "em")}


_ARTICLES = {fold(a) for forms in _INDEFINITE.values() for a in forms.values()}
READING = FoldedReadingWords(
    objects=_OBJECTS,
    families={
        **family_table(FAMILY_NOUNS),
        **{fold(noun_form(w, "dat", plural=True)): f for f, w in FAMILY_NOUNS.items() if f != "object"},
    },
    numbers={**dict.fromkeys(_ARTICLES, 1), **{fold(num2words(n, lang=CODE)): n for n in range(2, 13)}},
    articles=frozenset(_ARTICLES),
    floor=("mindestens",),
    floor_before=("mindestens",),
    hedges=frozenset([fold(HEDGE)]),
    # Words between "möglicherweise" and its noun: "möglicherweise eine kleine Tasse", "möglicherweise
    # zwei weitere Hunde", "möglicherweise eine Gruppe von Personen".
    hedge_gap=frozenset(
        _ARTICLES
        | _declined("klein", "groß", "mittelgroß", "weiter", "viel", "einig")
        | {"sehr", "mindestens", "gruppe", "ansammlung", "von"}
    ),
    # "ein fast bildfüllender Hund" / "ein fast über das ganze Bild reichender Hund" count one dog.
    ignore=frozenset({"fast", "uber", "das", "ganze", "bild"} | _declined("bildfullend", "reichend")),
    relations=(" auf einem ", " auf einer ", " mit einem ", " mit einer ", " neben ", " vor ", " hinter "),
)
