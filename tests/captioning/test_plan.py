"""The plan (captioning.plan) and every realiser (captioning.lang), over random plans.

Parametrised over :data:`captioning.lang.LANGUAGES`: a new language module gets these checks
without a line here.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings

from captioning import describe
from captioning.lang import LANGUAGES, Text, UnknownLanguage, realise
from captioning.plan import (
    ALT_LIMIT,
    PLAN_VERSION,
    AltMention,
    AltPlan,
    Crowd,
    Extra,
    Members,
    Plan,
    RelationSentence,
    Summary,
)
from segmentation.result import Instances
from tests.captioning.conftest import MakeInstances
from tests.captioning.plans import plans
from tests.captioning.test_captioning_properties import instance_sets

CODES = sorted(LANGUAGES)


def said_ids(text: Text, field: str) -> set[int]:
    return {i for m in text.mentions if m.field == field for i in m.instance_ids}


def sentence_ids(plan: Plan) -> set[int]:
    out: set[int] = set()
    for s in plan.long:
        if isinstance(s, (Members, Summary, Extra, Crowd)):
            out |= set(s.ids)
        elif isinstance(s, RelationSentence):
            out |= {*s.subject.ids, *s.object.ids}
    return out


@pytest.mark.parametrize("lang", CODES)
@settings(max_examples=150, deadline=None)
@given(plan=plans())
def test_realisers_keep_the_plans_promises(lang: str, plan: Plan) -> None:
    text = realise(plan, lang)
    # deterministic, and the same from a stored plan
    assert realise(plan, lang) == text
    stored = Plan.from_dict(json.loads(json.dumps(plan.to_dict())))
    assert stored == plan and realise(stored, lang) == text
    assert text.lang == lang
    # the bound holds in every language, and neither text is ever empty
    assert 0 < len(text.alt_text) <= ALT_LIMIT, text.alt_text
    assert text.long_description
    for m in text.mentions:
        assert getattr(text, m.field)[m.start : m.end] == m.text, m
    if plan.text is None or not (plan.text.quotes or plan.text.notes):
        assert text.alt_text[0].isupper() and text.alt_text.endswith("."), text.alt_text
    if plan.alt.mentions and not (plan.text and plan.text.mostly):
        # only trailing droppable mentions are dropped: what the alt says is a prefix of the plan
        said = said_ids(text, "alt_text")
        kept = [m for m in plan.alt.mentions if set(m.ids) <= said]
        assert kept == list(plan.alt.mentions[: len(kept)]), (text.alt_text, plan.alt.mentions)
        assert all(m in kept for m in plan.alt.mentions if not m.droppable), text.alt_text
        # the long description has every fact: every object of every sentence is linked
        assert sentence_ids(plan) <= said_ids(text, "long_description"), text.long_description


@pytest.mark.parametrize("lang", CODES)
def test_describe_in_a_language_is_its_plan_realised(lang: str, make: MakeInstances) -> None:
    instances = make(
        ["person", "horse", "dog", "dog", "cup"],
        [[100, 50, 300, 400], [90, 200, 320, 460], [400, 300, 450, 350], [500, 300, 560, 360], [0, 0, 40, 40]],
        [0.99, 0.95, 0.9, 0.4, 0.8],
    )
    d = describe(instances, lang=lang)
    assert d.lang == lang and d.plan is not None
    text = realise(d.plan, lang)
    assert (d.alt_text, d.long_description, d.mentions) == (text.alt_text, text.long_description, text.mentions)
    english = describe(instances)
    assert english.plan == d.plan  # the facts do not depend on the language
    stored = type(d).from_dict(json.loads(json.dumps(d.to_dict(plan=True))))
    assert (stored.plan, stored.lang, stored.alt_text, stored.mentions) == (d.plan, lang, d.alt_text, d.mentions)
    assert "plan" not in d.to_dict()  # stored only when asked for


def test_unknown_language_is_a_clear_error(make: MakeInstances) -> None:
    with pytest.raises(UnknownLanguage, match="'xx'.*en"):
        realise(Plan(AltPlan(), ()), "xx")
    with pytest.raises(UnknownLanguage):
        describe(make(["dog"], [[0, 0, 10, 10]]), lang="xx")


def test_a_stored_plan_is_checked() -> None:
    plan = Plan(AltPlan((AltMention("dog", (0,), 1, "exact", "stated", "left", None, False),)), ())
    data = plan.to_dict()
    assert data["version"] == PLAN_VERSION
    with pytest.raises(ValueError, match="version"):
        Plan.from_dict({**data, "version": PLAN_VERSION + 1})
    bad_place = json.loads(json.dumps(data).replace('"left"', '"far away"'))
    with pytest.raises(ValueError, match="place"):
        Plan.from_dict(bad_place)
    with pytest.raises(ValueError, match="unknown plan part"):
        Plan.from_dict(json.loads(json.dumps(data).replace('"AltMention"', '"Nonsense"')))


def test_english_from_a_hand_made_plan() -> None:
    plan = Plan(
        AltPlan(
            (
                AltMention("person", (0, 1), 2, "exact", "stated", "left", None, False),
                AltMention("dog", (2,), 1, "at_least", "stated", "most", None, True),
                AltMention("cat", (3, 4), 2, "some", "hedged", None, None, True),
            ),
            "possible",
        ),
        (Members("dog", (2,), 1, "most", None), Extra("dog", (5, 6), 2, None, "mostly right")),
        from_masks=False,
    )
    text = realise(plan, "en")
    assert text.alt_text == (
        "Two people on the left, one or more dogs spanning most of the photo, possibly some cats and "
        "possibly other objects."
    )
    assert text.long_description == "A dog spanning most of the photo. Possibly two more dogs mostly on the right."


@pytest.mark.parametrize("lang", CODES)
@settings(max_examples=100, deadline=None)
@given(instances=instance_sets())
def test_described_photos_keep_their_promises_in_every_language(lang: str, instances: Instances) -> None:
    """Whatever a backend returns, each language's text keeps the promises the English one does
    (tests/captioning/test_captioning_properties.py): the bound, one sentence form, every object
    that is not dropped in the long description, mentions where they say."""
    d = describe(instances, lang=lang)
    assert d.plan is not None and realise(d.plan, lang) == Text(lang, d.alt_text, d.long_description, d.mentions)
    assert 0 < len(d.alt_text) <= ALT_LIMIT and d.long_description
    assert d.alt_text[0].isupper() and d.alt_text.endswith("."), d.alt_text
    for m in d.mentions:
        assert getattr(d, m.field)[m.start : m.end] == m.text, m
    long_ids = {i for m in d.mentions if m.field == "long_description" for i in m.instance_ids}
    assert long_ids == {o.index for o in d.objects if o.certainty != "dropped"}


def test_a_description_with_an_unreadable_plan_keeps_its_text(make: MakeInstances) -> None:
    d = describe(make(["dog"], [[20, 200, 100, 280]]))
    data = json.loads(json.dumps(d.to_dict(plan=True)))
    data["plan"]["version"] = PLAN_VERSION + 1  # stored by a later release, or broken
    back = type(d).from_dict(data)
    assert back.plan is None and back.alt_text == d.alt_text and back.mentions == d.mentions
