"""Calibrate the captioner's per-class score thresholds from detections on photos the model never saw.

Usage::

    .venv/bin/python -m segmentation.predict --images ../shared/coco-val-calib/images \\
        --instances ../shared/coco-val-calib/instances.json --backend ssdlite320_mobilenet_v3_large \\
        --weights ../shared/models/ssdlite320_mobilenet_v3_large_coco-dequantized_int8.pth \\
        --out /tmp/ssdlite_val.json --min-score 0.05
    .venv/bin/python bench/caption_calibrate.py --results /tmp/ssdlite_val.json \\
        --instances ../shared/coco-val-calib/instances.json --model ssdlite320_mobilenet_v3_large

Detections at or above the calibration floor (``--floor``; the app lowers its segmenter's floor
to it) answer two questions. Whether a class is *named* (``state`` plainly, ``possible`` as
"possibly") is calibrated on the class's best score per photo against whether the class is really
there (annotated or named by a human caption); whether a *further* instance is counted
(``count``) per detection, matched to ground truth per image and class, highest score first, at
box IoU >= 0.5 (duplicates are wrong, crowd matches ignored). Each threshold is the lowest grid
score from which on the estimated precision reaches its target, the estimate shrunk class ->
supercategory -> all classes (:func:`shrunk_threshold`). The table is written into
``captioning/data/thresholds.json`` under the model's name (``--dry-run``: not written), with the
command, date, data and the sample size of every entry.

``--folds K`` also prints K-fold cross-validated figures (calibrate on K-1 folds of the photos,
describe the rest), ``--repeats R`` pools R seeded random splits with the first.

``--prior-results/--prior-instances/--prior-captions`` (e.g. SSDLite on ../shared/coco-train-mini)
add photos the model was trained on as a per-class prior for the *named* thresholds: their scores
are mapped to new-photo scores by :func:`fit_score_shift`, fitted with the calibration photos (per
fold in cross-validation), never used as they are. Measured in bench/README.md ("Captioning"):
better out of sample at the same recall, but its in-sample recall is lower, so the shipped table
does not use it.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import math
import random
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from captioning.coco import category_names  # noqa: E402
from captioning.describe import describe  # noqa: E402
from captioning.evaluate import caption_objects, load_captions, load_images  # noqa: E402
from captioning.evaluate import score as score_texts  # noqa: E402
from captioning.geometry import box_iou  # noqa: E402
from captioning.thresholds import THRESHOLDS_FILE, thresholds_from_table  # noqa: E402
from captioning.vocabulary import SUPERCATEGORY  # noqa: E402

GRID = [round(0.1 + 0.025 * k, 3) for k in range(36)]  # 0.1 ... 0.975; main() starts it at --floor
Sample = tuple[float, bool]


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
        truth[image_id] |= {label for text in texts for label in caption_objects(text)}
    best: dict[tuple[int, str], float] = {}
    for d in results:
        image_id, score = int(d["image_id"]), float(d["score"])
        key = (image_id, names[int(d["category_id"])])
        if score >= floor and image_id in captions:
            best[key] = max(best.get(key, 0.0), score)
    return [(label, score, label in truth[image_id]) for (image_id, label), score in sorted(best.items())]


def _pooled(samples: list[tuple[str, float, bool]]) -> tuple[dict[str, list[Sample]], dict[str, list[Sample]]]:
    by_class: dict[str, list[Sample]] = defaultdict(list)
    by_super: dict[str, list[Sample]] = defaultdict(list)
    for label, score, ok in samples:
        by_class[label].append((score, ok))
        by_super[SUPERCATEGORY.get(label, "other")].append((score, ok))
    return by_class, by_super


def shrunk_threshold(
    chain: Sequence[Sequence[Sample]], target: float, strength: float, strengths: Sequence[float] | None = None
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
    present: list[tuple[str, float, bool]],
    matched: list[tuple[str, float, bool]],
    *,
    state_p: float,
    possible_p: float,
    count_p: float,
    strength: float,
    prior: list[tuple[str, float, bool]] | None = None,
    prior_strength: float = 20.0,
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
        state = shrunk_threshold(named, state_p, strength, strengths)
        possible = min(state, shrunk_threshold(named, possible_p, strength, strengths))
        out = {
            "state": state,
            "possible": possible,
            "count": shrunk_threshold(counted, count_p, strength),
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


def calibrate_with(
    args: Any,
    present: list[tuple[str, float, bool]],
    matched: list[tuple[str, float, bool]],
    prior: list[tuple[str, float, bool]] | None,
) -> dict[str, Any]:
    """:func:`calibrate` with the targets and strengths given on the command line."""
    return calibrate(
        present,
        matched,
        state_p=args.state_precision,
        possible_p=args.possible_precision,
        count_p=args.count_precision,
        strength=args.strength,
        prior=prior,
        prior_strength=args.prior_strength,
    )


def cross_validate(
    args: argparse.Namespace,
    coco: dict[str, Any],
    results: list[dict[str, Any]],
    captions: dict[int, list[str]],
    prior: list[tuple[str, float, bool]] | None = None,
) -> dict[str, Any]:
    """Calibrate on k-1 folds of the photos, describe the held-out fold, pool the counts: what the
    thresholds are worth on photos they were not fitted on (the in-sample figures of
    ``captioning.evaluate`` on the same photos are optimistic).

    The first split takes every k-th photo by id (the figures in bench/README.md); ``--repeats``
    adds that many seeded random splits, pooled with it: with 79 photos one split moves the
    figures by a few mentions, enough to rank two methods the wrong way. The prior photos'
    score shift is refitted on each fold's calibration photos only."""
    ids = sorted(int(im["id"]) for im in coco["images"])
    images = load_images(args.instances, args.results, min_score=args.floor, model=args.model)
    names = category_names(coco["categories"])
    pooled: dict[str, list[int]] = {"alt": [0, 0, 0, 0, 0, 0], "description": [0, 0, 0, 0, 0, 0]}
    orders = [ids] + [random.Random(seed).sample(ids, len(ids)) for seed in range(1, args.repeats + 1)]
    for order in orders:
        for k in range(args.folds):
            held = set(order[k :: args.folds])
            sub = {
                **coco,
                "images": [im for im in coco["images"] if int(im["id"]) not in held],
                "annotations": [a for a in coco["annotations"] if int(a["image_id"]) not in held],
            }
            fit = [d for d in results if int(d["image_id"]) not in held]
            caps = {i: c for i, c in captions.items() if i not in held}
            table = calibrate_with(args, presence(fit, sub, caps, args.floor), match(fit, sub, args.floor), prior)
            thresholds = thresholds_from_table(table)

            def texts(
                image: dict[str, Any], inst: Any, crowd: tuple[int, ...], thresholds: Any = thresholds
            ) -> tuple[str, str]:
                d = describe(inst, thresholds=thresholds, crowd=crowd)
                return d.alt_text, d.long_description

            report = score_texts([im for im in images if int(im[0]["id"]) in held], captions, names, texts)
            for key, part in (("alt", report), ("description", report["description"])):
                tally = pooled[key]
                tally[0] += round(part["recall"] * part["recall_objects"]) if part["recall"] is not None else 0
                tally[1] += part["recall_objects"]
                tally[2] += part["hallucinated_mentions"]
                tally[3] += part["mentions"]
                counts = part["counts"]["all"]
                tally[4] += round((counts["accuracy"] or 0.0) * counts["n"])
                tally[5] += counts["n"]
    return {
        "folds": args.folds,
        "splits": len(orders),
        **{
            key: {
                "recall": round(t[0] / t[1], 4) if t[1] else None,
                "chair_i": round(t[2] / t[3], 4) if t[3] else 0.0,
                "hallucinated_mentions": t[2],
                "mentions": t[3],
                "counts_right": round(t[4] / t[5], 4) if t[5] else None,
            }
            for key, t in pooled.items()
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", type=Path, required=True)
    parser.add_argument("--instances", type=Path, required=True)
    parser.add_argument("--captions", type=Path, required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--floor", type=float, default=0.25)
    parser.add_argument("--state-precision", type=float, default=0.97)
    parser.add_argument("--possible-precision", type=float, default=0.9)
    parser.add_argument("--count-precision", type=float, default=0.85)
    parser.add_argument("--strength", type=float, default=10.0, help="pseudo-samples of shrinkage per level")
    parser.add_argument("--out", type=Path, default=THRESHOLDS_FILE)
    parser.add_argument(
        "--folds", type=int, default=0, help="also print k-fold cross-validated figures (photos split by id)"
    )
    parser.add_argument("--repeats", type=int, default=0, help="with --folds: also pool this many seeded random splits")
    parser.add_argument("--dry-run", action="store_true", help="print, do not write --out")
    prior = parser.add_argument_group(
        "prior photos",
        "detections of the same model on photos it was TRAINED on (e.g. ../shared/coco-train-mini): never used "
        "as they are (its scores there are optimistic) but shifted to new-photo scores by a fit on the calibration "
        "photos, then a per-class prior of --prior-strength pseudo-samples; only photos with captions are used",
    )
    prior.add_argument("--prior-results", type=Path)
    prior.add_argument("--prior-instances", type=Path)
    prior.add_argument("--prior-captions", type=Path)
    prior.add_argument("--prior-strength", type=float, default=20.0)
    args = parser.parse_args()
    prior_files = (args.prior_results, args.prior_instances, args.prior_captions)
    if any(prior_files) and not all(prior_files):
        parser.error("--prior-results, --prior-instances and --prior-captions go together")
    global GRID
    GRID = [t for t in GRID if t >= args.floor - 1e-9]
    coco = json.loads(args.instances.read_text())
    results = json.loads(args.results.read_text())
    matched = match(results, coco, args.floor)
    captions = load_captions(args.captions)
    present = presence(results, coco, captions, args.floor)
    prior_samples = None
    if args.prior_results:
        # Presence truth needs captions (CHAIR's truth is annotations + captions): photos without
        # them would count every unannotated but real object as a false detection.
        prior_samples = presence(
            json.loads(args.prior_results.read_text()),
            json.loads(args.prior_instances.read_text()),
            load_captions(args.prior_captions),
            args.floor,
        )
    table = calibrate_with(args, present, matched, prior_samples)
    table["provenance"] = {
        "command": "bench/caption_calibrate.py " + " ".join(sys.argv[1:]),
        "date": datetime.date.today().isoformat(),
        "data": f"{args.instances} ({len(coco['images'])} COCO val2017 images, not seen in training); "
        f"sha256 of instances file {hashlib.sha256(args.instances.read_bytes()).hexdigest()[:16]}",
        "detections_above_floor": len(matched),
        "classes_in_images": len(present),
        "floor": args.floor,
        "targets": {
            "state_precision": args.state_precision,
            "possible_precision": args.possible_precision,
            "count_precision": args.count_precision,
        },
        "named": "state/possible: per image and class, the best score; right when the class is annotated in the "
        "image or named by one of its human captions (the truth CHAIR uses)",
        "matching": "count: box IoU >= 0.5, greedy by score, per image and class; crowd matches ignored",
        "shrinkage": f"precision shrunk class -> supercategory -> all classes, {args.strength:g} pseudo-samples "
        "per level",
    }
    if prior_samples is not None:
        table["provenance"]["prior"] = (
            f"{args.prior_instances} ({len(prior_samples)} presence samples on photos the model was trained on), "
            f"scores mapped by logit(s') = {table['score_shift']['intercept']:g} + {table['score_shift']['slope']:g} "
            f"logit(s) (fitted with the calibration photos), class -> its shifted prior samples with "
            f"{args.prior_strength:g} pseudo-samples"
        )
    print(f"{len(present)} classes in images, {len(matched)} detections; default {table['default']}")
    if args.folds:
        print(json.dumps(cross_validate(args, coco, results, captions, prior_samples), indent=1))
    if args.dry_run:
        return 0
    data = json.loads(args.out.read_text()) if args.out.exists() else {}
    data.setdefault("about", "Per-backend score thresholds for captioning; see bench/caption_calibrate.py.")
    data.setdefault("models", {})[args.model] = table
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
