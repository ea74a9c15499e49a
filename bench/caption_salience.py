"""Fit the salience model of :mod:`captioning.salience` on ground truth and human captions.

Usage::

    .venv/bin/python bench/caption_salience.py --instances ../shared/coco-train-mini/instances.json \\
        --captions ../shared/coco-train-mini/captions.json [--out captioning/data/salience.json]

Data: the images of ``--instances`` that have captions (130 of coco-train-mini). For every group
the ground-truth annotations give (one per class, as the alt text groups them), the target is the
share of the image's captions that name that class (:func:`captioning.evaluate.caption_objects`).
Only annotations and captions are used, never model scores, so these being COCO train photos does
not bias anything: the model learns what people name, not what a detector finds.

Fitting: class priors are smoothed log-odds of being named (class -> COCO supercategory -> all,
``--smoothing`` pseudo-groups each); training rows use leave-one-image-out priors, so a rare class
does not get its own outcome as a feature. Weights: logistic regression with soft targets and an
L2 penalty (``--l2``), by Newton's method. The alt threshold is chosen by 5-fold cross-validation
over images on train-mini (each fold's priors and weights fitted on the other folds, alt texts of
the held-out images scored with :func:`captioning.evaluate.score`): the threshold with the best
F1 against the human leave-one-out references among those keeping recall of objects 3 of 5
captions name at its best. Reports val-calib only through ``captioning.evaluate``, never here.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import math
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from captioning.analyse import detect_objects, group_objects, linked_labels  # noqa: E402
from captioning.coco import category_names  # noqa: E402
from captioning.describe import describe  # noqa: E402
from captioning.evaluate import Image, caption_objects, load_captions, load_images, score  # noqa: E402
from captioning.layout import Layout, compute_layout  # noqa: E402
from captioning.relations import find_relations  # noqa: E402
from captioning.salience import FEATURES, SALIENCE_FILE, SalienceModel, group_features  # noqa: E402
from captioning.thresholds import GROUND_TRUTH  # noqa: E402
from captioning.vocabulary import SUPERCATEGORY  # noqa: E402

THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
FOLDS = 5
_CLIP = 0.02


def logit(p: float) -> float:
    p = min(1.0 - _CLIP, max(_CLIP, p))
    return math.log(p / (1.0 - p))


class Sample:
    """The groups of one image: members, labels, layout and the share of captions naming each."""

    def __init__(
        self,
        image_id: int,
        members: list[tuple[int, ...]],
        labels: list[str],
        layout: Layout,
        y: list[float],
        linked: set[str],
    ) -> None:
        self.image_id = image_id
        self.linked = linked
        self.members = members
        self.labels = labels
        self.layout = layout
        self.y = y


def build_samples(images: list[Image], captions: dict[int, list[str]]) -> list[Sample]:
    out = []
    for image, inst, crowd, _ in images:
        caps = captions.get(int(image["id"]))
        if not caps:
            continue
        layout = compute_layout(inst)
        objects = detect_objects(inst, GROUND_TRUTH, layout, crowd)
        groups = group_objects(objects)
        rank = {i: k for k, i in enumerate(i for g in groups for i in (*g.stated, *g.possible))}
        linked = linked_labels(groups, find_relations(objects, layout, rank))
        votes = Counter(label for c in caps for label in set(caption_objects(c)))
        members = [g.ids for g in groups]
        labels = [g.label for g in groups]
        y = [votes.get(g.label, 0) / len(caps) for g in groups]
        out.append(Sample(int(image["id"]), members, labels, layout, y, linked))
    return out


def priors(samples: list[Sample], smoothing: float) -> tuple[dict[str, float], dict[str, float], float]:
    """Smoothed named-rates as log-odds: per class, per supercategory, overall."""
    s_cls: dict[str, float] = defaultdict(float)
    n_cls: dict[str, int] = defaultdict(int)
    for sample in samples:
        for label, y in zip(sample.labels, sample.y, strict=True):
            s_cls[label] += y
            n_cls[label] += 1
    return _smoothed(s_cls, n_cls, smoothing)


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


def design(samples: list[Sample], smoothing: float) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows with leave-one-image-out priors, and targets."""
    s_cls: dict[str, float] = defaultdict(float)
    n_cls: dict[str, int] = defaultdict(int)
    for sample in samples:
        for label, y in zip(sample.labels, sample.y, strict=True):
            s_cls[label] += y
            n_cls[label] += 1
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
        model = SalienceModel((0.0,) * len(FEATURES), 0.0, cls, sup, glob)
        rows.extend(group_features(sample.members, sample.labels, sample.layout, model, sample.linked))
        targets.extend(sample.y)
    return np.array(rows), np.array(targets)


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


def fit(samples: list[Sample], smoothing: float, l2: float, threshold: float = 0.5) -> SalienceModel:
    x, y = design(samples, smoothing)
    w, b = fit_logistic(x, y, l2)
    cls, sup, glob = priors(samples, smoothing)
    return SalienceModel(tuple(float(v) for v in w), b, cls, sup, glob, threshold)


def cross_validate(
    images: list[Image], samples: list[Sample], captions: dict[int, list[str]], names: dict[int, int | str], args: Any
) -> list[dict[str, Any]]:
    ids = sorted(s.image_id for s in samples)
    fold_of = {image_id: k % FOLDS for k, image_id in enumerate(ids)}
    alts: dict[float, dict[int, str]] = {t: {} for t in THRESHOLDS}
    for fold in range(FOLDS):
        train = [s for s in samples if fold_of[s.image_id] != fold]
        model = fit(train, args.smoothing, args.l2)
        for image, inst, crowd, _ in images:
            image_id = int(image["id"])
            if fold_of.get(image_id) != fold:
                continue
            for t in THRESHOLDS:
                tuned = SalienceModel(model.weights, model.bias, model.prior, model.prior_super, model.prior_global, t)
                alts[t][image_id] = describe(inst, crowd=crowd, salience=tuned).alt_text
    table = []
    held = [im for im in images if int(im[0]["id"]) in fold_of]
    for t in THRESHOLDS:
        report = score(held, captions, names, lambda image, inst, crowd, t=t: alts[t][int(image["id"])])  # type: ignore[misc]
        table.append(
            {
                "threshold": t,
                "recall": report["recall"],
                "f1": report["f1"]["alt"],
                "f1_anchor": report["f1"]["human_anchor"],
                "first_salient": report["first_salient"]["alt"],
                "first_anchor": report["first_salient"]["human_anchor"],
                "alt_mean": report["alt_length"]["mean"],
            }
        )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instances", type=Path, required=True)
    parser.add_argument("--captions", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=SALIENCE_FILE)
    parser.add_argument("--smoothing", type=float, default=2.0)
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--dry-run", action="store_true", help="print, do not write --out")
    args = parser.parse_args()
    coco = json.loads(args.instances.read_text())
    names = category_names(coco["categories"])
    captions = load_captions(args.captions)
    images = [
        im
        for im in load_images(args.instances, None, min_score=0.0, model="coco-annotations")
        if captions.get(int(im[0]["id"]))
    ]
    samples = build_samples(images, captions)
    table = cross_validate(images, samples, captions, names, args)  # type: ignore[arg-type]
    for row in table:
        print(json.dumps(row))
    best_recall = max(r["recall"] for r in table)
    # Best F1 among thresholds within one point of the best recall; ties -> the higher threshold.
    pool = [r for r in table if r["recall"] >= best_recall - 0.01]
    chosen = max(pool, key=lambda r: (r["f1"], r["threshold"]))
    model = fit(samples, args.smoothing, args.l2, chosen["threshold"])
    print(
        json.dumps({"chosen": chosen, "weights": dict(zip(FEATURES, model.weights, strict=True)), "bias": model.bias})
    )
    if args.dry_run:
        return
    digest = hashlib.sha256(args.instances.read_bytes()).hexdigest()[:16]
    out = {
        "about": "Salience model for the alt text (what people name); see captioning/salience.py.",
        "model": model.to_dict(),
        "provenance": {
            "command": "bench/caption_salience.py " + " ".join(sys.argv[1:]),
            "date": datetime.date.today().isoformat(),
            "data": f"{args.instances} ({len(samples)} images with captions, ground truth only; sha256 {digest})",
            "groups": int(sum(len(s.labels) for s in samples)),
            "smoothing": args.smoothing,
            "l2": args.l2,
            "cross_validation": table,
        },
    }
    args.out.write_text(json.dumps(out, indent=1, sort_keys=False) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
