"""The index rows of one photo (pure functions shared by the app, the migration and the bench)."""

from __future__ import annotations

from captioning import Description
from webapp.photos.results import read_description
from webapp.search.terms import photo_terms


def obj(index: int, label: str, certainty: str = "stated", area: float = 0.05, position: str = "centre") -> dict:
    return {
        "index": index,
        "label": label,
        "certainty": certainty,
        "area_fraction": area,
        "position": position,
        # Stored with every object; not indexed.
        "score": 0.9,
        "box": [0, 0, 1, 1],
        "centre": [0.5, 0.5],
        "size": "",
    }


def description(objects: list[dict], relations: list[dict] = ()) -> dict:
    return {"alt_text": "", "long_description": "", "objects": objects, "mentions": [], "relations": list(relations)}


def test_counts_sizes_places_supercategories_relations_and_words() -> None:
    result = {
        "instances": {"image_size": [400, 200], "labels": [], "scores": [], "boxes": [], "masks": None},
        "description": description(
            [
                obj(0, "dog", area=0.3, position="upper left"),
                obj(1, "dog", area=0.001, position="lower right"),
                obj(2, "dog", certainty="possible"),
                obj(3, "dog", certainty="dropped"),
                obj(4, "person", position="centre"),
                obj(5, "horse", certainty="possible"),
            ],
            [
                {"subject": 4, "predicate": "holding", "object": 0},
                {"subject": 4, "predicate": "next to", "object": 1},
                {"subject": 4, "predicate": "riding", "object": 5},  # not stated: not indexed
                {"subject": 9, "predicate": "on", "object": 0},  # no such instance
            ],
        ),
    }
    terms = photo_terms(read_description(result), "Two dogs chasing balls on the beach")
    assert terms["o:dog"] == 2 and terms["s:animal"] == 2 and terms["o:person"] == 1
    assert "s:person" not in terms
    assert terms["o:dog@large"] == 1 and terms["o:dog@small"] == 1
    assert terms["o:dog@left"] == 1 and terms["o:dog@top"] == 1 and terms["o:dog@right"] == 1
    assert terms["o:dog@bottom"] == 1 and terms["o:person@centre"] == 1
    assert terms["*"] == 1  # every described photo: the set negations start from
    # Size and places of the same instance: the large dog is the upper-left one.
    assert terms["o:dog@large@left"] == 1 and terms["o:dog@large@top@left"] == 1 and terms["o:dog@top@left"] == 1
    assert terms["o:dog@small@bottom@right"] == 1 and terms["s:animal@large@top"] == 1
    assert "o:dog@large@right" not in terms and "o:dog@small@left" not in terms and "o:dog@large@bottom" not in terms
    assert terms["o:person@medium@centre"] == 1 and not any(k.startswith("o:person@medium@top") for k in terms)
    assert "o:horse" not in terms
    assert terms["r:person|holding|dog"] == 1 and terms["r:person|holding|s:animal"] == 1
    assert terms["r:person|next to|dog"] == 1
    # Relation keys carry each side's own size: the person holds the large dog, stands by the small one.
    assert terms["r:person@medium|holding|dog@large"] == 1 and terms["r:person|holding|s:animal@large"] == 1
    assert terms["r:person|next to|dog@small"] == 1 and "r:person|holding|dog@small" not in terms
    assert not any(k.startswith("r:person|riding") or k.startswith("r:person|on") for k in terms)
    assert terms["w:dog"] == 1 and terms["w:ball"] == 1 and terms["w:beach"] == 1 and terms["w:chasing"] == 1
    assert "w:the" not in terms and "w:on" not in terms


def test_a_photo_without_result_has_only_words() -> None:
    assert photo_terms(read_description(None), "") == {"*": 1}
    assert photo_terms(read_description({"instances": {}}), "Sunset") == {"w:sunset": 1, "*": 1}


def test_exact_counts_of_combined_keys() -> None:
    objects = [
        obj(0, "dog", area=0.3, position="left"),
        obj(1, "dog", area=0.3, position="upper left"),
        obj(2, "dog", area=0.3, position="right"),
        obj(3, "dog", area=0.001, position="left"),
    ]
    terms = photo_terms(Description.from_dict(description(objects)), "")
    assert terms["o:dog"] == 4 and terms["o:dog@large"] == 3 and terms["o:dog@left"] == 3
    assert terms["o:dog@large@left"] == 2 and terms["o:dog@large@top@left"] == 1 and terms["o:dog@small@left"] == 1
