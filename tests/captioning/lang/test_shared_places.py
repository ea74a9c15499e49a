"""What is shared is said once, in every language. Alt mentions that follow each other at the same
place: "a person and a snowboard in the centre", not "a person in the centre and a snowboard in the
centre"; a list holding such a pair ends with the language's outer conjunction (", and", "sowie",
", ainsi que", ", además de"). Subjects on the same object in the long description: "The sandwich,
the bowl and the knife are on the table.", with the verb in the plural. Expected sentences written
by hand (Duden: "sowie" joins the outer list, "stehen"/"liegen" only when every subject takes it;
Grevisse: "que" elides before a vowel, not before "huit" or "onze")."""

from __future__ import annotations

import pytest

from captioning.lang import realise
from captioning.plan import AltMention, AltPlan, Plan, Ref, RelationSentence
from tests.captioning.test_captioning_evaluate import needs_val


def mention(label: str, first: int, count: int, place: str | None) -> AltMention:
    return AltMention(label, tuple(range(first, first + count)), count, "exact", "stated", place)


PLANS = {
    "pair": Plan(AltPlan((mention("person", 0, 1, "centre"), mention("snowboard", 1, 1, "centre"))), ()),
    "pair, others": Plan(AltPlan((mention("cat", 0, 1, "centre"), mention("laptop", 1, 1, "centre")), "stated"), ()),
    "pair, a chair": Plan(
        AltPlan((mention("cat", 0, 1, "left"), mention("laptop", 1, 1, "left"), mention("chair", 2, 1, None))), ()
    ),
    "pair, eight chairs": Plan(
        AltPlan((mention("cat", 0, 1, "right"), mention("laptop", 1, 1, "right"), mention("chair", 2, 8, None))), ()
    ),
    "pair, two more": Plan(
        AltPlan(
            (mention("cat", 0, 1, "centre"), mention("laptop", 1, 1, "centre"), mention("elephant", 2, 1, None)),
            "stated",
        ),
        (),
    ),
    "pair last": Plan(
        AltPlan(
            (mention("dog", 0, 1, "left"), mention("person", 1, 1, "centre"), mention("snowboard", 2, 1, "centre"))
        ),
        (),
    ),
    "apart": Plan(
        AltPlan((mention("person", 0, 1, "centre"), mention("dog", 1, 1, "left"), mention("cup", 2, 1, "centre"))), ()
    ),
}

EXPECTED = {
    "en": {
        "pair": "A person and a snowboard in the centre.",
        "pair, others": "A cat and a laptop in the centre, and other objects.",
        "pair, a chair": "A cat and a laptop on the left, and a chair.",
        "pair, eight chairs": "A cat and a laptop on the right, and eight chairs.",
        "apart": "A person in the centre, a dog on the left and a cup in the centre.",
        "pair, two more": "A cat and a laptop in the centre, an elephant and other objects.",
        "pair last": "A dog on the left, and a person and a snowboard in the centre.",
    },
    "de": {
        "pair": "Eine Person und ein Snowboard in der Mitte.",
        "pair, others": "Eine Katze und ein Laptop in der Mitte sowie weitere Gegenstände.",
        "pair, a chair": "Eine Katze und ein Laptop links sowie ein Stuhl.",
        "pair, eight chairs": "Eine Katze und ein Laptop rechts sowie acht Stühle.",
        "apart": "Eine Person in der Mitte, ein Hund links und eine Tasse in der Mitte.",
        "pair, two more": "Eine Katze und ein Laptop in der Mitte, ein Elefant sowie weitere Gegenstände.",
        "pair last": "Ein Hund links sowie eine Person und ein Snowboard in der Mitte.",
    },
    "fr": {
        "pair": "Une personne et un snowboard au centre.",
        "pair, others": "Un chat et un ordinateur portable au centre, ainsi que d'autres objets.",
        "pair, a chair": "Un chat et un ordinateur portable à gauche, ainsi qu'une chaise.",
        "pair, eight chairs": "Un chat et un ordinateur portable à droite, ainsi que huit chaises.",
        "apart": "Une personne au centre, un chien à gauche et une tasse au centre.",
        "pair, two more": "Un chat et un ordinateur portable au centre, ainsi qu'un éléphant et d'autres objets.",
        "pair last": "Un chien à gauche, ainsi qu'une personne et un snowboard au centre.",
    },
    "es": {
        "pair": "Una persona y una tabla de snowboard en el centro.",
        "pair, others": "Un gato y un portátil en el centro, así como otros objetos.",
        "pair, a chair": "Un gato y un portátil a la izquierda, así como una silla.",
        "pair, eight chairs": "Un gato y un portátil a la derecha, así como ocho sillas.",
        "apart": "Una persona en el centro, un perro a la izquierda y una taza en el centro.",
        "pair, two more": "Un gato y un portátil en el centro, así como un elefante y otros objetos.",
        "pair last": "Un perro a la izquierda, así como una persona y una tabla de snowboard en el centro.",
    },
}


@pytest.mark.parametrize("lang", sorted(EXPECTED))
@pytest.mark.parametrize("name", sorted(PLANS))
def test_a_shared_place_is_said_once(lang: str, name: str) -> None:
    text = realise(PLANS[name], lang)
    assert text.alt_text == EXPECTED[lang][name]
    # Every object is still linked to its words.
    linked = {m.label for m in text.mentions if m.field == "alt_text"}
    assert linked == {m.label for m in PLANS[name].alt.mentions}


@pytest.mark.parametrize("lang", sorted(EXPECTED))
def test_filling_most_of_the_photo_is_said_for_each(lang: str) -> None:
    plan = Plan(AltPlan((mention("bed", 0, 1, "most"), mention("dining table", 1, 1, "most"))), ())
    english = realise(plan, "en").alt_text
    assert english == "A bed filling most of the photo and a table filling most of the photo."
    # Both keep their place: the text is longer than with the second one unplaced.
    unplaced = Plan(AltPlan((plan.alt.mentions[0], mention("dining table", 1, 1, None))), ())
    assert len(realise(plan, lang).alt_text) > len(realise(unplaced, lang).alt_text)


TABLE = Ref("dining table", (9,), "the")
SHARED = {
    "mixed": RelationSentence(
        Ref("sandwich", (0,), "the"),
        "on",
        TABLE,
        plural=True,
        also=(Ref("bottle", (1, 2, 3), "all", None, 3), Ref("knife", (4,), "the")),
    ),
    "standing": RelationSentence(
        Ref("cup", (5,), "placed", "left"), "on", TABLE, plural=True, also=(Ref("bottle", (6,), "the"),)
    ),
}
SHARED_EXPECTED = {
    "en": {
        "mixed": "The sandwich, all three bottles and the knife are on the table.",
        "standing": "The cup on the left and the bottle are on the table.",
    },
    "de": {
        "mixed": "Das Sandwich, alle drei Flaschen und das Messer befinden sich auf dem Tisch.",
        "standing": "Die linke Tasse und die Flasche stehen auf dem Tisch.",
    },
    "fr": {
        "mixed": "Le sandwich, les trois bouteilles et le couteau sont sur la table.",
        "standing": "La tasse de gauche et la bouteille sont sur la table.",
    },
    "es": {
        "mixed": "El sándwich, las tres botellas y el cuchillo están sobre la mesa.",
        "standing": "La taza de la izquierda y la botella están sobre la mesa.",
    },
}


@pytest.mark.parametrize("lang", sorted(SHARED_EXPECTED))
@pytest.mark.parametrize("name", sorted(SHARED))
def test_subjects_on_the_same_object_share_one_sentence(lang: str, name: str) -> None:
    plan = Plan(AltPlan((mention("sandwich", 0, 1, None),)), (SHARED[name],))
    text = realise(plan, lang)
    assert text.long_description == SHARED_EXPECTED[lang][name]
    linked = {m.instance_ids for m in text.mentions if m.field == "long_description"}
    sentence = SHARED[name]
    assert linked == {r.ids for r in (sentence.subject, sentence.object, *sentence.also)}


# -- on real annotations (COCO val2017, ../shared/coco-val-calib): subjects of one group said once ---
def _described(image_id: int, lang: str) -> str:
    import json

    from captioning import describe
    from captioning.coco import instances_from_coco
    from tests.captioning.test_captioning_evaluate import VAL

    coco = json.loads((VAL / "instances.json").read_text())
    image = next(i for i in coco["images"] if i["id"] == image_id)
    instances = instances_from_coco(coco["annotations"], image, coco["categories"], include_crowd=True)
    return realise(describe(instances).plan, lang).long_description


ONE_PER_GROUP = {
    # Five pieces of broccoli named one by one and "three of the pieces" before: now counted once.
    (99053, "en"): "The bowl, the fork and all five pieces of broccoli are on the table.",
    (99053, "fr"): "Le bol, la fourchette et les cinq morceaux de brocoli sont sur la table.",
    (350679, "en"): "Seven of the cakes are on the table.",
    (350679, "de"): "Sieben der Kuchen befinden sich auf dem Tisch.",
    # Two people: "the person in the centre" (German "die mittlere Person") implied a third.
    (536038, "en"): "Both people and the book are on the bed.",
    (536038, "de"): "Beide Personen und das Buch befinden sich auf dem Bett.",
    (536038, "es"): "Ambas personas y el libro están sobre la cama.",
}


@needs_val
@pytest.mark.parametrize(("image_id", "lang"), sorted(ONE_PER_GROUP))
def test_subjects_of_one_group_are_counted_once(image_id: int, lang: str) -> None:
    said = _described(image_id, lang)
    assert ONE_PER_GROUP[image_id, lang] in said, said


def test_a_german_subject_in_the_centre_is_not_the_middle_one_of_three() -> None:
    """ "die mittlere Person" says there are three or more; two people, one in the centre, are not."""
    holding = RelationSentence(Ref("person", (0,), "placed", "centre"), "holding", Ref("cell phone", (1,), "the"))
    plan = Plan(AltPlan((mention("person", 0, 2, None),)), (holding,))
    assert realise(plan, "de").long_description == "Die Person in der Mitte hält das Handy."
