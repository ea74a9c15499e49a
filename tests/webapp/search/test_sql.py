"""The SQL of a query tree (set operations on the index alone) against the same tree evaluated in
Python on the same rows: random libraries, random trees (and/or/not, counts, nesting)."""

from __future__ import annotations

import random

import pytest
from django.db import connection

from webapp.photos.models import Photo
from webapp.search.models import SearchTerm
from webapp.search.query import All, Any, Atom, Node, Not, parse
from webapp.search.services import recount_keys
from webapp.search.sql import Compiler, count_matches, matching_ids
from webapp.search.terms import ALL_KEY

pytestmark = pytest.mark.django_db

KEYS = ["o:dog", "o:cat", "o:person", "w:beach"]


def make_library(owner, rng: random.Random, n: int) -> dict[int, dict[str, int]]:  # noqa: ANN001
    photos = Photo.objects.bulk_create(
        Photo(owner=owner, image=f"{i}.jpg", thumbnail=f"{i}_t.jpg", original_name=f"{i}.jpg", width=1, height=1)
        for i in range(n)
    )
    library = {}
    for photo in photos:
        terms = {key: rng.choice((0, 0, 1, 1, 2, 3)) for key in KEYS}
        terms = {key: count for key, count in terms.items() if count} | {ALL_KEY: 1}
        library[photo.pk] = terms
    SearchTerm.objects.bulk_create(
        SearchTerm(photo_id=pk, owner_id=owner.pk, key=key, count=count)
        for pk, terms in library.items()
        for key, count in terms.items()
    )
    recount_keys(owner)
    return library


def matches(node: Node, terms: dict[str, int]) -> bool:
    if isinstance(node, Atom):
        count = terms.get(node.key, 0)
        return node.low <= count and (node.high is None or count <= node.high)
    if isinstance(node, Not):
        return not matches(node.child, terms)
    if isinstance(node, All):
        return all(matches(c, terms) for c in node.children)
    return any(matches(c, terms) for c in node.children)


def random_node(rng: random.Random, depth: int) -> Node:
    roll = rng.random()
    if depth == 0 or roll < 0.4:
        low = rng.choice((0, 1, 1, 2))
        high = rng.choice((None, low, low + 1)) if low else rng.choice((0, 1, None))
        return Atom(rng.choice([*KEYS, "o:horse"]), low, high)
    if roll < 0.55:
        return Not(random_node(rng, depth - 1))
    children = tuple(random_node(rng, depth - 1) for _ in range(rng.randint(2, 3)))
    return All(children) if roll < 0.8 else Any(children)


def plans(rng: random.Random) -> list[dict[str, int] | None]:
    """The real key totals; none (merge everything); made-up ones that make the planner probe."""
    skewed = {ALL_KEY: 1000} | {key: rng.choice((1, 10, 1000)) for key in [*KEYS, "o:horse"]}
    return [None, {}, skewed]


def test_random_trees_match_a_python_evaluation(user, other_user) -> None:  # noqa: ANN001
    rng = random.Random(6)
    library = make_library(user, rng, 60)
    make_library(other_user, rng, 20)  # never counted, never listed
    for _ in range(300):
        node = random_node(rng, 3)
        want = sorted((pk for pk, terms in library.items() if matches(node, terms)), reverse=True)
        for sizes in plans(rng):
            ids = matching_ids(user.pk, node, limit=100, sizes=sizes)
            assert ids == want, (node, sizes)
            assert matching_ids(user.pk, node, limit=5, offset=3, sizes=sizes) == want[3:8], (node, sizes)
        assert count_matches(user.pk, node) == len(want), node


def test_the_planner_probes_large_sets_and_merges_small_ones(user) -> None:  # noqa: ANN001
    node = parse("two dogs and person and cat -beach").node
    sizes = {ALL_KEY: 1000, "o:dog": 10, "o:cat": 20, "o:person": 900, "w:beach": 800}
    text, _ = Compiler(user.pk, sizes).compile(node).sql()
    assert "FROM (SELECT photo_id" in text and "NOT EXISTS" in text
    if connection.vendor == "postgresql":  # semi/anti joins on the smallest condition: two dogs
        assert "INTERSECT" not in text and text.count("EXISTS") == 3
    else:  # cats (20) are merged with the 10 dog photos; people (900) and beach (800) probed
        assert "INTERSECT" in text and text.count("EXISTS") == 2
        assert Compiler(user.pk, {}).compile(node).sql()[0].count("EXISTS") == 0


@pytest.mark.parametrize(
    "query",
    ["dog", "no dogs", "dog -cat", "two dogs and cat or person", "person or dog and cat", "dog -cat -person", "-dog"],
)
def test_parsed_queries_match_a_python_evaluation(user, query: str) -> None:  # noqa: ANN001
    library = make_library(user, random.Random(query), 40)
    node = parse(query).node
    want = sorted((pk for pk, terms in library.items() if matches(node, terms)), reverse=True)
    assert 0 < len(want) < len(library)
    assert count_matches(user.pk, node) == len(want)
    assert matching_ids(user.pk, node, limit=24) == want[:24]
