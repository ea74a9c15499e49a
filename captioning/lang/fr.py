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

from captioning.lang.base import Link, Segment
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
    # Small balls (tennis, baseball, golf) are "balles", inflated ones "ballons"; COCO's are mostly
    # small (review-fr item 11).
    "sports ball": _n("balle", "balles", "f"),
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
    # What COCO boxes is a piece: "un brocoli" is a whole head (review-fr item 3).
    "broccoli": _n("morceau de brocoli", "morceaux de brocoli", "m"),
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
GROUP_OF = "un groupe"  # + "de personnes", "d'éléphants"
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
    "across the photo": "un peu partout sur la photo",  # invariable (review-fr item 6)
}
# "Douze personnes, principalement au centre, la plupart …": set off by commas, else the adverb
# seems to modify the noun (review-fr item 7); see :func:`_place`.
MOSTLY = "principalement"

# Size class -> (masculine singular, feminine singular, masculine plural, feminine plural, before
# the noun?). "grand" and "petit" precede the noun; the phrase "de taille moyenne" follows it.
SIZES: dict[str, tuple[str, str, str, str, bool]] = {
    "most": ("très grand", "très grande", "très grands", "très grandes", True),
    "large": ("grand", "grande", "grands", "grandes", True),
    "medium": ("de taille moyenne", "de taille moyenne", "de taille moyenne", "de taille moyenne", False),
    "small": ("petit", "petite", "petits", "petites", True),
    "very small": ("très petit", "très petite", "très petits", "très petites", True),
}
# A person's size in the photo goes after the noun with "taille": "une grande personne" means a
# grown-up, "une petite personne" a child.
SIZES_BY_HEIGHT: dict[str, str] = {
    "most": "de très grande taille",
    "large": "de grande taille",
    "medium": "de taille moyenne",
    "small": "de petite taille",
    "very small": "de très petite taille",
}
_BY_HEIGHT = frozenset(["person"])
FILLING = "qui occupe la majeure partie de la photo"  # "occuper" for an area (review-fr item 9)
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
BY_FAMILY: dict[tuple[str, str], RelationWords] = {
    ("riding", "animal"): RelationWords("sur", ("monte", "montent"), ""),
}


# -- grammar -----------------------------------------------------------------------------------
def noun(label: str) -> Noun:
    """The noun of a COCO label or back-off family; an unknown label is used as it is (masculine)."""
    return NOUNS.get(label) or FAMILY_NOUNS.get(label) or Noun(label, label, "m")


def elides_before(word: str, noun_: Noun | None = None) -> bool:
    """Whether "le", "la", "de", "que" elide before ``word``: a vowel or a mute h, unless the noun
    says otherwise (an aspirated h: "le hot-dog", "de hot-dogs")."""
    if noun_ is not None and noun_.elides is not None and word in (noun_.singular, noun_.plural):
        return noun_.elides
    first = fold(word)[:1]
    return first in ("a", "e", "i", "o", "u", "y", "h")


def size_adjective(size: str, gender: str, *, plural: bool = False, label: str = "") -> tuple[str, bool]:
    """``(adjective, before the noun?)``: ("small", "f") -> ("petite", True); a person ("person")
    -> ("de petite taille", False)."""
    if label in _BY_HEIGHT:
        return SIZES_BY_HEIGHT[size], False
    forms = SIZES[size]
    return forms[(2 if plural else 0) + (gender == "f")], forms[4]


def _label_of(word: Noun) -> str:
    return next((label for label, n in NOUNS.items() if n is word), "")


def noun_group(word: Noun, *, plural: bool = False, size: str = "") -> str:
    """Noun with its size adjective in place: "petite tasse", "tasse de taille moyenne"."""
    text = word.plural if plural else word.singular
    if not size:
        return text
    adj, before = size_adjective(size, word.gender, plural=plural, label=_label_of(word))
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


# A place after a noun it tells apart: "le bol de gauche", "la personne du centre", "le bol du
# bas"; the corners keep the adverb ("la tasse en haut à droite").
_ATTRIBUTIVE = {"left": "de gauche", "right": "de droite", "centre": "du centre", "top": "du haut", "bottom": "du bas"}


def _place(key: str) -> str:
    """A place after a noun: " à gauche"; a mostly-place set off by a comma ("douze personnes,
    principalement au centre, la plupart …"), whose closing comma is the next separator."""
    return f", {position_phrase(key)}" if key.startswith("mostly ") else f" {position_phrase(key)}"


def position_attributive(key: str) -> str:
    return _ATTRIBUTIVE.get(key) or position_phrase(key)


def relation_words(predicate: str, object_family: str | None = None) -> RelationWords:
    return BY_FAMILY.get((predicate, object_family or ""), RELATIONS[predicate])


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
    **dict.fromkeys("ballon ballons".split(), "sports ball"),
    **dict.fromkeys(["brocoli", "brocolis", "bouquet de brocoli", "bouquets de brocoli"], "broccoli"),
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

_OBJECTS = reading_table(NOUNS, SYNONYMS)


# -- the realiser (see captioning.lang for what a language module provides) ------------------------
NAME = "Français"
SEPARATOR = ", "
CONJUNCTION = f" {AND} "

EMPTY_ALT = (
    "Aucun élément reconnaissable\u202f; la photo montre peut-être une scène, du texte "
    "ou des choses que le modèle ne connaît pas."
)
EMPTY_LONG = (
    # "ne lit pas" would read as "lit" (a bed) to the reading words: "lire" instead.
    EMPTY_ALT + " Le modèle ne connaît que 80 types d'objets courants du quotidien\u202f; "
    "il ne sait ni décrire les scènes ni lire le texte."
)
BOXES_NOTE = (
    "Les tailles sont approximatives\u00a0: "
    "ce modèle repère les objets par des rectangles, sans suivre leur contour exact."
)

#: Text read in the photo (keys as captioning.lang.en.PHRASES). French quotation marks with
#: no-break spaces; a no-break space before the colon, a narrow one before the semicolon (French
#: typography, Lexique des règles typographiques en usage à l'Imprimerie nationale; review-fr item 1).
PHRASES = {
    "on": "Texte sur {thing}\u00a0: {text}.",
    "alone": "Texte\u00a0: {text}.",
    "quote": "«\u00a0{text}\u00a0»",
    "list": ", ",
    "unclear_on": "{thing} porte un texte qui n'a pas pu être lu clairement.",
    "unclear_alone": "Il y a un texte qui n'a pas pu être lu clairement.",
    "plate": "La plaque d'immatriculation {thing} est visible (non transcrite).",
    # Not "on y lit": "lit" would read as a bed.
    "mostly": "L'image est surtout composée de texte. Le texte indique\u00a0: «\u00a0{text}\u00a0».",
    "row": " / ",
    "no_objects": "Aucun élément reconnaissable.",
}
_COLON = "\u00a0: "
_SEMICOLON = "\u202f; "
_WORDS_UP_TO = 20  # digits above, as in English


def _count(n: int, gender: str = "m") -> str:
    return number_word(n, gender) if n <= _WORDS_UP_TO else str(n)


def _counted(word: Noun, n: int, *, size: str = "") -> str:
    if n == 1:
        return indefinite(word, size=size)
    return f"{_count(n, word.gender)} {noun_group(word, plural=plural_for(n), size=size)}"


def _de(phrase: str, word: Noun | None = None) -> str:
    """ "de chiens", "d'éléphants", "de hot-dogs" (after "beaucoup", "groupe")."""
    return f"d'{phrase}" if elides_before(phrase.split(" ", 1)[0], word) else f"de {phrase}"


def _most(from_masks: bool) -> str:
    return FILLING if from_masks else SPANNING


def _prepositional(preposition: str, phrase: str, link: Link | None) -> list[Segment]:
    """ " à côté " + "du chien" (linked): the contracted article belongs to the noun phrase."""
    lead, rest = with_preposition(preposition, phrase)
    return [(f" {lead}" if lead else " ", None), (rest, link)]


def _join(items: Sequence[Sequence[Segment]]) -> list[Segment]:
    out: list[Segment] = []
    for k, item in enumerate(items):
        if k:
            out.append((CONJUNCTION if k == len(items) - 1 else SEPARATOR, None))
        out.extend(item)
    return out


def holder(thing: Holder, key: str) -> str:
    """ "le bus" ("Texte sur le bus"), "du bus" ("La plaque d'immatriculation du bus")."""
    text = definite(noun(thing.label))
    if thing.position:
        text = f"{text} {position_attributive(thing.position)}"
    return "".join(with_preposition("de", text)) if key == "plate" else text


def alt_mention(mention: AltMention, *, placed: bool, from_masks: bool) -> list[Segment]:
    """ "trois chiens à gauche", "peut-être un chat", "une personne sur un cheval"."""
    word = noun(mention.label)
    link = (mention.label, mention.ids)
    segments: list[Segment] = []
    if mention.certainty == "hedged":  # as in English: one, or "plusieurs" (a number would claim too much)
        segments.append((f"{HEDGE} ", None))
        segments.append((indefinite(word) if mention.count == 1 else f"{SOME[word.gender]} {word.plural}", link))
    elif mention.quantity == "group":
        segments.append((f"{GROUP_OF} {_de(word.plural, word)}", link))
    elif mention.quantity == "many":
        segments.append((f"beaucoup {_de(word.plural, word)}", link))
    elif mention.quantity == "at_least":
        segments.append((f"{AT_LEAST} {_counted(word, mention.count)}", link))
    else:
        segments.append((_counted(word, mention.count), link))
    if mention.relation is not None:
        r = mention.relation
        words = relation_words(r.predicate, FAMILY.get(r.label))
        segments += _prepositional(words.attributive, indefinite(noun(r.label)), (r.label, r.ids))
    elif placed and mention.place is not None:
        segments.append((" " + _most(from_masks) if mention.place == "most" else _place(mention.place), None))
    return segments


#: How the items after a group of objects sharing a place are joined (lang/base.py ``around_groups``).
GROUP_REST = "whole"


def group_conjunction(following: str) -> str:
    """Before the last item of a list whose items include a list: "une personne et un snowboard
    au centre, ainsi que d'autres objets" ("ainsi qu'un chien": "que" elides, not before
    "huit" or "onze")."""
    first = following.split(" ", 1)[0]
    if elides_before(first) and fold(first) not in ("huit", "onze"):
        return ", ainsi qu'"
    return ", ainsi que "


def other_objects(*, hedged: bool) -> list[Segment]:
    others = f"d'autres {FAMILY_NOUNS['object'].plural}"
    return [(f"{HEDGE} {others}" if hedged else others, None)]


def long_sentence(s: Sentence, *, from_masks: bool, before: Sequence[Sequence[Segment]]) -> list[Segment]:
    """One sentence of the long description (capitalised and stopped by the caller)."""
    if isinstance(s, Members):
        return _hedged(s.hedged, _among(s.among, s.label, _members(s, from_masks)))
    if isinstance(s, Summary):
        return _hedged(s.hedged, _among(s.among, s.label, _summary(s)))
    if isinstance(s, Extra):
        return [(f"{HEDGE} ", None), *_extra(s)]
    if isinstance(s, Crowd):
        word = noun(s.label)
        place = " " + _most(from_masks) if s.place == "most" else _place(s.place)
        return [(f"{GROUP_OF} {_de(word.plural, word)}", (s.label, s.ids)), (place, None)]
    if isinstance(s, RelationSentence):
        return _relation(s)
    if isinstance(s, BoxesNote):
        return [(BOXES_NOTE, None)]
    raise TypeError(f"not a sentence: {s!r}")


def _where(position: str | None) -> Segment:
    """A place after a noun; nothing where the plan gives no place (never a made-up one)."""
    return (_place(position) if position else "", None)


def _hedged(hedged: bool, segments: list[Segment]) -> list[Segment]:
    return [(f"{HEDGE} ", None), *segments] if hedged else segments


def _among(among: bool, label: str, segments: list[Segment]) -> list[Segment]:
    return [(f"{AMONG_THEM[noun(label).gender]}, ", None), *segments] if among else segments


def _members(s: Members, from_masks: bool) -> list[Segment]:
    """ "un chien de taille moyenne à droite", "trois petits chiens à gauche", "quatre éléphants :
    un grand à gauche, ..."."""
    word, label, link = noun(s.label), s.label, (s.label, s.ids)
    if s.count == 1:
        if s.size == "most":
            return [(indefinite(word), link), (" " + _most(from_masks), None)]
        return [(indefinite(word, size=s.size or ""), link), _where(s.position)]
    if not s.parts:
        return [
            (_counted(word, s.count, size=s.size or ""), link),
            _where(s.position),
        ]
    if s.size is not None:  # "deux petites personnes : une à gauche et une au centre"
        parts = [[(_one(p, word), (label, p.ids)), _where(p.position)] for p in s.parts]
        return [(_counted(word, s.count, size=s.size), link), (_COLON, None), *_join(parts)]
    if s.position is not None:  # "quatre éléphants au centre : deux grands et un petit"
        parts = [[(_one(p, word), (label, p.ids))] for p in s.parts]
        return [(_counted(word, s.count), link), (f"{_place(s.position)}{_COLON}", None), *_join(parts)]
    parts = [[(_one(p, word), (label, p.ids)), _where(p.position)] for p in s.parts]
    return [(_counted(word, s.count), link), (_COLON, None), *_join(parts)]


def _one(part: Part, word: Noun) -> str:
    """The noun left out: "une", "deux"; with a size "un grand", "une petite", "deux de taille moyenne"."""
    amount = _count(part.count, word.gender)
    if part.size is None:
        return amount
    adj, _ = size_adjective(part.size, word.gender, plural=part.count > 1, label=_label_of(word))
    return f"{amount} {adj}"


def _extra(s: Extra) -> list[Segment]:
    """ "un autre petit chien à gauche", "deux autres chiens à droite", "beaucoup d'autres chiens"."""
    word, link = noun(s.label), (s.label, s.ids)
    where = _where(s.position)
    if s.count == 1:
        article = "une" if word.gender == "f" else "un"
        return [(f"{article} autre {noun_group(word, size=s.size or '')}", link), where]
    amount = "beaucoup d'" if s.many else f"{_count(s.count, word.gender)} "
    return [(f"{amount}autres {word.plural}", link), where]


def _summary(s: Summary) -> list[Segment]:
    """ "onze livres un peu partout sur la photo, tous de petite taille ; le plus grand, de taille
    moyenne, est à gauche"."""
    word = noun(s.label)
    g = word.gender
    if s.all_same:
        # "toutes petites" also reads as "tout petites" (very small): adverbial "tout" agrees before
        # a feminine adjective (Grevisse § 994), so the size is said as "de petite taille"
        # (review-fr item 5).
        spread = f"{'toutes' if g == 'f' else 'tous'} {SIZES_BY_HEIGHT[s.size]}"
    else:
        spread = f"la plupart {size_adjective(s.size, g, plural=True, label=s.label)[0]}"
    segments: list[Segment] = [
        (_counted(word, s.count), (s.label, s.ids)),
        (f"{_place(s.position)}, {spread}", None),
    ]
    if s.largest is not None:
        # "le plus grand, de petite taille, est à gauche": not "le plus grand est petit et à gauche"
        # (a size and a place coordinated after "est" reads as a translation; review-fr item 8).
        largest = "la plus grande" if g == "f" else "le plus grand"
        segments.append((_SEMICOLON, None))
        segments.append((largest, (s.label, (s.largest.id,))))
        segments.append((f", {SIZES_BY_HEIGHT[s.largest.size]}, est {position_phrase(s.largest.position)}", None))
    return segments


def _ref(ref: Ref) -> tuple[str, Link]:
    """ "le chien", "le chien à gauche", "l'un des chiens", "deux des tasses", "les deux tasses",
    "les trois tasses"."""
    word, link = noun(ref.label), (ref.label, ref.ids)
    if ref.kind == "the":
        return definite(word), link
    if ref.kind == "placed":
        return f"{definite(word)} {position_attributive(ref.position)}" if ref.position else definite(word), link
    if ref.kind == "one_of":
        one = "l'une" if word.gender == "f" else "l'un"
        return f"{one} des {word.plural}", link
    if ref.kind == "some_of":
        return f"{_count(len(ref.ids), word.gender)} des {word.plural}", link
    return f"les {_count(ref.total, word.gender)} {word.plural}", link


def _relation(s: RelationSentence) -> list[Segment]:
    """ "La personne à gauche monte le cheval.", "Trois des tasses sont sur la table.", "Les deux
    personnes sont chacune sur l'un des vélos."."""
    words = relation_words(s.predicate, FAMILY.get(s.object.label))
    verb = words.verb[1 if (s.plural or s.each) else 0]
    subject_word = noun(s.subject.label)
    each = (" chacune" if subject_word.gender == "f" else " chacun") if s.each else ""
    obj, link = _ref(s.object)
    if s.object.label == "skis" and s.object.kind in ("the", "placed"):
        # "sur les skis", not "sur la paire de skis" (a calque; review-fr item 10). The alt keeps
        # "une paire de skis": its article states the one pair English states.
        place = position_attributive(s.object.position) if s.object.position else ""
        obj = f"les skis {place}".strip()
    subjects = _join([[_ref(r)] for r in (s.subject, *s.also)])
    return [*subjects, (f" {verb}{each}", None), *_prepositional(words.preposition, obj, link)]


def _agreeing(*stems: str) -> set[str]:
    return {fold(stem + ending) for stem in stems for ending in ("", "e", "s", "es")}


READING = FoldedReadingWords(
    objects=_OBJECTS,
    families=family_table(FAMILY_NOUNS),
    numbers={"un": 1, "une": 1, **{fold(num2words(n, lang=CODE)): n for n in range(2, 13)}},
    articles=frozenset(["un", "une"]),
    floor=("au", "moins"),
    floor_before=("au", "moins"),
    # "peut-être" folds to two words; its second one marks the hedge.
    hedges=frozenset(["etre"]),
    hedge_gap=frozenset(
        {"un", "une", "d", "de", "plusieurs", "autre", "autres", "beaucoup", "tres", "au", "moins", "groupe"}
        | _agreeing("petit", "grand")
    ),
    relations=(" sur un ", " sur une ", " avec un ", " avec une ", " à côté ", " devant ", " derrière "),
)
