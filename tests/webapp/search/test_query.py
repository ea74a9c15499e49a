"""The query language alone (no database): what each form of words turns into."""

from __future__ import annotations

import pytest

from webapp.search.query import All, Any, Atom, Not, QueryError, parse


def only(query: str) -> Atom:
    node = parse(query).node
    assert isinstance(node, Atom), node
    return node


@pytest.mark.parametrize(
    ("query", "key", "low", "high"),
    [
        ("dog", "o:dog", 1, None),
        ("Dogs", "o:dog", 1, None),
        ("a puppy", "o:dog", 1, None),
        ("people", "o:person", 1, None),
        ("kids", "o:person", 1, None),
        ("bike", "o:bicycle", 1, None),
        ("sofa", "o:couch", 1, None),
        ("television", "o:tv", 1, None),
        ("mobile phone", "o:cell phone", 1, None),
        ("hot dogs", "o:hot dog", 1, None),
        ("teddy bears", "o:teddy bear", 1, None),
        ("two dogs", "o:dog", 2, 2),
        ("2 dogs", "o:dog", 2, 2),
        ("exactly 3 cats", "o:cat", 3, 3),
        ("at least 2 dogs", "o:dog", 2, None),
        ("2+ dogs", "o:dog", 2, None),
        ("2 + dogs", "o:dog", 2, None),
        ("2 or more dogs", "o:dog", 2, None),
        ("more than 2 dogs", "o:dog", 3, None),
        ("over 2 dogs", "o:dog", 3, None),
        ("fewer than 2 dogs", "o:dog", 0, 1),
        ("at most 2 dogs", "o:dog", 0, 2),
        ("2 to 4 dogs", "o:dog", 2, 4),
        ("no dogs", "o:dog", 0, 0),
        ("-dog", "o:dog", 0, 0),
        ("several dogs", "o:dog", 2, None),
        ("animals", "s:animal", 1, None),
        ("two vehicles", "s:vehicle", 2, 2),
        ("large dog", "o:dog@large", 1, None),
        ("two small cats", "o:cat@small", 2, 2),
        ("dog on the left", "o:dog@left", 1, None),
        ("two people on the right side", "o:person@right", 2, 2),
        ("person on horse", "r:person|on|horse", 1, None),
        ("people riding horses", "r:person|riding|horse", 1, None),
        ("cat on top of a couch", "r:cat|on|couch", 1, None),
        ("person holding an umbrella", "r:person|holding|umbrella", 1, None),
        ("dog in front of person", "r:dog|in front of|person", 1, None),
        ("dog beside a car", "r:dog|next to|car", 1, None),
        ("animal behind vehicle", "r:s:animal|behind|s:vehicle", 1, None),
        ("large person riding a horse", "r:person@large|riding|horse", 1, None),
        ("two people riding small horses", "r:person|riding|horse@small", 2, 2),
        ("small dog next to a big person", "r:dog@small|next to|person@large", 1, None),
        ("retrievers", "w:retriever", 1, None),
    ],
)
def test_single_conditions(query: str, key: str, low: int, high: int | None) -> None:
    atom = only(query)
    assert (atom.key, atom.low, atom.high) == (key, low, high)


def test_combinations() -> None:
    assert parse("dog and person").node == parse("dog person").node == parse("dog, person").node
    both = parse("dog person").node
    assert isinstance(both, All) and [a.key for a in both.children] == ["o:dog", "o:person"]
    either = parse("dog or cat").node
    assert isinstance(either, Any) and [a.key for a in either.children] == ["o:dog", "o:cat"]
    assert parse("dog -cat").node == parse("dog without cat").node == parse("dog not cat").node
    three = parse("two people and dog -cat").node
    assert [(a.key, a.low, a.high) for a in three.children] == [("o:person", 2, 2), ("o:dog", 1, None), ("o:cat", 0, 0)]
    negated_count = parse("dog -two cats").node
    assert isinstance(negated_count.children[1], Not)
    mixed = parse("dog and cat or bird").node
    assert isinstance(mixed, Any) and isinstance(mixed.children[0], All)


def test_size_and_place_together_and_explanations() -> None:
    # One key for one instance's size and places: the same dog is large and on the left.
    assert (only("large dog on the left").key, only("large dog on the left").low) == ("o:dog@large@left", 1)
    assert parse("large dog on the left").explanation == "at least one large dog on the left"
    two = only("two large dogs on the left")
    assert (two.key, two.low, two.high) == ("o:dog@large@left", 2, 2)
    assert only("no small cats at the top right").key == "o:cat@small@top@right"
    assert only("people on the left at the top").key == only("person on the upper left").key == "o:person@top@left"
    assert only("large animals in the centre").key == "s:animal@large@centre"
    # Two places of one axis cannot be one instance's: some dog in each.
    apart = parse("dog on the left right").node
    assert isinstance(apart, All) and [a.key for a in apart.children] == ["o:dog@left", "o:dog@right"]
    assert parse("two dogs or no cats").explanation == "exactly 2 dogs or no cats"
    assert parse("at least 3 people").explanation == "at least 3 people"
    assert parse("puppy").notes and "dogs" in parse("puppy").notes[0]


def test_other_words_search_the_alt_text() -> None:
    parsed = parse("dog on the beach at sunset")
    assert parsed.words == ["beach", "sunset"]
    assert [a.key for a in parsed.node.children] == ["o:dog", "w:beach", "w:sunset"]


@pytest.mark.parametrize("query", ["at least", "two", "3 blorps", "big", "dog without", "fewer than 0 cats", "x" * 201])
def test_unreadable_queries_raise_a_message(query: str) -> None:
    with pytest.raises(QueryError) as info:
        parse(query)
    assert len(str(info.value)) > 20


def test_empty_and_small_words() -> None:
    assert parse("").node is None
    assert parse("the of a").node is None
