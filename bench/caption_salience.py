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
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from captioning.coco import category_names  # noqa: E402
from captioning.describe import describe  # noqa: E402
from captioning.evaluate import Image, load_captions, load_images, score  # noqa: E402
from captioning.learning import GROUPS_FILE, Sample, fit, sample_from, save_samples  # noqa: E402
from captioning.salience import FEATURES, SALIENCE_FILE, SalienceModel  # noqa: E402
from captioning.thresholds import GROUND_TRUTH  # noqa: E402

THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
FOLDS = 5


def build_samples(images: list[Image], captions: dict[int, list[str]]) -> list[Sample]:
    """One sample per captioned image, grouped from the annotations as the oracle describes them."""
    return [
        sample_from(int(image["id"]), inst, captions[int(image["id"])], GROUND_TRUTH, crowd)
        for image, inst, crowd, _ in images
        if captions.get(int(image["id"]))
    ]


def cross_validate(
    images: list[Image], samples: list[Sample], captions: dict[int, list[str]], names: dict[int, int | str], args: Any
) -> list[dict[str, Any]]:
    ids = sorted(s.key for s in samples)
    fold_of = {image_id: k % FOLDS for k, image_id in enumerate(ids)}
    alts: dict[float, dict[int, str]] = {t: {} for t in THRESHOLDS}
    for fold in range(FOLDS):
        train = [s for s in samples if fold_of[s.key] != fold]
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
    parser.add_argument(
        "--groups-out", type=Path, default=GROUPS_FILE, help="the fitted groups, for manage.py learn_salience"
    )
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
    save_samples(
        args.groups_out,
        samples,
        f"Groups the salience model in {args.out.name} was fitted on ({out['provenance']['data']}); "
        "features as captioning.salience.FEATURES with the prior column 0. See captioning/learning.py.",
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
