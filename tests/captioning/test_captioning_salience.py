"""The salience model (:mod:`captioning.salience`): its file, its features, the order and choice
of the alt text, and the oracle figures on ``../shared/coco-val-calib/`` it reaches."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from captioning import describe
from captioning.evaluate import evaluate
from captioning.layout import compute_layout
from captioning.salience import FALLBACK, FEATURES, SALIENCE_FILE, load_model, model_from_dict
from segmentation.result import Instances

MakeInstances = Callable[..., Instances]
VAL = Path("/work/shared/coco-val-calib")


def test_file_has_provenance_and_matches_the_code() -> None:
    data = json.loads(SALIENCE_FILE.read_text())
    assert data["model"]["features"] == list(FEATURES)
    assert {"command", "date", "data", "cross_validation"} <= set(data["provenance"])
    assert "coco-train-mini" in data["provenance"]["data"]  # fitted on train photos, never on val-calib
    model = load_model()
    assert 0.0 < model.threshold < 1.0 and model.source == SALIENCE_FILE.name
    assert model.class_prior("person") > model.class_prior("fork")


def test_missing_file_and_wrong_features(tmp_path: Path) -> None:
    assert load_model(str(tmp_path / "none.json")) is FALLBACK
    data = json.loads(SALIENCE_FILE.read_text())["model"]
    with pytest.raises(ValueError, match="features"):
        model_from_dict({**data, "features": ["prior"]})


def test_large_central_object_outranks_small_corner_one(make: MakeInstances) -> None:
    d = describe(make(["cup", "cat"], [[0, 0, 40, 30], [200, 120, 460, 400]]))
    assert d.alt_text.startswith("A cat")
    assert "cup" not in d.alt_text and "cup" in d.long_description


def test_threshold_decides_what_the_alt_names(make: MakeInstances) -> None:
    inst = make(["dog", "bottle", "chair"], [[150, 100, 500, 450], [10, 10, 40, 60], [560, 300, 640, 480]])
    everything = describe(inst, salience=replace(load_model(), threshold=0.0)).alt_text
    only_first = describe(inst, salience=replace(load_model(), threshold=1.0)).alt_text
    assert all(word in everything for word in ("dog", "bottle", "chair"))
    assert only_first.startswith("A dog") and "bottle" not in only_first and "other objects" in only_first


def test_relations_raise_salience(make: MakeInstances) -> None:
    from captioning.salience import group_features

    inst = make(["person", "tennis racket"], [[260, 60, 360, 400], [330, 150, 380, 220]])
    layout = compute_layout(inst)
    model = load_model()
    plain, linked = (
        group_features([(0,), (1,)], ["person", "tennis racket"], layout, model, held)[1]
        for held in ((), {"tennis racket"})
    )
    assert model.probability(linked) > model.probability(plain)


@pytest.mark.skipif(not (VAL / "instances.json").exists(), reason="val-calib photos not present")
def test_oracle_figures_on_val_calib() -> None:
    """Regression guard for the figures reached (bench/README.md, "Captioning"). Issue 3's
    Done-when asks F1 >= the human anchor, first object salient at least as often and recall
    >= 0.95; these are not all reached yet (see the README for why), so the test pins what is."""
    report = evaluate(VAL / "instances.json", VAL / "captions.json")
    assert report["chair_i"] == 0.0 and report["hallucinated_mentions"] == 0
    assert report["counts"]["exact"]["accuracy"] == 1.0 and report["counts"]["at_least"]["n"] == 0
    assert report["alt_length"]["max"] <= 125
    assert report["recall"] >= 0.88
    assert report["f1"]["alt"] >= 0.79 and report["f1"]["human_anchor"] > 0.8
    assert report["first_salient"]["alt"] >= 0.88
