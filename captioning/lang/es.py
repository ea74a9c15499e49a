"""Spanish: every Spanish word the captioner and search use, and the grammar that puts them together.

Nouns are written out with gender and plural (RAE, Diccionario de la lengua española and
Diccionario panhispánico de dudas; the neutral word where Spain and America differ: "teléfono").
Articles agree (un/una/unos/unas, el/la/los/las); "a" and "de" contract with "el" ("a la
izquierda", "junto al coche", "delante del autobús"). Size adjectives follow the noun and agree
("una taza pequeña"). Number words come from num2words, with the gender RAE asks for ("un perro",
"una taza", "veintiún perros", "veintiuna tazas", "doscientas"). "y" becomes "e" before an i
sound ("perros e iglesias"), "o" becomes "u" before an o sound.
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

CODE = "es"


def _n(singular: str, plural: str, gender: str) -> Noun:
    return Noun(singular, plural, gender)


NOUNS: dict[str, Noun] = {
    "person": _n("persona", "personas", "f"),
    "bicycle": _n("bicicleta", "bicicletas", "f"),
    "car": _n("coche", "coches", "m"),
    "motorcycle": _n("moto", "motos", "f"),
    "airplane": _n("avión", "aviones", "m"),
    "bus": _n("autobús", "autobuses", "m"),
    "train": _n("tren", "trenes", "m"),
    "truck": _n("camión", "camiones", "m"),
    "boat": _n("barco", "barcos", "m"),
    "traffic light": _n("semáforo", "semáforos", "m"),
    # The words understood in every Spanish-speaking country (review-es item 9): "hidrante",
    # "banana", "refrigerador", "control remoto"; the Spanish ones are kept for reading.
    "fire hydrant": _n("hidrante", "hidrantes", "m"),
    "stop sign": _n("señal de stop", "señales de stop", "f"),
    "parking meter": _n("parquímetro", "parquímetros", "m"),
    "bench": _n("banco", "bancos", "m"),
    "bird": _n("pájaro", "pájaros", "m"),
    "cat": _n("gato", "gatos", "m"),
    "dog": _n("perro", "perros", "m"),
    "horse": _n("caballo", "caballos", "m"),
    "sheep": _n("oveja", "ovejas", "f"),
    "cow": _n("vaca", "vacas", "f"),
    "elephant": _n("elefante", "elefantes", "m"),
    "bear": _n("oso", "osos", "m"),
    "zebra": _n("cebra", "cebras", "f"),
    "giraffe": _n("jirafa", "jirafas", "f"),
    "backpack": _n("mochila", "mochilas", "f"),
    "umbrella": _n("paraguas", "paraguas", "m"),
    "handbag": _n("bolso", "bolsos", "m"),
    "tie": _n("corbata", "corbatas", "f"),
    "suitcase": _n("maleta", "maletas", "f"),
    "frisbee": _n("frisbi", "frisbis", "m"),
    "skis": _n("par de esquís", "pares de esquís", "m"),
    "snowboard": _n("tabla de snowboard", "tablas de snowboard", "f"),
    "sports ball": _n("pelota", "pelotas", "f"),
    "kite": _n("cometa", "cometas", "f"),
    "baseball bat": _n("bate de béisbol", "bates de béisbol", "m"),
    "baseball glove": _n("guante de béisbol", "guantes de béisbol", "m"),
    "skateboard": _n("monopatín", "monopatines", "m"),
    "surfboard": _n("tabla de surf", "tablas de surf", "f"),
    "tennis racket": _n("raqueta de tenis", "raquetas de tenis", "f"),
    "bottle": _n("botella", "botellas", "f"),
    "wine glass": _n("copa de vino", "copas de vino", "f"),
    "cup": _n("taza", "tazas", "f"),
    "fork": _n("tenedor", "tenedores", "m"),
    "knife": _n("cuchillo", "cuchillos", "m"),
    "spoon": _n("cuchara", "cucharas", "f"),
    "bowl": _n("cuenco", "cuencos", "m"),
    "banana": _n("banana", "bananas", "f"),
    "apple": _n("manzana", "manzanas", "f"),
    "sandwich": _n("sándwich", "sándwiches", "m"),
    "orange": _n("naranja", "naranjas", "f"),
    # What COCO boxes is a piece: "un brócoli" is a whole head (DLE; review-es item 1).
    "broccoli": _n("trozo de brócoli", "trozos de brócoli", "m"),
    "carrot": _n("zanahoria", "zanahorias", "f"),
    "hot dog": _n("perrito caliente", "perritos calientes", "m"),
    "pizza": _n("pizza", "pizzas", "f"),
    "donut": _n("dónut", "dónuts", "m"),
    "cake": _n("pastel", "pasteles", "m"),
    "chair": _n("silla", "sillas", "f"),
    "couch": _n("sofá", "sofás", "m"),
    "potted plant": _n("planta en maceta", "plantas en maceta", "f"),
    "bed": _n("cama", "camas", "f"),
    "dining table": _n("mesa", "mesas", "f"),
    "toilet": _n("inodoro", "inodoros", "m"),
    "tv": _n("televisor", "televisores", "m"),
    "laptop": _n("portátil", "portátiles", "m"),
    "mouse": _n("ratón", "ratones", "m"),
    "remote": _n("control remoto", "controles remotos", "m"),
    "keyboard": _n("teclado", "teclados", "m"),
    "cell phone": _n("teléfono", "teléfonos", "m"),
    "microwave": _n("microondas", "microondas", "m"),
    "oven": _n("horno", "hornos", "m"),
    "toaster": _n("tostadora", "tostadoras", "f"),
    "sink": _n("lavabo", "lavabos", "m"),
    "refrigerator": _n("refrigerador", "refrigeradores", "m"),
    "book": _n("libro", "libros", "m"),
    "clock": _n("reloj", "relojes", "m"),
    "vase": _n("jarrón", "jarrones", "m"),
    # DLE: "tijera", also used in the plural with the singular's meaning; one pair is "una tijera".
    "scissors": _n("tijera", "tijeras", "f"),
    "teddy bear": _n("oso de peluche", "osos de peluche", "m"),
    "hair drier": _n("secador de pelo", "secadores de pelo", "m"),
    "toothbrush": _n("cepillo de dientes", "cepillos de dientes", "m"),
}

FAMILY_NOUNS: dict[str, Noun] = {
    "animal": _n("animal", "animales", "m"),
    "vehicle": _n("vehículo", "vehículos", "m"),
    "food": _n("alimento", "alimentos", "m"),
    "bag": _n("bolsa", "bolsas", "f"),
    "container": _n("recipiente", "recipientes", "m"),
    "utensil": _n("cubierto", "cubiertos", "m"),
    "furniture": _n("mueble", "muebles", "m"),
    "electronic": _n("aparato electrónico", "aparatos electrónicos", "m"),
    "appliance": _n("electrodoméstico", "electrodomésticos", "m"),
    "board": _n("tabla", "tablas", "f"),
    "object": _n("objeto", "objetos", "m"),
}

HEDGE = "posiblemente"
MANY = {"m": "muchos", "f": "muchas"}
SOME = {"m": "varios", "f": "varias"}  # "posiblemente varios perros"
AT_LEAST = "al menos"  # "al menos un perro", "al menos dos perros": English "one or more dogs"
OTHER = {"m": ("otro", "otros"), "f": ("otra", "otras")}  # "otro perro", "otros objetos"
MORE = "más"  # "dos perros más"
AND = "y"
OR = "o"
GROUP_OF = "un grupo de"
AMONG_THEM = {"m": "entre ellos", "f": "entre ellas"}
BOTH = {"m": "ambos", "f": "ambas"}
ALL = {"m": "todos los", "f": "todas las"}

POSITIONS: dict[str, str] = {
    "left": "a la izquierda",
    "right": "a la derecha",
    "centre": "en el centro",
    "top": "arriba",
    "bottom": "abajo",
    "upper left": "arriba a la izquierda",
    "upper right": "arriba a la derecha",
    "lower left": "abajo a la izquierda",
    "lower right": "abajo a la derecha",
    "across the photo": "por toda la foto",
}
# "Doce personas, principalmente en el centro, ...": "sobre todo" clashed with "sobre" (on), and
# the incidental is set off by commas (review-es item 2); see :func:`_place`.
MOSTLY = "principalmente"

# Size class -> (masculine singular, feminine singular, masculine plural, feminine plural); they
# follow the noun ("un perro pequeño": before it, "gran" means great, not large).
SIZES: dict[str, tuple[str, str, str, str]] = {
    "most": ("muy grande", "muy grande", "muy grandes", "muy grandes"),
    "large": ("grande", "grande", "grandes", "grandes"),
    "medium": ("mediano", "mediana", "medianos", "medianas"),
    "small": ("pequeño", "pequeña", "pequeños", "pequeñas"),
    "very small": ("muy pequeño", "muy pequeña", "muy pequeños", "muy pequeñas"),
}
FILLING = "que ocupa la mayor parte de la foto"
SPANNING = "que se extiende por la mayor parte de la foto"

RELATIONS: dict[str, RelationWords] = {
    "riding": RelationWords("en", ("va", "van"), "en"),
    "on": RelationWords("sobre", ("está", "están"), "sobre"),
    "holding": RelationWords("con", ("sostiene", "sostienen"), ""),
    "in front of": RelationWords("delante de", ("está", "están"), "delante de"),
    "behind": RelationWords("detrás de", ("está", "están"), "detrás de"),
    "next to": RelationWords("junto a", ("está", "están"), "junto a"),
}
# One "monta" a horse ("La persona monta el caballo"); on a board one "está sobre" it.
BY_FAMILY: dict[tuple[str, str], RelationWords] = {
    ("riding", "animal"): RelationWords("sobre", ("monta", "montan"), ""),
    ("riding", "board"): RelationWords("sobre", ("está", "están"), "sobre"),
}


# -- grammar -----------------------------------------------------------------------------------
def noun(label: str) -> Noun:
    """The noun of a COCO label or back-off family; an unknown label is used as it is (masculine)."""
    return NOUNS.get(label) or FAMILY_NOUNS.get(label) or Noun(label, label, "m")


def size_adjective(size: str, gender: str, *, plural: bool = False) -> str:
    return SIZES[size][(2 if plural else 0) + (gender == "f")]


# A free complement after the head noun: the size goes between them ("una planta pequeña en
# maceta"; after it, the size reads as the pot's: review-es item 5). Fixed compounds ("copa de
# vino", "trozo de brócoli") keep the size at the end.
_COMPLEMENTS = (" en maceta",)


def noun_group(word: Noun, *, plural: bool = False, size: str = "") -> str:
    """ "taza pequeña", "perros grandes", "plantas pequeñas en maceta"."""
    text = word.plural if plural else word.singular
    if not size:
        return text
    adj = size_adjective(size, word.gender, plural=plural)
    tail = next((t for t in _COMPLEMENTS if text.endswith(t)), "")
    return f"{text.removesuffix(tail)} {adj}{tail}" if tail else f"{text} {adj}"


def indefinite(word: Noun, *, size: str = "") -> str:
    """ "un perro", "una taza pequeña"."""
    return f"{'una' if word.gender == 'f' else 'un'} {noun_group(word, size=size)}"


def definite(word: Noun, *, plural: bool = False, size: str = "") -> str:
    """ "el perro", "la taza", "los perros", "las tazas pequeñas"."""
    article = {("m", False): "el", ("f", False): "la", ("m", True): "los", ("f", True): "las"}
    return f"{article[word.gender if word.gender == 'f' else 'm', plural]} {noun_group(word, plural=plural, size=size)}"


def number_word(n: int, gender: str = "m") -> str:
    """``n`` in words before a noun of ``gender``: 1 -> "un"/"una", 21 -> "veintiún"/"veintiuna",
    31 -> "treinta y un"/"treinta y una", 200 -> "doscientos"/"doscientas" (RAE, DPD "uno")."""
    if n < 0:
        raise ValueError(f"count must not be negative, got {n}")
    words = num2words(n, lang=CODE)
    if words.endswith("veintiuno"):
        words = words.removesuffix("veintiuno") + ("veintiuna" if gender == "f" else "veintiún")
    elif words == "uno" or words.endswith(" uno"):
        words = words.removesuffix("uno") + ("una" if gender == "f" else "un")
    if gender == "f":
        words = words.replace("ientos", "ientas").replace("quinientos", "quinientas")
    return words


def plural_for(n: int) -> bool:
    """Whether ``n`` things take the plural (CLDR: only 1 is singular in Spanish)."""
    return takes_plural(CODE, n)


def counted(word: Noun, n: int, *, size: str = "") -> str:
    """ "un perro", "dos tazas pequeñas", "veintiún perros", "veintiuna tazas"."""
    if n == 1:
        return indefinite(word, size=size)
    return f"{number_word(n, word.gender)} {noun_group(word, plural=plural_for(n), size=size)}"


def with_preposition(preposition: str, phrase: str) -> tuple[str, str]:
    """Preposition and noun phrase with "al"/"del", split so that the second part starts with the
    (contracted) article: ("junto a", "el coche") -> ("junto ", "al coche"); ("delante de", "la
    mesa") -> ("delante de ", "la mesa")."""
    if not preposition:
        return "", phrase
    head, _, last = preposition.rpartition(" ")
    if last in ("a", "de") and phrase.startswith("el "):
        return (f"{head} " if head else ""), ("al " if last == "a" else "del ") + phrase[3:]
    return f"{preposition} ", phrase


def conjunction(word: str, following: str) -> str:
    """ "y" -> "e" before an i sound (i-, hi- but not hie-, hia-: "agua y hielo"), "o" -> "u"
    before an o sound (o-, ho-) (RAE, Ortografía 2010)."""
    start = fold(following)
    if word == "y" and (start.startswith("i") or (start.startswith("hi") and start[2:3] not in ("a", "e", "o"))):
        return "e"
    if word == "o" and start.startswith(("o", "ho")):
        return "u"
    return word


def join_list(items: Sequence[str]) -> str:
    """ "a, b y c" (no comma before "y"; "e" before an i sound)."""
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction(AND, items[-1])} " + items[-1]


def position_phrase(key: str) -> str:
    if key.startswith("mostly "):
        return f"{MOSTLY} {position_phrase(key.removeprefix('mostly '))}"
    return POSITIONS[key]


def _place(key: str) -> str:
    """A place after a noun: " a la izquierda"; a mostly-place set off by a comma ("doce personas,
    principalmente en el centro, la mayoría ..."), whose closing comma is the next separator."""
    return f", {position_phrase(key)}" if key.startswith("mostly ") else f" {position_phrase(key)}"


def relation_words(predicate: str, object_family: str | None = None) -> RelationWords:
    return BY_FAMILY.get((predicate, object_family or ""), RELATIONS[predicate])


# -- reading -----------------------------------------------------------------------------------
SYNONYMS: dict[str, str] = {
    **dict.fromkeys(
        (
            "gente hombre hombres mujer mujeres niño niños niña niñas chico chicos chica chicas "
            "bebé bebés jugador jugadores jugadora jugadoras esquiador esquiadores surfista surfistas "
            "ciclista ciclistas jinete jinetes alguien multitud"
        ).split(),
        "person",
    ),
    **dict.fromkeys("bici bicis".split(), "bicycle"),
    **dict.fromkeys("auto autos carro carros taxi taxis automóvil automóviles".split(), "car"),
    **dict.fromkeys("motocicleta motocicletas scooter".split(), "motorcycle"),
    **dict.fromkeys("avioneta jet".split(), "airplane"),
    **dict.fromkeys("bus buses autocar".split(), "bus"),
    **dict.fromkeys("tranvía locomotora metro".split(), "train"),
    **dict.fromkeys(["camioneta", "furgoneta"], "truck"),
    **dict.fromkeys("bote botes barca barcas velero veleros barcaza canoa kayak ferri yate".split(), "boat"),
    **dict.fromkeys(["boca de incendios", "bocas de incendios", "boca de riego"], "fire hydrant"),
    **dict.fromkeys(["señal de alto", "stop", "pare"], "stop sign"),
    **dict.fromkeys("ave aves paloma palomas gaviota gaviotas pato patos ganso cisne".split(), "bird"),
    **dict.fromkeys("gatito gatitos".split(), "cat"),
    **dict.fromkeys("perrito perritos cachorro cachorros".split(), "dog"),
    **dict.fromkeys("poni ponis".split(), "horse"),
    **dict.fromkeys("cordero corderos".split(), "sheep"),
    **dict.fromkeys("toro toros ternero terneros buey bueyes".split(), "cow"),
    **dict.fromkeys(["oso polar"], "bear"),
    **dict.fromkeys("sombrilla sombrillas".split(), "umbrella"),
    **dict.fromkeys("cartera carteras".split(), "handbag"),
    **dict.fromkeys(["equipaje"], "suitcase"),
    **dict.fromkeys(["frisbee"], "frisbee"),
    **dict.fromkeys("esquí esquís esquíes".split(), "skis"),
    **dict.fromkeys(["snowboard"], "snowboard"),
    **dict.fromkeys("balón balones".split(), "sports ball"),
    **dict.fromkeys(["bate"], "baseball bat"),
    **dict.fromkeys(["guante"], "baseball glove"),
    **dict.fromkeys(["skateboard", "patineta"], "skateboard"),
    **dict.fromkeys(["raqueta", "raquetas"], "tennis racket"),
    **dict.fromkeys(["copa", "copas"], "wine glass"),
    **dict.fromkeys("vaso vasos tazón".split(), "cup"),
    **dict.fromkeys("bol boles".split(), "bowl"),
    **dict.fromkeys("plátano plátanos".split(), "banana"),
    **dict.fromkeys("bocadillo bocadillos hamburguesa hamburguesas sándwich".split(), "sandwich"),
    **dict.fromkeys(["brócoli", "brócolis", "brécol"], "broccoli"),
    **dict.fromkeys(["hot dog", "perro caliente"], "hot dog"),
    **dict.fromkeys("dona donas rosquilla rosquillas".split(), "donut"),
    **dict.fromkeys("tarta tartas".split(), "cake"),
    **dict.fromkeys("taburete taburetes".split(), "chair"),
    **dict.fromkeys(["planta", "plantas", "maceta"], "potted plant"),
    **dict.fromkeys("escritorio escritorios".split(), "dining table"),
    **dict.fromkeys("váter retrete".split(), "toilet"),
    **dict.fromkeys("televisión tele pantalla pantallas monitor".split(), "tv"),
    **dict.fromkeys(["ordenador portátil", "ordenador", "ordenadores", "computadora", "laptop"], "laptop"),
    **dict.fromkeys(["mando", "mando a distancia", "mandos a distancia"], "remote"),
    **dict.fromkeys("móvil móviles celular celulares smartphone".split(), "cell phone"),
    **dict.fromkeys(["cocina"], "oven"),
    **dict.fromkeys(["fregadero", "fregaderos"], "sink"),
    **dict.fromkeys("frigorífico frigoríficos nevera neveras heladera heladeras".split(), "refrigerator"),
    **dict.fromkeys(["florero"], "vase"),
    **dict.fromkeys("peluche peluches".split(), "teddy bear"),
    **dict.fromkeys(["secador"], "hair drier"),
}

_OBJECTS = reading_table(NOUNS, SYNONYMS)


# -- the realiser (see captioning.lang for what a language module provides) ------------------------
NAME = "Español"
SEPARATOR = ", "
# The plan's lists start with an article, a number or a quantity word ("un", "dos", "muchos",
# "posiblemente", "otros"), never with an i sound, so "y" never has to become "e" there; lists of
# arbitrary words go through :func:`join_list`, which does.
CONJUNCTION = f" {AND} "

EMPTY_ALT = "Ningún elemento reconocible; la foto puede mostrar una escena, texto o cosas que el modelo no conoce."
EMPTY_LONG = (
    EMPTY_ALT + " El modelo solo conoce 80 tipos comunes de cosas cotidianas; no describe escenas ni lee texto."
)
BOXES_NOTE = "Los tamaños son aproximados: este modelo delimita los objetos con rectángulos, no con su forma exacta."

#: Text read in the photo (keys as captioning.lang.en.PHRASES), with Spanish angle quotes.
PHRASES = {
    "on": "Texto en {thing}: {text}.",
    "alone": "Texto: {text}.",
    "quote": "«{text}»",
    "list": ", ",
    "unclear_on": "{thing} tiene texto que no se pudo leer con claridad.",
    "unclear_alone": "Hay texto que no se pudo leer con claridad.",
    "plate": "La placa {thing} es visible (sin transcribir).",  # "matrícula" is Spain only
    "mostly": "La imagen es sobre todo texto. Dice: «{text}».",
    "row": " / ",
    "no_objects": "Ningún elemento reconocible.",
}
_WORDS_UP_TO = 20  # digits above, as in English


def _count(n: int, gender: str = "m") -> str:
    return number_word(n, gender) if n <= _WORDS_UP_TO else str(n)


def _counted(word: Noun, n: int, *, size: str = "") -> str:
    if n == 1:
        return indefinite(word, size=size)
    return f"{_count(n, word.gender)} {noun_group(word, plural=plural_for(n), size=size)}"


def _pronoun_count(n: int, gender: str) -> str:
    """A number standing for a noun left out: "uno" (not "un"), "una", "dos"."""
    if n == 1:
        return "una" if gender == "f" else "uno"
    return _count(n, gender)


def _most(from_masks: bool) -> str:
    return FILLING if from_masks else SPANNING


def position_attributive(key: str) -> str:
    """A place after a noun it tells apart: "la persona de la izquierda", "el perro del centro",
    "la taza de arriba a la derecha"."""
    phrase = position_phrase(key)
    if phrase.startswith("a la "):
        return "de la " + phrase.removeprefix("a la ")
    if phrase.startswith("en el "):
        return "del " + phrase.removeprefix("en el ")
    return "de " + phrase


def _prepositional(preposition: str, phrase: str, link: Link | None) -> list[Segment]:
    """ " junto " + "al perro" (linked): the contracted article belongs to the noun phrase."""
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
    """ "el autobús" ("Texto en el autobús"), "del coche" ("La matrícula del coche")."""
    text = definite(noun(thing.label))
    if thing.position:
        text = f"{text} {position_attributive(thing.position)}"
    return "".join(with_preposition("de", text)) if key == "plate" else text


def alt_mention(mention: AltMention, *, placed: bool, from_masks: bool) -> list[Segment]:
    """ "tres perros a la izquierda", "posiblemente un gato", "una persona sobre un caballo"."""
    word = noun(mention.label)
    g = word.gender
    link = (mention.label, mention.ids)
    segments: list[Segment] = []
    if mention.certainty == "hedged":  # as in English: one, or "varios" (a number would claim too much)
        segments.append((f"{HEDGE} ", None))
        segments.append((indefinite(word) if mention.count == 1 else f"{SOME[g]} {word.plural}", link))
    elif mention.quantity == "group":
        segments.append((f"{GROUP_OF} {word.plural}", link))
    elif mention.quantity == "many":
        segments.append((f"{MANY[g]} {word.plural}", link))
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


def group_conjunction(following: str) -> str:  # noqa: ARG001 - the same before any word
    """Before the last item of a list whose items include a list: "una persona y una tabla de
    snowboard en el centro, así como otros objetos" (a second "y" would blur where the inner list
    ends; "así como" is the neutral "as well as", "además de" would say "besides")."""
    return ", así como "


def other_objects(*, hedged: bool) -> list[Segment]:
    others = f"{OTHER['m'][1]} {FAMILY_NOUNS['object'].plural}"
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
        return [(f"{GROUP_OF} {word.plural}", (s.label, s.ids)), (place, None)]
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
    # "Entre ellos hay trece dónuts ...": a verb, not the calque "Entre ellos, trece dónuts" (review-es item 6).
    return [(f"{AMONG_THEM[noun(label).gender]} hay ", None), *segments] if among else segments


def _members(s: Members, from_masks: bool) -> list[Segment]:
    """ "un perro mediano a la derecha", "tres perros pequeños a la izquierda", "cuatro elefantes:
    uno grande a la izquierda, ..."."""
    word, label, link = noun(s.label), s.label, (s.label, s.ids)
    if s.count == 1 and label in _PAIRS and s.size != "most":
        # "Unos esquís pequeños abajo", not "Un par de esquís pequeño" (review-es item 4).
        size = f" {size_adjective(s.size, 'm', plural=True)}" if s.size else ""
        return [(f"unos {_PAIRS[label]}{size}", link), _where(s.position)]
    if s.count == 1:
        if s.size == "most":
            return [(indefinite(word), link), (" " + _most(from_masks), None)]
        return [(indefinite(word, size=s.size or ""), link), _where(s.position)]
    if not s.parts:
        return [
            (_counted(word, s.count, size=s.size or ""), link),
            _where(s.position),
        ]
    if s.size is not None:  # "dos personas pequeñas: una a la izquierda y una en el centro"
        parts = [[(_one(p, word, k), (label, p.ids)), _where(p.position)] for k, p in enumerate(s.parts)]
        return [(_counted(word, s.count, size=s.size), link), (": ", None), *_join(parts)]
    if s.position is not None:  # "cuatro elefantes en el centro: dos grandes y uno pequeño"
        parts = [[(_one(p, word, k), (label, p.ids))] for k, p in enumerate(s.parts)]
        return [(_counted(word, s.count), link), (f"{_place(s.position)}: ", None), *_join(parts)]
    parts = [[(_one(p, word, k), (label, p.ids)), _where(p.position)] for k, p in enumerate(s.parts)]
    return [(_counted(word, s.count), link), (": ", None), *_join(parts)]


def _one(part: Part, word: Noun, index: int = 0) -> str:
    """The noun left out: "una", "dos"; with a size "uno grande", "una pequeña", "dos medianos".
    A single one after the first part is "otro"/"otra": "uno a la derecha y otro a la izquierda"
    (the correlative "uno … otro" of a distributive list; review-es item 3)."""
    single_other = part.count == 1 and index > 0
    amount = OTHER[word.gender][0] if single_other else _pronoun_count(part.count, word.gender)
    if part.size is None:
        return amount
    return f"{amount} {size_adjective(part.size, word.gender, plural=part.count > 1)}"


def _extra(s: Extra) -> list[Segment]:
    """ "otro perro pequeño a la izquierda", "dos perros más a la derecha", "muchos perros más"."""
    word, link = noun(s.label), (s.label, s.ids)
    g = word.gender
    where = _where(s.position)
    if s.count == 1:
        return [(f"{OTHER[g][0]} {noun_group(word, size=s.size or '')}", link), where]
    amount = MANY[g] if s.many else _count(s.count, g)
    return [(f"{amount} {word.plural} {MORE}", link), where]


def _summary(s: Summary) -> list[Segment]:
    """ "once libros por toda la foto, todos pequeños; el de mayor tamaño es mediano y está a la izquierda"."""
    word = noun(s.label)
    g = word.gender
    spread = ALL[g].split()[0] if s.all_same else "la mayoría"
    segments: list[Segment] = [
        (_counted(word, s.count), (s.label, s.ids)),
        (f"{_place(s.position)}, {spread} {size_adjective(s.size, g, plural=True)}", None),
    ]
    if s.largest is not None:
        # "el de mayor tamaño es pequeño": "el más grande es pequeño" says "grande" twice, and "la
        # más grande" of a person suggests age (review-es item 7).
        largest = "la de mayor tamaño" if g == "f" else "el de mayor tamaño"
        segments.append(("; ", None))
        segments.append((largest, (s.label, (s.largest.id,))))
        size = size_adjective(s.largest.size, g)
        segments.append((f" es {size} y está {position_phrase(s.largest.position)}", None))
    return segments


def _ref(ref: Ref) -> tuple[str, Link]:
    """ "el perro", "el perro de la izquierda", "uno de los perros", "dos de las tazas", "ambas
    tazas", "las tres tazas"."""
    word, link = noun(ref.label), (ref.label, ref.ids)
    g = word.gender
    the_plural = "las" if g == "f" else "los"
    if ref.kind == "the":
        return definite(word), link
    if ref.kind == "placed":
        return f"{definite(word)} {position_attributive(ref.position)}" if ref.position else definite(word), link
    if ref.kind == "one_of":
        return f"{_pronoun_count(1, g)} de {the_plural} {word.plural}", link
    if ref.kind == "some_of":
        return f"{_count(len(ref.ids), g)} de {the_plural} {word.plural}", link
    if ref.kind == "all" and ref.total == 2:
        return f"{BOTH[g]} {word.plural}", link
    return f"{the_plural} {_count(ref.total, g)} {word.plural}", link


# Things spoken of in the plural (like "unas gafas"): one pair of skis is "unos esquís", "los
# esquís" (review-es item 4). Only in the long description: the alt keeps "un par de esquís",
# whose article states the one pair English states ("a pair of skis"); "unos" states no number.
_PAIRS = {"skis": "esquís"}


def _relation(s: RelationSentence) -> list[Segment]:
    """ "La persona de la izquierda monta el caballo.", "Tres de las tazas están sobre la mesa.",
    "Las dos personas van cada una en una de las bicicletas."."""
    words = relation_words(s.predicate, FAMILY.get(s.object.label))
    verb = words.verb[1 if (s.plural or s.each) else 0]
    g = noun(s.subject.label).gender
    each = (" cada una" if g == "f" else " cada uno") if s.each else ""
    obj, link = _ref(s.object)
    if s.object.label in _PAIRS and s.object.kind in ("the", "placed"):
        place = position_attributive(s.object.position) if s.object.position else ""
        obj = f"los {_PAIRS[s.object.label]} {place}".strip()
    subjects = _join([[_ref(r)] for r in (s.subject, *s.also)])
    return [*subjects, (f" {verb}{each}", None), *_prepositional(words.preposition, obj, link)]


READING = FoldedReadingWords(
    objects=_OBJECTS,
    families=family_table(FAMILY_NOUNS),
    numbers={"un": 1, "una": 1, "uno": 1, **{fold(num2words(n, lang=CODE)): n for n in range(2, 13)}},
    articles=frozenset(["un", "una"]),
    floor=("al", "menos"),
    floor_before=("al", "menos"),
    hedges=frozenset([fold(HEDGE)]),
    hedge_gap=frozenset(
        {"un", "una", "varios", "varias", "otro", "otra", "otros", "otras", "muchos", "muchas", "muy", "al", "menos"}
        | {"grupo", "de"}
    ),
    relations=(
        " sobre un ",
        " sobre una ",
        " en un ",
        " en una ",
        " con un ",
        " con una ",
        " junto a ",
        " delante ",
        " detrás ",
    ),
)
