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

from captioning.lang.words import Noun, RelationWords, find_words, reading_table, takes_plural

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
    # Broccoli is a mass noun in German too: "ein Stück Brokkoli", "drei Stück Brokkoli".
    "broccoli": Noun("Stück Brokkoli", "Stück Brokkoli", "n", {"dat": ("Stück Brokkoli", "Stück Brokkoli")}),
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
AT_LEAST = "mindestens"  # "mindestens zwei Hunde": English "two or more dogs"
OTHER = "weitere"  # "weitere Gegenstände", "zwei weitere Hunde", "ein weiterer Hund"
AND = "und"
OR = "oder"
GROUP_OF = "eine Gruppe von"  # + dative plural: "eine Gruppe von Personen"
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
    "across the photo": "über das ganze Foto verteilt",
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
# "a dog filling most of the photo": a relative clause, its pronoun agreeing with the noun.
FILLING = "den Großteil des Fotos ausfüllt"
SPANNING = "sich über den Großteil des Fotos erstreckt"

# Relations (captioning.relations predicates). Every preposition here takes the dative for a
# place ("auf dem Tisch", "neben der Person", "vor dem Auto", "hinter dem Bus"); "halten" takes
# a direct object in the accusative ("hält den Regenschirm"), the alt says "mit" + dative.
RELATIONS: dict[str, RelationWords] = {
    "riding": RelationWords("auf", ("fährt", "fahren"), "auf", "dat"),
    "on": RelationWords("auf", ("ist", "sind"), "auf", "dat"),
    "holding": RelationWords("mit", ("hält", "halten"), "", "acc"),
    "in front of": RelationWords("vor", ("ist", "sind"), "vor", "dat"),
    "behind": RelationWords("hinter", ("ist", "sind"), "hinter", "dat"),
    "next to": RelationWords("neben", ("ist", "sind"), "neben", "dat"),
}
# Riding an animal is "reiten", standing on a board "stehen": the verb follows what is ridden.
RIDING_BY_FAMILY: dict[str, RelationWords] = {
    "animal": RelationWords("auf", ("reitet", "reiten"), "auf", "dat"),
    "board": RelationWords("auf", ("steht", "stehen"), "auf", "dat"),
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
    if predicate == "riding" and object_family in RIDING_BY_FAMILY:
        return RIDING_BY_FAMILY[object_family]
    return RELATIONS[predicate]


def relative_pronoun(gender: str, *, plural: bool = False) -> str:
    """ "der", "die", "das" (nominative), for "ein Hund, der den Großteil des Fotos ausfüllt"."""
    return definite_article(gender, "nom", plural=plural)


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
    **dict.fromkeys("Ski Skier".split(), "skis"),
    **dict.fromkeys("Fußball Tennisball Basketball Volleyball".split(), "sports ball"),
    **dict.fromkeys(["Fanghandschuh"], "baseball glove"),
    **dict.fromkeys(["Surfboard"], "surfboard"),
    **dict.fromkeys(["Becher", "Kaffeetasse"], "cup"),
    **dict.fromkeys("Schale Schalen".split(), "bowl"),
    **dict.fromkeys("Burger Hamburger".split(), "sandwich"),
    **dict.fromkeys("Apfelsine Apfelsinen".split(), "orange"),
    **dict.fromkeys("Brokkoli Broccoli".split(), "broccoli"),
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
READING: dict[str, str] = reading_table(NOUNS, FAMILY_NOUNS, {**_INFLECTED, **SYNONYMS})


def find_objects(text: str) -> list[tuple[int, str, str]]:
    """``(token index, label or "family:<name>", phrase)`` for every object word of ``text``."""
    return list(find_words(READING, text))
