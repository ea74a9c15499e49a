"""Property tests: whatever a backend returns, the text stays within its promises."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from captioning import describe
from captioning.lang.en import FAMILY_NOUNS as GENERIC_NOUNS
from captioning.thresholds import GROUND_TRUTH_MODEL
from captioning.vocabulary import COCO_LABELS, family_members
from segmentation.result import Instances

WIDTH, HEIGHT = 640, 480


@st.composite
def instance_sets(draw: st.DrawFn) -> Instances:
    n = draw(st.integers(0, 30))
    # a small label pool makes same-class groups (and duplicates) common
    pool = draw(st.lists(st.sampled_from(COCO_LABELS), min_size=1, max_size=8, unique=True))
    labels = [draw(st.sampled_from(pool)) for _ in range(n)]
    scores = [draw(st.floats(0, 1, width=32)) for _ in range(n)]
    boxes = []
    for _ in range(n):
        x0 = draw(st.floats(-50, WIDTH, width=32))
        y0 = draw(st.floats(-50, HEIGHT, width=32))
        boxes.append([x0, y0, x0 + draw(st.floats(0, 700, width=32)), y0 + draw(st.floats(0, 500, width=32))])
    masks = None
    if draw(st.booleans()):
        h, w = draw(st.sampled_from([(6, 8), (24, 32)]))
        seed = draw(st.integers(0, 2**32 - 1))
        masks = np.random.default_rng(seed).random((n, h, w)) < draw(st.floats(0, 1))
    return Instances(
        image_size=(WIDTH, HEIGHT),
        labels=tuple(labels),
        scores=np.asarray(scores, dtype=np.float32),
        boxes=np.asarray(boxes, dtype=np.float32).reshape(n, 4),
        masks=masks,
        # ground truth is never merged; model output is: exercise both paths
        model=draw(st.sampled_from(["test", GROUND_TRUTH_MODEL])),
    )


def _repeated_word(text: str) -> str | None:
    words = re.findall(r"[a-z0-9-]+", text.lower())
    return next((a for a, b in zip(words, words[1:], strict=False) if a == b), None)


@settings(max_examples=300, deadline=None)
@given(instance_sets())
def test_text_promises(instances: Instances) -> None:
    d = describe(instances)
    assert d.alt_text and len(d.alt_text) <= 125
    assert d.long_description
    assert d.alt_text[0].isupper() and d.alt_text.endswith(".")
    assert not re.match(r"(image|picture|photo) of", d.alt_text, re.IGNORECASE)
    assert _repeated_word(d.alt_text) is None, d.alt_text
    assert _repeated_word(d.long_description) is None, d.long_description
    assert len(d.objects) == len(instances)
    assert [o.index for o in d.objects] == list(range(len(instances)))
    for m in d.mentions:
        assert m.instance_ids and all(0 <= i < len(instances) for i in m.instance_ids)
        labels = {instances.labels[i] for i in m.instance_ids}
        if m.label in COCO_LABELS:
            assert labels == {m.label}, (m, labels)
        else:  # a backed-off phrase ("an animal"): a known family word over members of that family
            assert m.label in GENERIC_NOUNS and labels <= family_members(m.label), (m, labels)
        assert getattr(d, m.field)[m.start : m.end] == m.text
    mentioned = {i for m in d.mentions for i in m.instance_ids}
    # the long description covers every instance that is not dropped, and nothing else
    long_ids = {i for m in d.mentions if m.field == "long_description" for i in m.instance_ids}
    assert long_ids == {o.index for o in d.objects if o.certainty != "dropped"}
    assert all(d.objects[i].certainty != "dropped" for i in mentioned)
    assert describe(instances) == d  # deterministic
