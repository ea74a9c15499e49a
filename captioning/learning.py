"""Fit the salience model (:mod:`captioning.salience`) from photos and texts people wrote about them.

Two sources use the same code:

* ``bench/caption_salience.py``: ground-truth annotations of coco-train-mini with their five human
  captions each (the shipped ``captioning/data/salience.json``);
* the app's ``manage.py learn_salience``: a deployment's own photos, described by its model, with
  the alt text each person accepted or wrote (what the people of that deployment name).

A :class:`Sample` is one photo: its groups (as :func:`captioning.describe.describe` forms them from
the same thresholds) and, per group, the share of the photo's texts that name the group's class.
Fitting: class priors are smoothed log-odds of being named (class -> COCO supercategory -> all,
``smoothing`` pseudo-groups each); training rows use leave-one-photo-out priors, so a rare class
does not get its own outcome as a feature; weights by logistic regression with soft targets and an
L2 penalty, by Newton's method. Pure Python + numpy.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from captioning.analyse import detect_objects, group_objects, linked_labels
from captioning.lang.en import READING
from captioning.layout import compute_layout
from captioning.relations import find_relations
from captioning.salience import FEATURES, SalienceModel, group_features
from captioning.thresholds import Thresholds
from captioning.vocabulary import SUPERCATEGORY
from segmentation.result import Instances

_CLIP = 0.02
# The groups the shipped model was fitted on (coco-train-mini ground truth and captions), so a
# deployment can refit with its own reviews added without the COCO files (``manage.py learn_salience``).
GROUPS_FILE = Path(__file__).with_name("data") / "salience_groups.json"


def logit(p: float) -> float:
    p = min(1.0 - _CLIP, max(_CLIP, p))
    return math.log(p / (1.0 - p))


def named_classes(text: str) -> set[str]:
    """COCO classes a text names (through the synonym list; family nouns such as "an animal" are
    left out: they do not say which class was meant)."""
    return {label for _, label, _ in READING.find_objects(text) if not label.startswith("family:")}


@dataclass(frozen=True, eq=False)
class Sample:
    """The groups of one photo: ``labels``, ``y`` (the share of the photo's texts naming each
    group's class) and ``rows``, the :data:`captioning.salience.FEATURES` of each group with the
    ``prior`` column left at 0 (priors come from the data a model is fitted on, see :func:`design`).
    Only these numbers are needed to fit, so samples can be stored and pooled without the photos."""

    key: int  # the photo's id
    labels: list[str]
    y: list[float]
    rows: list[list[float]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "labels": self.labels,
            "y": [round(v, 4) for v in self.y],
            "rows": [[round(v, 5) for v in row] for row in self.rows],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Sample:
        rows = [[float(v) for v in row] for row in data["rows"]]
        if any(len(row) != len(FEATURES) for row in rows):
            raise ValueError(f"a stored sample has rows of other than {len(FEATURES)} features")
        return cls(int(data["key"]), [str(v) for v in data["labels"]], [float(v) for v in data["y"]], rows)


_NO_PRIOR = SalienceModel((0.0,) * len(FEATURES), 0.0)


def sample_from(
    key: int,
    instances: Instances,
    texts: Sequence[str],
    thresholds: Thresholds,
    crowd: Collection[int] = (),
) -> Sample:
    """A :class:`Sample` from a segmentation result and the texts people wrote for the photo,
    grouped the way :func:`captioning.describe.describe` groups it under ``thresholds``."""
    if not texts:
        raise ValueError("a sample needs at least one text")
    layout = compute_layout(instances)
    objects = detect_objects(instances, thresholds, layout, crowd)
    groups = group_objects(objects)
    rank = {i: k for k, i in enumerate(i for g in groups for i in (*g.stated, *g.possible))}
    linked = linked_labels(groups, find_relations(objects, layout, rank))
    votes = Counter(label for text in texts for label in named_classes(text))
    labels = [g.label for g in groups]
    return Sample(
        key=key,
        labels=labels,
        y=[votes.get(label, 0) / len(texts) for label in labels],
        rows=group_features([g.ids for g in groups], labels, layout, _NO_PRIOR, linked),
    )


def _with_prior(sample: Sample, model: SalienceModel) -> list[list[float]]:
    return [[model.class_prior(label), *row[1:]] for label, row in zip(sample.labels, sample.rows, strict=True)]


def _sums(samples: Sequence[Sample]) -> tuple[dict[str, float], dict[str, int]]:
    s_cls: dict[str, float] = defaultdict(float)
    n_cls: dict[str, int] = defaultdict(int)
    for sample in samples:
        for label, y in zip(sample.labels, sample.y, strict=True):
            s_cls[label] += y
            n_cls[label] += 1
    return s_cls, n_cls


def _smoothed(
    s_cls: dict[str, float], n_cls: dict[str, int], smoothing: float
) -> tuple[dict[str, float], dict[str, float], float]:
    total_n = sum(n_cls.values())
    rate_all = sum(s_cls.values()) / total_n if total_n else 0.5
    s_sup: dict[str, float] = defaultdict(float)
    n_sup: dict[str, int] = defaultdict(int)
    for label, n in n_cls.items():
        sup = SUPERCATEGORY.get(label, "")
        s_sup[sup] += s_cls[label]
        n_sup[sup] += n
    rate_sup = {sup: (s_sup[sup] + smoothing * rate_all) / (n_sup[sup] + smoothing) for sup in n_sup}
    rate_cls = {}
    for label, n in n_cls.items():
        base = rate_sup.get(SUPERCATEGORY.get(label, ""), rate_all)
        rate_cls[label] = (s_cls[label] + smoothing * base) / (n + smoothing)
    return (
        {k: logit(v) for k, v in rate_cls.items() if n_cls[k] > 0},
        {k: logit(v) for k, v in rate_sup.items() if k},
        logit(rate_all),
    )


def priors(samples: Sequence[Sample], smoothing: float) -> tuple[dict[str, float], dict[str, float], float]:
    """Smoothed named-rates as log-odds: per class, per supercategory, overall."""
    return _smoothed(*_sums(samples), smoothing)


def design(samples: Sequence[Sample], smoothing: float) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows (:data:`captioning.salience.FEATURES`) with leave-one-photo-out priors, and
    targets."""
    s_cls, n_cls = _sums(samples)
    rows: list[list[float]] = []
    targets: list[float] = []
    for sample in samples:
        s_loo, n_loo = dict(s_cls), dict(n_cls)
        for label, y in zip(sample.labels, sample.y, strict=True):
            s_loo[label] -= y
            n_loo[label] -= 1
        n_loo = {k: v for k, v in n_loo.items() if v > 0}
        s_loo = {k: s_loo[k] for k in n_loo}
        cls, sup, glob = _smoothed(defaultdict(float, s_loo), defaultdict(int, n_loo), smoothing)
        rows.extend(_with_prior(sample, SalienceModel((0.0,) * len(FEATURES), 0.0, cls, sup, glob)))
        targets.extend(sample.y)
    return np.array(rows, dtype=np.float64).reshape(-1, len(FEATURES)), np.array(targets, dtype=np.float64)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float, iterations: int = 50) -> tuple[np.ndarray, float]:
    """Weights and bias minimising cross-entropy with soft targets + ``l2``/2 * |w|^2 (Newton)."""
    n, k = x.shape
    a = np.hstack([x, np.ones((n, 1))])
    theta = np.zeros(k + 1)
    penalty = np.full(k + 1, l2)
    penalty[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(a @ theta)))
        grad = a.T @ (p - y) + penalty * theta
        hess = (a * (p * (1 - p))[:, None]).T @ a + np.diag(penalty) + 1e-9 * np.eye(k + 1)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return theta[:-1], float(theta[-1])


def fit(
    samples: Sequence[Sample], smoothing: float = 2.0, l2: float = 1.0, threshold: float = 0.5, source: str = ""
) -> SalienceModel:
    """The salience model fitted on ``samples`` (see the module docstring)."""
    x, y = design(samples, smoothing)
    if not len(y):
        raise ValueError("no groups to learn from")
    w, b = fit_logistic(x, y, l2)
    cls, sup, glob = priors(samples, smoothing)
    return SalienceModel(tuple(float(v) for v in w), b, cls, sup, glob, threshold, source=source)


def chosen_labels(sample: Sample, model: SalienceModel, max_groups: int) -> list[str]:
    """The classes the alt text would name with ``model``: the most likely group, then the others
    at least at the model's threshold, at most ``max_groups`` (people-first and length limits of
    the real text left out: this compares models, it does not write text)."""
    if not sample.labels:
        return []
    p = [model.probability(row) for row in _with_prior(sample, model)]
    order = sorted(range(len(p)), key=lambda k: (-p[k], sample.labels[k]))
    chosen = [order[0], *(k for k in order[1:] if p[k] >= model.threshold)][:max_groups]
    return [sample.labels[k] for k in chosen]


def agreement(samples: Sequence[Sample], model: SalienceModel, max_groups: int) -> dict[str, float]:
    """How well the classes ``model`` would name match the classes the texts name (a class counts
    as named when at least half the texts name it): mean F1 per photo, recall and precision."""
    return agreement_of([(sample, model) for sample in samples], max_groups)


def agreement_of(pairs: Sequence[tuple[Sample, SalienceModel]], max_groups: int) -> dict[str, float]:
    """:func:`agreement` with each sample scored by its own model (cross-validation)."""
    f1s: list[float] = []
    hits = named_total = chosen_total = 0
    for sample, model in pairs:
        chosen = set(chosen_labels(sample, model, max_groups))
        named = {label for label, y in zip(sample.labels, sample.y, strict=True) if y >= 0.5}
        hit = len(chosen & named)
        hits += hit
        named_total += len(named)
        chosen_total += len(chosen)
        precision = hit / len(chosen) if chosen else float(not named)
        recall = hit / len(named) if named else 1.0
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return {
        "f1": round(float(np.mean(f1s)), 4) if f1s else 0.0,
        "recall": round(hits / named_total, 4) if named_total else 1.0,
        "precision": round(hits / chosen_total, 4) if chosen_total else 1.0,
    }


def save_samples(path: Path, samples: Sequence[Sample], about: str) -> None:
    document = {"about": about, "samples": [s.to_dict() for s in samples]}
    path.write_text(json.dumps(document, separators=(",", ":")) + "\n")


def load_samples(path: Path = GROUPS_FILE) -> list[Sample]:
    return [Sample.from_dict(item) for item in json.loads(path.read_text())["samples"]]
