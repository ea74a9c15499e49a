"""captioning.calibration: the shrinkage chain and the prior photos' score shift."""

from __future__ import annotations

import math
import random

import pytest

from captioning import calibration as cc
from captioning.thresholds import thresholds_from_table


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def _samples(labels: list[str], n: int, intercept: float, slope: float, seed: int) -> list[tuple[str, float, bool]]:
    """``n`` presence samples per label whose truth follows ``logit P = intercept + slope * logit(s)``."""
    rng = random.Random(seed)
    out = []
    for label in labels:
        for _ in range(n):
            score = rng.uniform(0.1, 0.97)
            p = _sigmoid(intercept + slope * math.log(score / (1 - score)))
            out.append((label, score, rng.random() < p))
    return out


def test_shrunk_threshold_default_strengths_match_explicit() -> None:
    chain = [[(0.9, True), (0.3, False)], [(0.8, True), (0.5, True), (0.2, False)], [(0.7, True), (0.15, False)]]
    for target in (0.6, 0.8, 0.95):
        assert cc.shrunk_threshold(chain, target, 10.0) == cc.shrunk_threshold(chain, target, 99.0, [10.0, 10.0])


def test_shrunk_threshold_strong_prior_level_dominates_a_few_own_samples() -> None:
    # Two right samples at 0.3 alone say "reliable from 0.3"; a level above with many wrong
    # samples below 0.5 and a heavy weight pulls the threshold above them.
    own = [(0.3, True), (0.35, True)]
    prior = [(0.3 + 0.01 * k, False) for k in range(20)] + [(0.7 + 0.01 * k, True) for k in range(20)]
    everything = own + prior
    weak = cc.shrunk_threshold([own, prior, everything], 0.9, 1.0, [0.5, 1.0])
    strong = cc.shrunk_threshold([own, prior, everything], 0.9, 1.0, [50.0, 1.0])
    assert weak <= 0.3 < 0.35 < strong


def test_shrunk_threshold_needs_one_strength_per_inner_level() -> None:
    with pytest.raises(ValueError):
        cc.shrunk_threshold([[], [], []], 0.9, 10.0, [1.0])


def test_score_shift_identity_and_monotone() -> None:
    assert cc.ScoreShift()(0.37) == pytest.approx(0.37)
    shift = cc.ScoreShift(intercept=-0.5, slope=1.8)
    mapped = [shift(s) for s in (0.1, 0.3, 0.5, 0.7, 0.9)]
    assert mapped == sorted(mapped)
    assert all(0.0 < m < 1.0 for m in mapped)


def test_fit_score_shift_recovers_an_optimistic_training_set() -> None:
    labels = ["dog", "cat", "cup", "bottle", "car", "chair"]
    # New photos: logit P = 0.5 + 0.7 z. Training photos: the same classes, steeper and higher
    # (the model is surer of what it was trained on): logit P = 1.0 + 1.4 z.
    calib = _samples(labels, 150, 0.5, 0.7, seed=1)
    prior = _samples(labels, 150, 1.0, 1.4, seed=2)
    shift = cc.fit_score_shift(calib, prior, ridge=1.0)
    # A training score z is as reliable as the new-photo score (1.0 - 0.5 + 1.4 z) / 0.7.
    assert shift.slope == pytest.approx(2.0, rel=0.3)
    assert shift.intercept == pytest.approx(0.5 / 0.7, abs=0.5)
    assert shift(0.8) > 0.8  # a confident training detection counts as an even more confident new one


def test_fit_score_shift_same_sets_give_no_shift() -> None:
    labels = ["dog", "cat", "cup", "bottle"]
    calib = _samples(labels, 200, 0.3, 0.8, seed=3)
    prior = _samples(labels, 200, 0.3, 0.8, seed=4)
    shift = cc.fit_score_shift(calib, prior)
    for score in (0.2, 0.5, 0.8):
        assert shift(score) == pytest.approx(score, abs=0.12)


def test_calibrate_with_prior_gives_a_valid_table() -> None:
    labels = ["dog", "cat", "cup", "bottle", "person", "chair"]
    present = _samples(labels, 8, 0.5, 0.7, seed=5)
    prior = _samples(labels, 40, 1.0, 1.4, seed=6)
    matched = [(label, score, ok) for label, score, ok in present]
    table = cc.calibrate(
        present, matched, state_p=0.95, possible_p=0.9, count_p=0.9, strength=10.0, prior=prior, prior_strength=20.0
    )
    assert set(table["score_shift"]) == {"intercept", "slope"}
    assert table["per_class"]["dog"]["n_prior"] == 40
    assert table["per_class"]["dog"]["n"] == 8
    thresholds = thresholds_from_table(table)  # possible <= state, all within [0, 1]
    assert thresholds.for_label("cat")[1] <= thresholds.for_label("cat")[0]
    plain = cc.calibrate(present, matched, state_p=0.95, possible_p=0.9, count_p=0.9, strength=10.0)
    assert "score_shift" not in plain
    assert "n_prior" not in plain["per_class"]["dog"]
    # The count thresholds do not use the prior.
    assert all(plain["per_class"][k]["count"] == table["per_class"][k]["count"] for k in plain["per_class"])
