from __future__ import annotations

import json
import re
from collections.abc import Callable

import numpy as np
import pytest

from captioning import Description, Thresholds, describe
from captioning.lang.en import BOXES_NOTE, EMPTY_ALT
from captioning.vocabulary import COCO_LABELS
from segmentation.result import Instances

MakeInstances = Callable[..., Instances]

LEFT = [20, 200, 100, 280]  # small box, left middle
CENTRE = [280, 200, 360, 280]
RIGHT = [540, 200, 620, 280]


def check_mentions(d: Description) -> None:
    for m in d.mentions:
        text = getattr(d, m.field)
        assert text[m.start : m.end] == m.text


def test_counts_with_number_words(make: MakeInstances) -> None:
    d = describe(make(["dog", "dog", "dog"], [LEFT, CENTRE, RIGHT]))
    assert d.alt_text.startswith("Three dogs")
    assert d.long_description.startswith("Three small dogs: one on the left, one in the centre and one on the right.")
    assert d.mentions[0].text == "Three dogs" and d.mentions[0].instance_ids == (0, 1, 2)
    check_mentions(d)


def test_hedged_group_in_alt_has_no_number(make: MakeInstances) -> None:
    # Two people each only possibly there: "possibly two people" would be a count the scores do
    # not back; the alt says "some", the long description still gives each one.
    d = describe(make(["bus", "person", "person"], [CENTRE, LEFT, RIGHT], [0.9, 0.4, 0.4]))
    assert d.alt_text.startswith("A bus in the centre and possibly some people")
    assert "Possibly two small people: one on the left and one on the right." in d.long_description
    # the hedge reader of the evaluation sees "some" as part of the hedge
    from captioning.evaluate import hedged_objects

    assert hedged_objects(d.alt_text) == [False, True]
    check_mentions(d)


def test_single_object_with_article_and_position(make: MakeInstances) -> None:
    d = describe(make(["elephant"], [LEFT]))
    assert d.alt_text == "An elephant on the left."
    assert d.long_description == "A small elephant on the left."
    assert d.objects[0].position == "left"
    assert d.objects[0].size == "small"


def test_people_first_then_by_area(make: MakeInstances) -> None:
    bus = [380, 150, 620, 330]
    d = describe(make(["bus", "cup", "person"], [bus, [0, 0, 60, 60], [200, 100, 360, 460]]))
    assert d.alt_text.startswith("A person")
    assert "bus" in d.alt_text
    assert d.long_description.index("bus") < d.long_description.index("cup")


def test_a_passer_by_does_not_open_the_description_of_a_bus(make: MakeInstances) -> None:
    """People go first only when a describer would likely name them (salience model): a small
    person at the foot of a bus that fills the frame comes after the bus."""
    big_bus = [100, 50, 600, 450]
    d = describe(make(["bus", "cup", "person"], [big_bus, [0, 0, 60, 60], [300, 300, 360, 420]]))
    assert d.alt_text.startswith("A bus")
    assert "person" in d.alt_text


def test_tiny_people_do_not_lead(make: MakeInstances) -> None:
    d = describe(make(["bus", "person"], [[100, 50, 600, 450], [10, 10, 14, 20]]))
    assert d.alt_text.startswith("A bus")
    # A passer-by this small is not what the photo is of: named in the long description only.
    assert "person" in d.long_description


def test_size_from_mask_not_box(make: MakeInstances) -> None:
    masks = np.zeros((1, 48, 64), dtype=bool)
    masks[0, :24, :16] = True  # an eighth of the frame in a box covering all of it
    d = describe(make(["cat"], [[0, 0, 640, 480]], masks=masks))
    assert d.objects[0].area_fraction == pytest.approx(1 / 8)
    assert d.objects[0].size == "medium"
    assert d.objects[0].position == "upper left"  # from the mask centroid, not the box centre


def test_fills_most_of_the_photo(make: MakeInstances) -> None:
    d = describe(make(["bed", "cup"], [[0, 0, 640, 400], CENTRE]))
    assert d.alt_text.startswith("A bed filling most of the photo")
    assert d.objects[0].size == "fills most of the photo"
    assert "A bed filling most of the photo." in d.long_description


def test_boxes_only_makes_no_mask_claims(make: MakeInstances) -> None:
    d = describe(make(["bed", "dog"], [[0, 0, 640, 400], LEFT], masks=None))
    assert d.objects[0].size == "spans most of the photo"
    assert "filling" not in d.alt_text + d.long_description
    assert "spanning most of the photo" in d.alt_text
    assert d.long_description.endswith(BOXES_NOTE)
    assert BOXES_NOTE not in describe(make(["dog"], [LEFT])).long_description


def test_duplicates_are_merged(make: MakeInstances) -> None:
    d = describe(make(["dog", "dog"], [[100, 100, 300, 300], [105, 100, 300, 305]], [0.6, 0.9]))
    assert d.alt_text.startswith("A dog")
    assert d.objects[1].certainty == "stated"
    assert d.objects[0].certainty == "dropped" and d.objects[0].merged_into == 1


def test_duplicates_merge_on_boxes_without_masks(make: MakeInstances) -> None:
    d = describe(make(["dog", "dog"], [[100, 100, 300, 300], [105, 100, 300, 305]], masks=None))
    assert d.alt_text.startswith("A dog") and d.objects[1].merged_into == 0


def test_overlap_below_threshold_or_other_class_is_kept(make: MakeInstances) -> None:
    half = describe(make(["dog", "dog"], [[0, 0, 200, 200], [100, 0, 300, 200]]))
    assert half.alt_text.startswith("Two dogs")
    other = describe(make(["dog", "person"], [[0, 0, 200, 200], [0, 0, 200, 200]]))  # no shared family
    assert "dog" in other.alt_text and "person" in other.alt_text


SAME = [100, 100, 300, 300]


def test_back_off_when_the_model_hesitates_between_siblings(make: MakeInstances) -> None:
    d = describe(make(["cat", "dog"], [SAME, [102, 100, 300, 302]], [0.55, 0.5]))
    assert d.alt_text.startswith("An animal")
    assert "cat" not in d.alt_text + d.long_description and "dog" not in d.alt_text + d.long_description
    assert d.objects[0].generic == "animal" and d.objects[0].certainty == "stated"
    assert d.objects[1].certainty == "dropped" and d.objects[1].merged_into == 0
    assert {(m.label, m.instance_ids) for m in d.mentions} == {("animal", (0,))}
    check_mentions(d)
    # boxes only: the same rule on box overlap
    boxes = describe(make(["car", "truck"], [SAME, SAME], [0.7, 0.6], masks=None))
    assert boxes.alt_text.startswith("A vehicle") and boxes.objects[0].generic == "vehicle"


def test_back_off_is_as_sure_as_the_surest_sibling(make: MakeInstances) -> None:
    # The cow scores higher but its class asks for 0.8 to be stated; the dog is sure enough at 0.6.
    # "Possibly an animal" would hedge what the dog alone already shows.
    thresholds = Thresholds(state=0.5, possible=0.3, per_class={"cow": (0.8, 0.3)})
    d = describe(make(["cow", "dog"], [SAME, [102, 100, 300, 302]], [0.7, 0.6]), thresholds=thresholds)
    assert d.objects[0].generic == "animal" and d.objects[0].certainty == "stated"
    assert d.alt_text.startswith("An animal") and "possibly" not in d.alt_text.lower()
    # and never the other way: a possible sibling does not make a stated one less sure
    d = describe(make(["dog", "cow"], [SAME, [102, 100, 300, 302]], [0.7, 0.6]), thresholds=thresholds)
    assert d.objects[0].certainty == "stated" and d.alt_text.startswith("An animal")


def test_labels_in_another_case_are_the_coco_classes(make: MakeInstances) -> None:
    shouting = describe(make(["Person", "Person", "DOG", "Dining  Table"], [LEFT, RIGHT, CENTRE, [0, 300, 640, 480]]))
    plain = describe(make(["person", "person", "dog", "dining table"], [LEFT, RIGHT, CENTRE, [0, 300, 640, 480]]))
    assert shouting.alt_text == plain.alt_text and shouting.long_description == plain.long_description
    assert "two people" in (shouting.alt_text + shouting.long_description).lower()


def test_clear_winner_between_siblings_is_named(make: MakeInstances) -> None:
    d = describe(make(["cat", "dog"], [SAME, SAME], [0.9, 0.35]))  # 0.35 < 0.6 x 0.9: no hesitation
    assert d.alt_text.startswith("A cat") and "dog" not in d.alt_text + d.long_description
    assert d.objects[0].generic is None and d.objects[1].merged_into == 0


def test_no_back_off_across_families_or_for_ground_truth(make: MakeInstances) -> None:
    d = describe(make(["cat", "tie"], [SAME, SAME], [0.55, 0.5]))  # a tie has no family with a cat
    assert "cat" in d.alt_text and "tie" in d.alt_text
    truth = make(["pizza", "sandwich"], [SAME, SAME])
    truth = Instances(truth.image_size, truth.labels, truth.scores, truth.boxes, truth.masks, model="coco-annotations")
    d = describe(truth)  # annotations are counted as drawn: the oracle never merges
    assert "pizza" in d.alt_text and "sandwich" in d.alt_text
    assert all(o.merged_into is None and o.generic is None for o in d.objects)


def test_confidence_wording(make: MakeInstances) -> None:
    d = describe(make(["dog", "cat", "bird"], [LEFT, CENTRE, RIGHT], [0.9, 0.4, 0.2]))
    assert [o.certainty for o in d.objects] == ["stated", "possible", "dropped"]
    # the alt states what is sure and hedges what is likely named but less sure
    assert d.alt_text == "A dog on the left and possibly a cat in the centre."
    assert "Possibly a small cat in the centre." in d.long_description
    assert "bird" not in d.alt_text + d.long_description
    assert all(m.label != "bird" for m in d.mentions)


def test_possible_extra_of_a_stated_class(make: MakeInstances) -> None:
    d = describe(make(["dog", "dog", "dog"], [LEFT, CENTRE, RIGHT], [0.9, 0.8, 0.35]))
    assert d.alt_text == "Two or more dogs."  # two stated: the count is a floor, not a claim
    assert "Possibly another small dog on the right." in d.long_description
    check_mentions(d)


def test_per_class_thresholds(make: MakeInstances) -> None:
    thresholds = Thresholds(per_class={"cat": (0.9, 0.8)})
    d = describe(make(["cat", "dog"], [LEFT, RIGHT], [0.85, 0.85]), thresholds=thresholds)
    assert d.objects[0].certainty == "possible" and d.objects[1].certainty == "stated"
    assert d.alt_text == "A dog on the right and possibly a cat on the left."
    assert "Possibly a small cat on the left." in d.long_description
    with pytest.raises(ValueError):
        Thresholds(state=0.3, possible=0.5)
    with pytest.raises(TypeError):
        thresholds.per_class["dog"] = (0.1, 0.1)  # type: ignore[index]


def test_nothing_stated() -> None:
    for instances in (Instances.empty((640, 480)), Instances.empty((640, 480), mask_size=(10, 10))):
        d = describe(instances)
        assert d.alt_text == EMPTY_ALT
        assert d.long_description.startswith(EMPTY_ALT)
        assert d.objects == () and d.mentions == ()


def test_only_dropped_objects(make: MakeInstances) -> None:
    d = describe(make(["dog"], [LEFT], [0.1]))
    assert d.alt_text == EMPTY_ALT
    assert d.objects[0].certainty == "dropped"


def test_alt_limit_with_many_classes(make: MakeInstances) -> None:
    labels = list(COCO_LABELS[:30])
    boxes = [[10 * k, 10 * k, 10 * k + 100, 10 * k + 80] for k in range(len(labels))]
    d = describe(make(labels, boxes))
    assert len(d.alt_text) <= 125
    assert d.alt_text.endswith(" and other objects.")
    # whole groups are dropped, never words: every mentioned label phrase is complete
    check_mentions(d)
    long_ids = {i for m in d.mentions if m.field == "long_description" for i in m.instance_ids}
    assert long_ids == set(range(len(labels)))


def test_many_of_one_class(make: MakeInstances) -> None:
    boxes = [[40 * k, 300, 40 * k + 35, 340] for k in range(14)]
    d = describe(make(["book"] * 14, boxes))
    assert d.alt_text.startswith("Many books")
    assert d.long_description.startswith("Fourteen books across the photo, all small.")


def test_grammar_of_output(make: MakeInstances) -> None:
    d = describe(make(["umbrella", "person", "person", "knife", "knife"], [LEFT, CENTRE, RIGHT, LEFT, RIGHT]))
    assert d.alt_text[0].isupper() and d.alt_text.endswith(".")
    assert "an umbrella" in d.alt_text and "two people" in d.alt_text.lower() and "two knives" in d.alt_text
    assert not re.match(r"(image|picture|photo) of", d.alt_text, re.IGNORECASE)


def test_deterministic_and_serialisable(make: MakeInstances) -> None:
    instances = make(["dog", "cat", "dog", "person"], [LEFT, CENTRE, RIGHT, [0, 0, 300, 400]], [0.9, 0.45, 0.7, 0.99])
    a, b = describe(instances), describe(instances)
    assert a == b and a.to_dict() == b.to_dict()
    data = json.loads(json.dumps(a.to_dict()))
    assert set(data) == {"alt_text", "long_description", "objects", "mentions", "relations"}
    assert {"label", "score", "box", "area_fraction", "position"} <= set(data["objects"][0])
    assert data["objects"][3]["box"] == [0.0, 0.0, 300.0, 400.0]


def test_a_class_is_named_by_its_best_instance_and_counted_only_when_each_is_sure(make: MakeInstances) -> None:
    """``state`` names the class; a further dog below ``count`` is only possible: "a dog" plus
    "possibly another dog", never "two dogs" on a weak second detection."""
    boxes = [[10, 200, 110, 300], [400, 200, 500, 300]]
    thresholds = Thresholds(per_class={"dog": (0.5, 0.3, 0.8)})
    weak_second = describe(make(["dog", "dog"], boxes, [0.9, 0.6]), thresholds=thresholds)
    assert [o.certainty for o in weak_second.objects] == ["stated", "possible"]
    assert "two dogs" not in weak_second.long_description.lower()
    assert "possibly another" in weak_second.long_description.lower()
    sure = describe(make(["dog", "dog"], boxes, [0.9, 0.85]), thresholds=thresholds)
    assert [o.certainty for o in sure.objects] == ["stated", "stated"]
    assert "two dogs" in sure.alt_text.lower()
    # Without a count threshold the state threshold counts, as before.
    plain = describe(make(["dog", "dog"], boxes, [0.9, 0.6]), thresholds=Thresholds(per_class={"dog": (0.5, 0.3)}))
    assert [o.certainty for o in plain.objects] == ["stated", "stated"]


def test_count_threshold_is_checked() -> None:
    with pytest.raises(ValueError):
        Thresholds(per_class={"dog": (0.5, 0.3, 1.5)})
    with pytest.raises(ValueError):
        Thresholds(per_class={"dog": (0.5,)})
    assert Thresholds(per_class={"dog": (0.5, 0.3, 0.2)}).count_threshold("dog") == 0.5  # never below state


def test_many_weak_extras_are_not_counted_out_loud(make: MakeInstances) -> None:
    boxes = [[10 + 20 * k, 10 + 15 * (k % 5), 28 + 20 * k, 40 + 15 * (k % 5)] for k in range(30)]
    d = describe(
        make(["person"] * 30, boxes, [0.95] + [0.35] * 29), thresholds=Thresholds(per_class={"person": (0.5, 0.3)})
    )
    assert "possibly many more people" in d.long_description.lower()
    assert "29" not in d.long_description and "twenty" not in d.long_description.lower()


def test_degenerate_boxes_have_no_area_and_do_not_crash(make: MakeInstances) -> None:
    # x1 < x0 (one side negative): the area was negative, its square root in the salience complex,
    # and sorting two groups raised TypeError.
    d = describe(make(["dog", "cat"], [[300, 100, 100, 300], LEFT], masks=None))
    assert [o.area_fraction for o in d.objects][0] == 0.0
    assert "dog" in d.long_description and "cat" in d.long_description
    # Both sides negative: the product was a positive, "medium" area for an empty box.
    d = describe(make(["dog"], [[300, 300, 100, 100]], masks=None))
    assert d.objects[0].area_fraction == 0.0


def test_or_more_is_placed_where_all_of_them_are(make: MakeInstances) -> None:
    # The place was taken from the stated dog only: "One or more dogs on the left." while the
    # possible one is on the right.
    d = describe(make(["dog", "dog"], [LEFT, RIGHT], [0.9, 0.35]))
    assert d.alt_text == "One or more dogs."
    d = describe(make(["dog", "dog"], [LEFT, [20, 300, 100, 380]], [0.9, 0.35]))
    assert d.alt_text == "One or more dogs on the left."
    check_mentions(d)


def test_an_over_long_label_is_cut_and_keeps_its_hedge(make: MakeInstances) -> None:
    # Only unknown labels can overflow the alt limit on their own; the fallback dropped "possibly".
    label = " ".join(["extraordinarily long label"] * 6)
    d = describe(make([label], [LEFT], [0.4]))
    assert d.objects[0].certainty == "possible"
    assert d.alt_text.startswith("Possibly a")
    assert len(d.alt_text) <= 125
    d = describe(make([label], [LEFT]))
    assert d.alt_text.startswith("An extraordinarily long label") and len(d.alt_text) <= 125


def test_a_nan_box_with_a_small_mask_is_placed_by_its_mask() -> None:
    # A NaN coordinate (a diverged model) crashed the exact measure of small masks (int(nan)).
    masks = np.zeros((2, 480, 640), dtype=bool)
    masks[0, 100:110, 100:110] = True  # too small for the sampled grid: measured exactly
    masks[1, 200:400, 300:500] = True
    d = describe(
        Instances(
            image_size=(640, 480),
            labels=("dog", "cat"),
            scores=np.array([0.9, 0.9]),
            boxes=np.array([[np.nan, 100, 110, 110], [300, 200, 500, 400]]),
            masks=masks,
            model="test",
        )
    )
    assert d.objects[0].position == "upper left"
    assert d.objects[0].area_fraction == pytest.approx(100 / (480 * 640))


def test_a_crowd_filling_the_photo_is_placed_alike_in_both_texts(make: MakeInstances) -> None:
    d = describe(make(["person"], [[10, 10, 630, 470]]), crowd=[0])
    assert d.alt_text == "A group of people filling most of the photo."
    assert d.long_description.startswith("A group of people filling most of the photo.")
    spread = describe(make(["person"] * 3, [[0, 0, 100, 100], [540, 380, 640, 480], [270, 200, 370, 280]]), crowd=[0])
    assert "across the photo" in spread.long_description and "across" not in spread.alt_text
