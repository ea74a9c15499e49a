"""French: every French word the captioner and search use, and the grammar that puts them together.

Nouns are written out with gender and plural (Larousse; 1990 spelling reform where it gives a
regular plural: "sandwichs"). The article elides before a vowel or a mute h ("l'avion",
"l'horloge") but not before an aspirated h ("le hot-dog", Larousse marks it); "à" and "de"
contract with "le" and "les" ("au centre", "à côté du chien", "aux"). Size adjectives agree in
gender and number; "grand" and "petit" go before the noun ("une petite tasse"), "de taille
moyenne" after it. Number words come from num2words, made feminine where French says so ("une",
"vingt et une").
"""

from __future__ import annotations

from collections.abc import Sequence

from num2words import num2words

from captioning.lang.words import Noun, RelationWords, find_words, fold, reading_table, takes_plural

CODE = "fr"


def _n(singular: str, plural: str, gender: str, *, elides: bool | None = None) -> Noun:
    return Noun(singular, plural, gender, elides=elides)


NOUNS: dict[str, Noun] = {
    "person": _n("personne", "personnes", "f"),
    "bicycle": _n("vélo", "vélos", "m"),
    "car": _n("voiture", "voitures", "f"),
    "motorcycle": _n("moto", "motos", "f"),
    "airplane": _n("avion", "avions", "m"),
    "bus": _n("bus", "bus", "m"),
    "train": _n("train", "trains", "m"),
    "truck": _n("camion", "camions", "m"),
    "boat": _n("bateau", "bateaux", "m"),
    "traffic light": _n("feu de signalisation", "feux de signalisation", "m"),
    "fire hydrant": _n("bouche d'incendie", "bouches d'incendie", "f"),
    "stop sign": _n("panneau stop", "panneaux stop", "m"),
    "parking meter": _n("parcmètre", "parcmètres", "m"),
    "bench": _n("banc", "bancs", "m"),
    "bird": _n("oiseau", "oiseaux", "m"),
    "cat": _n("chat", "chats", "m"),
    "dog": _n("chien", "chiens", "m"),
    "horse": _n("cheval", "chevaux", "m"),
    "sheep": _n("mouton", "moutons", "m"),
    "cow": _n("vache", "vaches", "f"),
    "elephant": _n("éléphant", "éléphants", "m"),
    "bear": _n("ours", "ours", "m"),
    "zebra": _n("zèbre", "zèbres", "m"),
    "giraffe": _n("girafe", "girafes", "f"),
    "backpack": _n("sac à dos", "sacs à dos", "m"),
    "umbrella": _n("parapluie", "parapluies", "m"),
    "handbag": _n("sac à main", "sacs à main", "m"),
    "tie": _n("cravate", "cravates", "f"),
    "suitcase": _n("valise", "valises", "f"),
    "frisbee": _n("frisbee", "frisbees", "m"),
    "skis": _n("paire de skis", "paires de skis", "f"),
    "snowboard": _n("snowboard", "snowboards", "m"),
    "sports ball": _n("ballon", "ballons", "m"),
    "kite": _n("cerf-volant", "cerfs-volants", "m"),
    "baseball bat": _n("batte de baseball", "battes de baseball", "f"),
    "baseball glove": _n("gant de baseball", "gants de baseball", "m"),
    "skateboard": _n("skateboard", "skateboards", "m"),
    "surfboard": _n("planche de surf", "planches de surf", "f"),
    "tennis racket": _n("raquette de tennis", "raquettes de tennis", "f"),
    "bottle": _n("bouteille", "bouteilles", "f"),
    "wine glass": _n("verre à vin", "verres à vin", "m"),
    "cup": _n("tasse", "tasses", "f"),
    "fork": _n("fourchette", "fourchettes", "f"),
    "knife": _n("couteau", "couteaux", "m"),
    "spoon": _n("cuillère", "cuillères", "f"),
    "bowl": _n("bol", "bols", "m"),
    "banana": _n("banane", "bananes", "f"),
    "apple": _n("pomme", "pommes", "f"),
    "sandwich": _n("sandwich", "sandwichs", "m"),
    "orange": _n("orange", "oranges", "f"),
    "broccoli": _n("brocoli", "brocolis", "m"),
    "carrot": _n("carotte", "carottes", "f"),
    # h aspiré: "le hot-dog", "du hot-dog" (Larousse).
    "hot dog": _n("hot-dog", "hot-dogs", "m", elides=False),
    "pizza": _n("pizza", "pizzas", "f"),
    "donut": _n("donut", "donuts", "m"),
    "cake": _n("gâteau", "gâteaux", "m"),
    "chair": _n("chaise", "chaises", "f"),
    "couch": _n("canapé", "canapés", "m"),
    "potted plant": _n("plante en pot", "plantes en pot", "f"),
    "bed": _n("lit", "lits", "m"),
    "dining table": _n("table", "tables", "f"),
    # "les toilettes" is the room; the fixture one can count is the bowl.
    "toilet": _n("cuvette de toilettes", "cuvettes de toilettes", "f"),
    "tv": _n("télévision", "télévisions", "f"),
    "laptop": _n("ordinateur portable", "ordinateurs portables", "m"),
    "mouse": _n("souris", "souris", "f"),
    "remote": _n("télécommande", "télécommandes", "f"),
    "keyboard": _n("clavier", "claviers", "m"),
    "cell phone": _n("téléphone", "téléphones", "m"),
    "microwave": _n("micro-ondes", "micro-ondes", "m"),
    "oven": _n("four", "fours", "m"),
    "toaster": _n("grille-pain", "grille-pain", "m"),
    "sink": _n("lavabo", "lavabos", "m"),
    "refrigerator": _n("réfrigérateur", "réfrigérateurs", "m"),
    "book": _n("livre", "livres", "m"),
    "clock": _n("horloge", "horloges", "f"),
    "vase": _n("vase", "vases", "m"),
    "scissors": _n("paire de ciseaux", "paires de ciseaux", "f"),
    "teddy bear": _n("ours en peluche", "ours en peluche", "m"),
    "hair drier": _n("sèche-cheveux", "sèche-cheveux", "m"),
    "toothbrush": _n("brosse à dents", "brosses à dents", "f"),
}

FAMILY_NOUNS: dict[str, Noun] = {
    "animal": _n("animal", "animaux", "m"),
    "vehicle": _n("véhicule", "véhicules", "m"),
    "food": _n("aliment", "aliments", "m"),
    "bag": _n("sac", "sacs", "m"),
    "container": _n("récipient", "récipients", "m"),
    "utensil": _n("couvert", "couverts", "m"),
    "furniture": _n("meuble", "meubles", "m"),
    "electronic": _n("appareil électronique", "appareils électroniques", "m"),
    "appliance": _n("appareil électroménager", "appareils électroménagers", "m"),
    "board": _n("planche", "planches", "f"),
    "object": _n("objet", "objets", "m"),
}

HEDGE = "peut-être"
MANY = "beaucoup de"  # "beaucoup de chiens", "beaucoup d'éléphants"
SOME = {"m": "plusieurs", "f": "plusieurs"}  # "peut-être plusieurs chiens"
AT_LEAST = "au moins"  # "au moins deux chiens": English "two or more dogs"
OTHER = {"m": "autre", "f": "autre"}  # "un autre chien", "deux autres chiens", "d'autres objets"
AND = "et"
OR = "ou"
GROUP_OF = "un groupe de"
AMONG_THEM = {"m": "parmi eux", "f": "parmi elles"}
BOTH = {"m": "les deux", "f": "les deux"}
ALL = {"m": "tous les", "f": "toutes les"}

POSITIONS: dict[str, str] = {
    "left": "à gauche",
    "right": "à droite",
    "centre": "au centre",
    "top": "en haut",
    "bottom": "en bas",
    "upper left": "en haut à gauche",
    "upper right": "en haut à droite",
    "lower left": "en bas à gauche",
    "lower right": "en bas à droite",
    "across the photo": "dans toute la photo",
}
MOSTLY = "surtout"  # "surtout à gauche"

# Size class -> (masculine singular, feminine singular, masculine plural, feminine plural, before
# the noun?). "grand" and "petit" precede the noun; the phrase "de taille moyenne" follows it.
SIZES: dict[str, tuple[str, str, str, str, bool]] = {
    "most": ("très grand", "très grande", "très grands", "très grandes", True),
    "large": ("grand", "grande", "grands", "grandes", True),
    "medium": ("de taille moyenne", "de taille moyenne", "de taille moyenne", "de taille moyenne", False),
    "small": ("petit", "petite", "petits", "petites", True),
    "very small": ("très petit", "très petite", "très petits", "très petites", True),
}
FILLING = "qui remplit la majeure partie de la photo"
SPANNING = "qui s'étend sur la majeure partie de la photo"

RELATIONS: dict[str, RelationWords] = {
    "riding": RelationWords("sur", ("est", "sont"), "sur"),
    "on": RelationWords("sur", ("est", "sont"), "sur"),
    "holding": RelationWords("avec", ("tient", "tiennent"), ""),
    "in front of": RelationWords("devant", ("est", "sont"), "devant"),
    "behind": RelationWords("derrière", ("est", "sont"), "derrière"),
    "next to": RelationWords("à côté de", ("est", "sont"), "à côté de"),
}
# One "monte" a horse or an elephant ("La personne monte le cheval").
RIDING_BY_FAMILY: dict[str, RelationWords] = {
    "animal": RelationWords("sur", ("monte", "montent"), ""),
}


# -- grammar -----------------------------------------------------------------------------------
def noun(label: str) -> Noun:
    """The noun of a COCO label or back-off family; an unknown label is used as it is (masculine)."""
    return NOUNS.get(label) or FAMILY_NOUNS.get(label) or Noun(label, label, "m")


def elides_before(word: str, noun_: Noun | None = None) -> bool:
    """Whether "le", "la", "de", "que" elide before ``word``: a vowel or a mute h, unless the noun
    says otherwise (an aspirated h: "le hot-dog")."""
    if noun_ is not None and noun_.elides is not None and word == noun_.singular:
        return noun_.elides
    first = fold(word)[:1]
    return first in ("a", "e", "i", "o", "u", "y", "h")


def size_adjective(size: str, gender: str, *, plural: bool = False) -> tuple[str, bool]:
    """``(adjective, before the noun?)``: ("small", "f") -> ("petite", True)."""
    forms = SIZES[size]
    return forms[(2 if plural else 0) + (gender == "f")], forms[4]


def noun_group(word: Noun, *, plural: bool = False, size: str = "") -> str:
    """Noun with its size adjective in place: "petite tasse", "tasse de taille moyenne"."""
    text = word.plural if plural else word.singular
    if not size:
        return text
    adj, before = size_adjective(size, word.gender, plural=plural)
    return f"{adj} {text}" if before else f"{text} {adj}"


def _with_article(article: str, rest: str, word: Noun) -> str:
    """ "le" + "avion" -> "l'avion"; "la" + "petite tasse" -> "la petite tasse"."""
    if article in ("le", "la") and elides_before(rest.split(" ", 1)[0], word):
        return f"l'{rest}"
    return f"{article} {rest}"


def indefinite(word: Noun, *, size: str = "") -> str:
    """ "un chien", "une petite tasse", "une tasse de taille moyenne"."""
    return f"{'une' if word.gender == 'f' else 'un'} {noun_group(word, size=size)}"


def definite(word: Noun, *, plural: bool = False, size: str = "") -> str:
    """ "le chien", "l'avion", "le hot-dog", "les petites tasses"."""
    rest = noun_group(word, plural=plural, size=size)
    if plural:
        return f"les {rest}"
    return _with_article("la" if word.gender == "f" else "le", rest, word)


def number_word(n: int, gender: str = "m") -> str:
    """``n`` in words, feminine where French makes it so: 1 -> "un"/"une", 21 -> "vingt et un" /
    "vingt et une" (Grevisse: "un" agrees in compound numbers too)."""
    if n < 0:
        raise ValueError(f"count must not be negative, got {n}")
    words = num2words(n, lang=CODE)
    if gender == "f" and (words == "un" or words.endswith((" un", "-un"))):
        words += "e"
    return words


def plural_for(n: int) -> bool:
    """Whether ``n`` things take the plural (CLDR: 0 and 1 are singular in French)."""
    return takes_plural(CODE, n)


def counted(word: Noun, n: int, *, size: str = "") -> str:
    """ "un chien", "deux petites tasses", "vingt et une tasses"."""
    if n == 1:
        return indefinite(word, size=size)
    return f"{number_word(n, word.gender)} {noun_group(word, plural=plural_for(n), size=size)}"


def with_preposition(preposition: str, phrase: str) -> tuple[str, str]:
    """Preposition and noun phrase with French contraction and elision, split so that the second
    part starts with the (contracted) article: ("à côté de", "le chien") -> ("à côté ", "du
    chien"); ("à", "les tables") -> ("", "aux tables"); ("de", "une tasse") -> ("", "d'une tasse");
    ("sur", "la table") -> ("sur ", "la table")."""
    if not preposition:
        return "", phrase
    head, _, last = preposition.rpartition(" ")
    lead = f"{head} " if head else ""
    if last in ("à", "de"):
        article, _, rest = phrase.partition(" ")
        contracted = {("à", "le"): "au", ("à", "les"): "aux", ("de", "le"): "du", ("de", "les"): "des"}
        if (last, article) in contracted and rest:
            return lead, f"{contracted[last, article]} {rest}"
        if last == "de" and elides_before(phrase.split(" ", 1)[0]):
            return lead, f"d'{phrase}"
    return f"{preposition} ", phrase


def position_phrase(key: str) -> str:
    if key.startswith("mostly "):
        return f"{MOSTLY} {position_phrase(key.removeprefix('mostly '))}"
    return POSITIONS[key]


def relation_words(predicate: str, object_family: str | None = None) -> RelationWords:
    if predicate == "riding" and object_family in RIDING_BY_FAMILY:
        return RIDING_BY_FAMILY[object_family]
    return RELATIONS[predicate]


def join_list(items: Sequence[str]) -> str:
    """ "a, b et c" (no comma before "et")."""
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {AND} " + items[-1]


# -- reading -----------------------------------------------------------------------------------
SYNONYMS: dict[str, str] = {
    **dict.fromkeys(
        (
            "gens homme hommes femme femmes enfant enfants garçon garçons fille filles bébé bébés "
            "joueur joueurs joueuse joueuses skieur skieurs surfeur surfeurs cycliste cyclistes "
            "cavalier cavalière quelqu'un foule"
        ).split(),
        "person",
    ),
    **dict.fromkeys("bicyclette bicyclettes vélos".split(), "bicycle"),
    **dict.fromkeys("auto autos taxi taxis".split(), "car"),
    **dict.fromkeys("motocyclette scooter scooters".split(), "motorcycle"),
    **dict.fromkeys("jet jets aéronef".split(), "airplane"),
    **dict.fromkeys(["autobus", "autocar"], "bus"),
    **dict.fromkeys("tramway tram locomotive métro".split(), "train"),
    **dict.fromkeys(["camionnette", "poids lourd"], "truck"),
    **dict.fromkeys("navire navires voilier voiliers barque canoë kayak ferry".split(), "boat"),
    **dict.fromkeys(["feu rouge", "feu tricolore", "feux tricolores"], "traffic light"),
    **dict.fromkeys(["borne d'incendie", "borne incendie"], "fire hydrant"),
    **dict.fromkeys(["panneau de stop", "stop"], "stop sign"),
    **dict.fromkeys("mouette mouettes pigeon pigeons canard canards oie oies cygne".split(), "bird"),
    **dict.fromkeys("chaton chatons".split(), "cat"),
    **dict.fromkeys("chiot chiots".split(), "dog"),
    **dict.fromkeys("poney poneys".split(), "horse"),
    **dict.fromkeys("agneau agneaux brebis".split(), "sheep"),
    **dict.fromkeys("taureau taureaux veau veaux bœuf bovin bovins".split(), "cow"),
    **dict.fromkeys(["ours polaire", "ours brun"], "bear"),
    **dict.fromkeys("parasol ombrelle".split(), "umbrella"),
    **dict.fromkeys(["sacoche", "sac à main"], "handbag"),
    **dict.fromkeys("bagage bagages".split(), "suitcase"),
    **dict.fromkeys("ski skis".split(), "skis"),
    **dict.fromkeys("balle balles".split(), "sports ball"),
    **dict.fromkeys(["batte"], "baseball bat"),
    **dict.fromkeys(["gant"], "baseball glove"),
    **dict.fromkeys(["planche à roulettes"], "skateboard"),
    **dict.fromkeys(["raquette", "raquettes"], "tennis racket"),
    **dict.fromkeys(["verre", "verres", "verre de vin"], "wine glass"),
    **dict.fromkeys("mug mugs gobelet gobelets".split(), "cup"),
    **dict.fromkeys(["cuiller"], "spoon"),
    **dict.fromkeys("hamburger hamburgers burger burgers sandwiches".split(), "sandwich"),
    **dict.fromkeys(["hot dog", "hotdog"], "hot dog"),
    **dict.fromkeys("beignet beignets".split(), "donut"),
    **dict.fromkeys("tarte tartes".split(), "cake"),
    **dict.fromkeys("tabouret tabourets fauteuil".split(), "chair"),
    **dict.fromkeys("sofa sofas".split(), "couch"),
    **dict.fromkeys("plante plantes".split(), "potted plant"),
    **dict.fromkeys("bureau".split(), "dining table"),
    **dict.fromkeys("toilettes wc".split(), "toilet"),
    **dict.fromkeys("télé télés téléviseur téléviseurs écran écrans".split(), "tv"),
    **dict.fromkeys("ordinateur ordinateurs".split(), "laptop"),
    **dict.fromkeys(["smartphone", "téléphone portable", "mobile"], "cell phone"),
    **dict.fromkeys(["four à micro-ondes"], "microwave"),
    **dict.fromkeys(["cuisinière"], "oven"),
    **dict.fromkeys(["évier", "éviers"], "sink"),
    **dict.fromkeys("frigo frigos".split(), "refrigerator"),
    **dict.fromkeys(["pendule"], "clock"),
    **dict.fromkeys(["ciseaux"], "scissors"),
    **dict.fromkeys("peluche peluches nounours".split(), "teddy bear"),
    **dict.fromkeys(["brosse à dent"], "toothbrush"),
}

READING: dict[str, str] = reading_table(NOUNS, FAMILY_NOUNS, SYNONYMS)


def find_objects(text: str) -> list[tuple[int, str, str]]:
    """``(token index, label or "family:<name>", phrase)`` for every object word of ``text``."""
    return list(find_words(READING, text))
