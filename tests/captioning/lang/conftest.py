"""Realistic plans, the same for every language: each language's tests give the sentences a
native editor would write for them (by hand, from the grammar references named in each file)."""

from __future__ import annotations

import pytest

from captioning.plan import (
    AltMention,
    AltPlan,
    AltRelation,
    BoxesNote,
    Crowd,
    Extra,
    Holder,
    Largest,
    Members,
    Part,
    Plan,
    Quote,
    Ref,
    RelationSentence,
    Summary,
    TextNote,
    TextPlan,
)

BOOKS = tuple(range(10, 31))  # 21 books

PLANS: dict[str, Plan] = {
    # A rider, dogs; "riding" with an animal (dative in German, "monter" in French and Spanish).
    "riding": Plan(
        AltPlan(
            (
                AltMention("person", (0,), 1, "exact", "stated", "left", AltRelation("riding", "horse", (1,)), False),
                AltMention("dog", (2, 3), 2, "exact", "stated", "right"),
            )
        ),
        (
            Members("person", (0,), 1, "medium", "left"),
            Members("horse", (1,), 1, "large", "left"),
            Members("dog", (2, 3), 2, "small", "right"),
            RelationSentence(Ref("person", (0,), "the"), "riding", Ref("horse", (1,), "the")),
        ),
    ),
    # Hedges, five of a weak masculine, one more only possibly there, other objects.
    "hedged": Plan(
        AltPlan(
            (
                AltMention("cup", (0,), 1, "exact", "hedged", "centre", None, False),
                AltMention("bear", (1, 2, 3, 4, 5), 5, "exact", "stated", "top"),
            ),
            "stated",
        ),
        (
            Members("cup", (0,), 1, "small", "centre", hedged=True),
            Members("bear", (1, 2, 3, 4, 5), 5, "large", "top"),
            Extra("dog", (6,), 1, "very small", "lower left"),
        ),
    ),
    # Most of the photo, a floor, "many", 21 books summarised, "both" after a preposition.
    "numbers": Plan(
        AltPlan(
            (
                AltMention("elephant", (0,), 1, "exact", "stated", "most", None, False),
                AltMention("cup", (1, 2), 2, "at_least", "stated", "left"),
                AltMention("book", BOOKS, 21, "many", "stated"),
            )
        ),
        (
            Members("elephant", (0,), 1, "most", None),
            Members("cup", (1, 2), 2, None, "left", (Part((1,), 1, "small"), Part((2,), 1, "medium"))),
            Summary("book", BOOKS, 21, "across the photo", "small", False, Largest(10, "medium", "left")),
            RelationSentence(Ref("cup", (1, 2), "all", total=2), "next to", Ref("elephant", (0,), "the"), plural=True),
        ),
    ),
    # A crowd, its members, pairs riding "each", holding (accusative in German).
    "crowd": Plan(
        AltPlan(
            (
                AltMention("person", (0,), 1, "group", "stated", None, None, False),
                AltMention("umbrella", (9,), 1, "exact", "stated", "upper right"),
            )
        ),
        (
            Crowd("person", (0,), "across the photo"),
            Members(
                "person",
                (1, 2),
                2,
                "small",
                None,
                (Part((1,), 1, None, "left"), Part((2,), 1, None, "centre")),
                among=True,
            ),
            Members("horse", (3, 4), 2, "large", "centre"),
            Members("umbrella", (9,), 1, "small", "upper right"),
            RelationSentence(
                Ref("person", (1, 2), "the_all", total=2),
                "riding",
                Ref("horse", (3, 4), "one_of"),
                plural=True,
                each=True,
            ),
            RelationSentence(Ref("person", (1,), "placed", "left"), "holding", Ref("umbrella", (9,), "the")),
        ),
    ),
    # "some" hedged, part of a group on a table, one of several behind a fire hydrant (weak noun).
    "table": Plan(
        AltPlan(
            (
                AltMention("cup", (0, 1, 2, 3), 4, "exact", "stated", None, None, False),
                AltMention("dining table", (5,), 1, "exact", "stated"),
                AltMention("bear", (6, 7), 2, "some", "hedged"),
            )
        ),
        (
            Members("cup", (0, 1, 2, 3), 4, "small", "centre"),
            Members("dining table", (5,), 1, "large", "bottom"),
            Members("bear", (6, 7), 2, "very small", "right", hedged=True),
            Members("fire hydrant", (9,), 1, "small", "right"),
            RelationSentence(
                Ref("cup", (0, 1, 2), "some_of", total=4), "on", Ref("dining table", (5,), "the"), plural=True
            ),
            RelationSentence(Ref("bear", (6,), "one_of"), "behind", Ref("fire hydrant", (9,), "the")),
        ),
    ),
    # Text read in the photo: quoted as read (never translated), on a holder or alone; a number
    # plate and unclear text only said.
    "text": Plan(
        AltPlan(
            (
                AltMention("bus", (0,), 1, "exact", "stated", "left", None, False),
                AltMention("car", (1, 2), 2, "exact", "stated"),
            )
        ),
        (Members("bus", (0,), 1, "large", "left"), Members("car", (1, 2), 2, "small", "right")),
        True,
        TextPlan(
            (Quote(("NEXT STOP",), Holder("bus")), Quote(("Main St",), None)),
            (TextNote("plate", Holder("car", "right")), TextNote("unclear", Holder("bus")), TextNote("unclear", None)),
        ),
    ),
    # Boxes only: "spanning" rather than "filling", and the note that sizes are rough.
    "boxes": Plan(
        AltPlan((AltMention("bed", (0,), 1, "exact", "stated", "most", None, False),)),
        (Members("bed", (0,), 1, "most", None), BoxesNote()),
        False,
    ),
}


@pytest.fixture
def plans() -> dict[str, Plan]:
    return PLANS
