"""Fitting the captioner's score thresholds from detections on photos the model never saw.

Used by ``bench/caption_calibrate.py`` (which writes ``captioning/data/thresholds.json``) and by
``captioning.evaluate --folds`` (which fits inside training folds and reports on held-out photos).

Whether a class is *named* (``state`` plainly, ``possible`` as "possibly") is calibrated on the
class's best score per photo against whether the class is really there (annotated, or named by a
human caption: on a captions-only set that is the only truth, a weak label that errs on the side of
saying less); whether a *further* instance is counted (``count``) per detection, matched to ground
truth per image and class, highest score first, at box IoU >= 0.5 (duplicates are wrong, crowd
matches ignored). Each threshold is the lowest grid score from which on the estimated precision
reaches its target, the estimate shrunk class -> supercategory -> all classes
(:func:`shrunk_threshold`). Pure Python + numpy.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from captioning.geometry import box_iou
from captioning.learning import fit_logistic, named_classes
from captioning.vocabulary import SUPERCATEGORY

GRID = [round(0.1 + 0.025 * k, 3) for k in range(36)]  # 0.1 ... 0.975; fits start it at their floor
# (score, right): right is 0/1, or a probability for a weak label
Sample = tuple[float, float]


def match(results: list[dict[str, Any]], coco: dict[str, Any], floor: float) -> list[tuple[str, float, bool]]:
    """``(class, score, true positive)`` for every detection scoring at least ``floor``."""
    names = {int(c["id"]): str(c["name"]) for c in coco["categories"]}
    gt: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for a in coco["annotations"]:
        gt[(int(a["image_id"]), int(a["category_id"]))].append(a)
    dets: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for d in results:
        if float(d["score"]) >= floor:
            dets[(int(d["image_id"]), int(d["category_id"]))].append(d)
    out = []
    for key, found in dets.items():
        truth = gt.get(key, [])
        used: set[int] = set()
        for d in sorted(found, key=lambda d: -float(d["score"])):
            box = _xyxy(d["bbox"])
            best, best_iou = None, 0.5
            for k, a in enumerate(truth):
                iou = box_iou(box, _xyxy(a["bbox"]))
                if iou >= best_iou and (k not in used or a.get("iscrowd")):
                    best, best_iou = k, iou
            if best is not None and truth[best].get("iscrowd"):
                continue  # on a crowd region: neither right nor wrong
            if best is not None:
                used.add(best)
            out.append((names[key[1]], float(d["score"]), best is not None))
    return out


def _xyxy(b: list[float]) -> list[float]:
    return [b[0], b[1], b[0] + b[2], b[1] + b[3]]


def lowest_threshold(samples: list[tuple[float, bool]], target: float) -> float:
    """The lowest grid score from which on the precision is at least ``target`` (1.0: never)."""
    for t in GRID:
        kept = [ok for s, ok in samples if s >= t]
        if kept and sum(kept) / len(kept) >= target:
            return t
    return 1.0


def presence(
    results: list[dict[str, Any]], coco: dict[str, Any], captions: dict[int, list[str]], floor: float
) -> list[tuple[str, float, bool]]:
    """``(class, best score, present)`` for every class detected in an image at or above ``floor``:
    is the class really in the photo (an annotated instance, or named by a human caption: the
    truth CHAIR uses)? Images without captions are skipped."""
    names = {int(c["id"]): str(c["name"]) for c in coco["categories"]}
    truth: dict[int, set[str]] = defaultdict(set)
    for a in coco["annotations"]:
        truth[int(a["image_id"])].add(names[int(a["category_id"])])
    for image_id, texts in captions.items():
        truth[image_id] |= {label for text in texts for label in named_classes(text)}
    best: dict[tuple[int, str], float] = {}
    for d in results:
        image_id, score = int(d["image_id"]), float(d["score"])
        key = (image_id, names[int(d["category_id"])])
        if score >= floor and image_id in captions:
            best[key] = max(best.get(key, 0.0), score)
    return [(label, score, label in truth[image_id]) for (image_id, label), score in sorted(best.items())]


def _pooled(samples: Sequence[tuple[str, float, float]]) -> tuple[dict[str, list[Sample]], dict[str, list[Sample]]]:
    by_class: dict[str, list[Sample]] = defaultdict(list)
    by_super: dict[str, list[Sample]] = defaultdict(list)
    for label, score, ok in samples:
        by_class[label].append((score, ok))
        by_super[SUPERCATEGORY.get(label, "other")].append((score, ok))
    return by_class, by_super


def shrunk_threshold(
    chain: Sequence[Sequence[Sample]],
    target: float,
    strength: float,
    strengths: Sequence[float] | None = None,
    floor: float = 0.0,
) -> float:
    """The lowest grid score at which the precision of the detections kept, estimated for a class
    by shrinking its own hits towards its supercategory's estimate and that towards all classes'
    (``strength`` pseudo-samples each level), reaches ``target`` (1.0: never).

    79 photos give a class a handful of samples: the raw precision of 4 samples that all happen
    to be right is 1.0 and, taken as is, picks thresholds that do not hold on other photos
    (5-fold cross-validation showed CHAIR-i of 13-16 % for thresholds whose in-sample figure was
    1.4 %). Shrinkage lets a class move away from its family only as far as its data carries it.

    ``chain`` runs from the most specific level to all classes; ``strengths`` (one per level but
    the last, which always gets plain Laplace smoothing) overrides ``strength`` level by level."""
    weights = list(strengths) if strengths is not None else [strength] * (len(chain) - 1)
    if len(weights) != len(chain) - 1:
        raise ValueError(f"need {len(chain) - 1} strengths for {len(chain)} levels, got {len(weights)}")
    for t in GRID:
        if t < floor - 1e-9:  # below the calibration floor there are no samples to judge by
            continue
        estimate = 0.5
        for samples, weight in zip(reversed(chain), [1.0, *reversed(weights)], strict=True):
            kept = [ok for s, ok in samples if s >= t]
            estimate = (sum(kept) + weight * estimate) / (len(kept) + weight)
        if estimate >= target:
            return t
    return 1.0


@dataclass(frozen=True)
class ScoreShift:
    """Maps a score the model gave on photos it was trained on to the score that is as reliable
    on new photos: ``logit(new) = intercept + slope * logit(score)``."""

    intercept: float = 0.0
    slope: float = 1.0

    def __call__(self, score: float) -> float:
        z = self.intercept + self.slope * _logit(score)
        return 1 / (1 + math.exp(-z))


def _logit(score: float) -> float:
    # Clipped: a score of 1.0 would be an infinite logit, and the fit should not hinge on how
    # close to 0 or 1 a detector rounds its extremes.
    s = min(max(score, 0.02), 0.998)
    return math.log(s / (1 - s))


def fit_score_shift(
    calib: Sequence[tuple[str, float, bool]], prior: Sequence[tuple[str, float, bool]], ridge: float = 1.0
) -> ScoreShift:
    """How much the model's scores on its own training photos (``prior``) overstate their
    reliability compared with photos it never saw (``calib``), as a :class:`ScoreShift`.

    One logistic regression over both sets: ``logit P(right) = b0 + b1 z + [prior] (g0 + g1 z) +
    supercategory + class``, ``z = logit(score)``, the supercategory and class intercepts shared by
    both sets and ridge-penalised (``ridge``: inverse prior variance), so that a set richer in easy
    classes does not pass for a shift. A prior-set score ``z`` is then as reliable as the
    new-photo score ``(g0 + (b1 + g1) z) / b1``. Only ever fitted on the calibration photos of the
    run (cross-validation refits it per fold), never on the photos it is judged on."""
    samples = [(label, score, ok, 0.0) for label, score, ok in calib]
    samples += [(label, score, ok, 1.0) for label, score, ok in prior]
    classes = sorted(SUPERCATEGORY)
    supers = sorted(set(SUPERCATEGORY.values()))
    n_fixed = 4
    x = np.zeros((len(samples), n_fixed + len(supers) + len(classes)))
    y = np.zeros(len(samples))
    for k, (label, score, ok, is_prior) in enumerate(samples):
        z = _logit(score)
        x[k, :n_fixed] = (1.0, z, is_prior, is_prior * z)
        if label in SUPERCATEGORY:
            x[k, n_fixed + supers.index(SUPERCATEGORY[label])] = 1.0
            x[k, n_fixed + len(supers) + classes.index(label)] = 1.0
        y[k] = float(ok)
    penalty = np.r_[np.full(n_fixed, 1e-4), np.full(len(supers) + len(classes), ridge)]
    w = np.zeros(x.shape[1])
    for _ in range(100):  # Newton's method on the penalised log-likelihood (concave: converges)
        p = 1 / (1 + np.exp(-(x @ w)))
        gradient = x.T @ (y - p) - penalty * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        w += step
        if float(np.abs(step).max()) < 1e-9:
            break
    _, b1, g0, g1 = (float(v) for v in w[:n_fixed])
    if b1 <= 0.05 or b1 + g1 <= 0.05:
        raise ValueError(f"scores do not predict correctness on one of the sets (slopes {b1:.3f}, {b1 + g1:.3f})")
    return ScoreShift(intercept=g0 / b1, slope=(b1 + g1) / b1)


def calibrate(
    present: Sequence[tuple[str, float, float]],
    matched: list[tuple[str, float, bool]],
    *,
    state_p: float,
    possible_p: float,
    count_p: float,
    strength: float,
    prior: list[tuple[str, float, bool]] | None = None,
    prior_strength: float = 20.0,
    floor: float = 0.0,
) -> dict[str, Any]:
    """Per class: ``state`` / ``possible`` from ``present`` (is the class in the photo at all),
    ``count`` from ``matched`` (is each further detection a real object), each with its
    precision estimate shrunk towards its supercategory and all classes (:func:`shrunk_threshold`).

    ``prior``: presence samples of the same model on photos it was trained on (its scores there
    are optimistic). They are mapped to new-photo scores by :func:`fit_score_shift` (fitted on
    ``present`` and them) and then give each class the shape of its score -> precision relation:
    the class's own samples are shrunk towards the class's shifted prior samples
    (``prior_strength`` pseudo-samples), those towards the supercategory and all classes (both
    sets pooled)."""
    present_class, present_super = _pooled(present)
    matched_class, matched_super = _pooled(matched)
    present_all = [(s, ok) for _, s, ok in present]
    matched_all = [(s, ok) for _, s, ok in matched]
    shift = fit_score_shift(present, prior) if prior else None
    shifted = [(label, shift(score), ok) for label, score, ok in prior or []] if shift else []
    prior_class, _ = _pooled(shifted)
    _, pooled_super = _pooled(shifted + present)
    pooled_all = present_all + [(s, ok) for _, s, ok in shifted]

    def entry(label: str | None) -> dict[str, Any]:
        sup = SUPERCATEGORY.get(label or "", "")
        named: list[list[Sample]] = [present_class.get(label or "", []), present_super.get(sup, []), present_all]
        strengths = [strength, strength]
        if shift is not None:
            own = present_class.get(label or "", [])
            named = [own, prior_class.get(label or "", []), pooled_super.get(sup, []), pooled_all]
            strengths = [prior_strength, strength, strength]
        counted = [matched_class.get(label or "", []), matched_super.get(sup, []), matched_all]
        if label is None:  # the default, for labels outside COCO: all classes only
            named, strengths, counted = [named[-1]], [], [matched_all]
        state = shrunk_threshold(named, state_p, strength, strengths, floor)
        possible = min(state, shrunk_threshold(named, possible_p, strength, strengths, floor))
        out = {
            "state": state,
            "possible": possible,
            "count": shrunk_threshold(counted, count_p, strength, floor=floor),
            "n": len(present_class.get(label or "", [])) if label else len(present),
            "n_count": len(counted[0]),
        }
        if shift is not None:
            out["n_prior"] = len(prior_class.get(label or "", [])) if label else len(shifted)
        return out

    table: dict[str, Any] = {
        "default": entry(None),
        "per_class": {label: entry(label) for label in sorted(SUPERCATEGORY)},
    }
    if shift is not None:
        table["score_shift"] = {"intercept": round(shift.intercept, 4), "slope": round(shift.slope, 4)}
    return table


# Group sizes whose numbers are judged apart: one, two, three, four and more.
COUNT_BUCKETS = 4
ALL_SIZES = 99  # ``exact_counts`` entry for "every size holds"


def count_limits(records: Sequence[tuple[str, int, bool]], target: float, strength: float = 5.0) -> dict[str, Any]:
    """``{"default": k, "per_class": {label: k}}`` for ``Thresholds.exact_up_to``: per class the
    largest group size up to which the number this model's groups give was right at least
    ``target`` of the time for every size, estimated per size bucket (1, 2, 3, 4+) and shrunk
    class -> supercategory -> all classes (``strength`` pseudo-groups per level, the last level
    towards 0.5). ``records``: ``(class, stated members, that number is the annotated one)`` for
    every group said with a plain number on photos with complete annotations."""
    by: dict[tuple[str, int], list[bool]] = defaultdict(list)
    for label, n, ok in records:
        b = min(max(n, 1), COUNT_BUCKETS)
        by[("class:" + label, b)].append(ok)
        by[("super:" + SUPERCATEGORY.get(label, "other"), b)].append(ok)
        by[("all", b)].append(ok)

    def estimate(keys: Sequence[str], b: int) -> float:
        value = 0.5
        for key, weight in zip(reversed(keys), [1.0, *[strength] * (len(keys) - 1)], strict=True):
            seen = by.get((key, b), [])
            value = (sum(seen) + weight * value) / (len(seen) + weight)
        return value

    def limit(keys: Sequence[str]) -> int:
        k = 0
        for b in range(1, COUNT_BUCKETS + 1):
            if estimate(keys, b) < target:
                return k
            k = b
        return ALL_SIZES

    per_class = {
        label: limit(["class:" + label, "super:" + SUPERCATEGORY.get(label, "other"), "all"])
        for label in sorted(SUPERCATEGORY)
    }
    return {"default": limit(["all"]), "per_class": per_class, "groups": len(records), "target": target}


def unnamed_presence(
    results: list[dict[str, Any]], coco: dict[str, Any], captions: dict[int, list[str]], floor: float
) -> list[tuple[float, bool]]:
    """``(best score, annotated)`` for every class detected (at or above ``floor``) in a photo with
    complete annotations that none of its captions names: how often such a class is there after
    all. Captions name 2-4 things, so on a captions-only set "no caption names it" is a weak
    negative; this says how weak (:func:`weak_negative_rate`)."""
    names = {int(c["id"]): str(c["name"]) for c in coco["categories"]}
    annotated: dict[int, set[str]] = defaultdict(set)
    for a in coco["annotations"]:
        annotated[int(a["image_id"])].add(names[int(a["category_id"])])
    named = {i: {label for text in texts for label in named_classes(text)} for i, texts in captions.items()}
    best: dict[tuple[int, str], float] = {}
    for d in results:
        image_id, score = int(d["image_id"]), float(d["score"])
        label = names[int(d["category_id"])]
        if score >= floor and image_id in named and label not in named[image_id]:
            best[(image_id, label)] = max(best.get((image_id, label), 0.0), score)
    return [(score, label in annotated[image_id]) for (image_id, label), score in sorted(best.items())]


def weak_negative_rate(samples: Sequence[tuple[float, bool]], ridge: float = 1.0) -> ScoreShift:
    """``P(there | detected at score s, no caption names it)`` as a logistic curve in ``logit s``
    (a :class:`ScoreShift` read as a probability), fitted on :func:`unnamed_presence` samples;
    a captions-only set's weak negatives then count as that fraction of a right detection."""
    if not samples:
        return ScoreShift(intercept=-30.0, slope=0.0)  # nothing to go by: a weak negative is a negative
    x = np.array([[_logit(s)] for s, _ in samples])
    y = np.array([float(ok) for _, ok in samples])
    w, b = fit_logistic(x, y, ridge)
    return ScoreShift(intercept=b, slope=float(w[0]))
