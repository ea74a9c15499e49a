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
supercategory -> all classes (:func:`captioning.calibration.shrunk_threshold`). With ``--out``
the table is written there under the model's name (with the command, date, data and the sample
size of every entry); by default it is only printed: the shipped tables come from
``bench/caption_trust.py`` (both val sets, judged by ``captioning.evaluate --folds``, issue 16),
and this script stays for the one-set calibration and its prior-photos experiment.

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
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from captioning.calibration import calibrate, match, presence  # noqa: E402
from captioning.coco import category_names  # noqa: E402
from captioning.describe import describe  # noqa: E402
from captioning.evaluate import load_captions, load_images  # noqa: E402
from captioning.evaluate import score as score_texts  # noqa: E402
from captioning.thresholds import THRESHOLDS_FILE, thresholds_from_table  # noqa: E402


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
        floor=args.floor,
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
    parser.add_argument(
        "--out", type=Path, default=None, help=f"write the table here (e.g. {THRESHOLDS_FILE}); default: print only"
    )
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
    if args.dry_run or args.out is None:
        return 0
    data = json.loads(args.out.read_text()) if args.out.exists() else {}
    data.setdefault("about", "Per-backend score thresholds for captioning; see bench/caption_calibrate.py.")
    data.setdefault("models", {})[args.model] = table
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
