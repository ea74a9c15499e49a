"""Fitting the salience model from photos and texts (captioning/learning.py): samples, the stored
groups of the shipped model, and that what people keep naming gets named."""

from __future__ import annotations

import json

import numpy as np
import pytest

from captioning import describe
from captioning.learning import (
    GROUPS_FILE,
    Sample,
    agreement,
    chosen_labels,
    fit,
    load_samples,
    sample_from,
    save_samples,
)
from captioning.salience import FEATURES, SALIENCE_FILE, load_model
from captioning.thresholds import GROUND_TRUTH, default_thresholds
from tests.captioning.conftest import MakeInstances, make_instances

TABLE_SCENE = ["dining table", "bowl", "chair", "vase"]


def table_scene(seed: int):  # noqa: ANN201
    """A table filling the lower photo, a small bowl on it, a chair and a vase, moved a little."""
    rng = np.random.default_rng(seed)
    jitter = rng.integers(-20, 20, size=(4, 2))
    boxes = np.array([[0, 200, 640, 480], [500, 380, 600, 460], [20, 100, 200, 470], [300, 60, 420, 180]], float)
    boxes[:, [0, 2]] += jitter[:, :1]
    boxes[:, [1, 3]] += jitter[:, 1:]
    return make_instances(TABLE_SCENE, np.clip(boxes, 0, [640, 480, 640, 480]), [0.95, 0.9, 0.9, 0.9])


def test_sample_shares_rows_and_round_trip(make: MakeInstances) -> None:
    inst = make(["dog", "person", "cup"], [[0, 0, 200, 200], [300, 0, 600, 400], [10, 400, 40, 440]])
    texts = ["A man with his dog.", "A dog and a person.", "An outdoor scene."]
    sample = sample_from(7, inst, texts, GROUND_TRUTH)
    shares = dict(zip(sample.labels, sample.y, strict=True))
    assert shares == pytest.approx({"person": 2 / 3, "dog": 2 / 3, "cup": 0.0})
    assert all(len(row) == len(FEATURES) and row[0] == 0.0 for row in sample.rows)
    again = Sample.from_dict(json.loads(json.dumps(sample.to_dict())))
    assert (again.key, again.labels) == (7, sample.labels)
    assert np.allclose(again.rows, sample.rows, atol=1e-5)
    with pytest.raises(ValueError):
        sample_from(8, inst, [], GROUND_TRUTH)
    with pytest.raises(ValueError):
        Sample.from_dict({"key": 1, "labels": ["dog"], "y": [1.0], "rows": [[0.0, 1.0]]})


def test_stored_groups_refit_to_the_shipped_model() -> None:
    # salience_groups.json must be the data salience.json was fitted on: the app refits from it.
    shipped = load_model()
    about = json.loads(SALIENCE_FILE.read_text())["provenance"]
    samples = load_samples(GROUPS_FILE)
    assert sum(len(s.labels) for s in samples) == about["groups"]
    refit = fit(samples, about["smoothing"], about["l2"], shipped.threshold)
    assert np.allclose(refit.weights, shipped.weights, atol=2e-3)
    assert refit.bias == pytest.approx(shipped.bias, abs=2e-3)
    assert refit.class_prior("bowl") == pytest.approx(shipped.class_prior("bowl"), abs=2e-3)


def test_what_people_keep_naming_gets_named(tmp_path) -> None:  # noqa: ANN001
    shipped = load_model()
    assert "bowl" not in describe(table_scene(0)).alt_text  # the shipped model leaves the bowl out
    thresholds = default_thresholds("test")
    reviews = [sample_from(k, table_scene(k), ["A bowl on a table."], thresholds) for k in range(1, 31)]
    model = fit([*load_samples(), *reviews], threshold=shipped.threshold)
    assert model.class_prior("bowl") > shipped.class_prior("bowl") + 1.0
    held_out = sample_from(99, table_scene(99), ["A bowl on a table."], thresholds)
    assert "bowl" in chosen_labels(held_out, model, 6)
    assert "bowl" in describe(table_scene(99), salience=model).alt_text
    assert agreement([held_out], model, 6)["recall"] == 1.0
    assert agreement([held_out], shipped, 6)["recall"] < 1.0
    # stored and read back, the samples fit the same model
    save_samples(tmp_path / "groups.json", reviews, "test")
    again = fit([*load_samples(), *load_samples(tmp_path / "groups.json")], threshold=shipped.threshold)
    assert np.allclose(again.weights, model.weights, atol=1e-3)


def test_agreement_counts() -> None:
    rows = [[0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]] * 2
    both = Sample(1, ["dog", "cat"], [1.0, 0.0], rows)
    shipped = load_model()
    result = agreement([both], shipped, 6)
    chosen = chosen_labels(both, shipped, 6)
    assert result["recall"] == (1.0 if "dog" in chosen else 0.0)
    assert result["precision"] == pytest.approx(("dog" in chosen) / len(chosen))
    assert agreement([], shipped, 6) == {"f1": 0.0, "recall": 1.0, "precision": 1.0}
