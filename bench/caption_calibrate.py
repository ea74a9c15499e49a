"""Calibrate the captioner's per-class score thresholds from detections on photos the model never saw.

Usage::

    .venv/bin/python -m segmentation.predict --images ../shared/coco-val-calib/images \\
        --instances ../shared/coco-val-calib/instances.json --backend ssdlite320_mobilenet_v3_large \\
        --weights ../shared/models/ssdlite320_mobilenet_v3_large_coco-dequantized_int8.pth \\
        --out /tmp/ssdlite_val.json --min-score 0.05
    .venv/bin/python bench/caption_calibrate.py --results /tmp/ssdlite_val.json \\
        --instances ../shared/coco-val-calib/instances.json --model ssdlite320_mobilenet_v3_large

Detections at or above the app's segmenter floor (``--floor``, 0.25) are matched to ground truth
per image and class, highest score first, at box IoU >= 0.5 (a second detection of one object is a
false positive, so duplicates lower precision; detections on crowd regions are ignored). For each
class, ``state`` is the lowest score from which on at least ``--state-precision`` of the
detections are right, ``possible`` the same for ``--possible-precision``. 79 photos are few: a
class with fewer than ``--min-samples`` detections above the floor takes its supercategory's
thresholds, and a thin supercategory the global ones. The table is written into
``captioning/data/thresholds.json`` under the model's name, with the command, date, data and the
sample size and basis of every entry.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from captioning.layout import box_iou  # noqa: E402
from captioning.thresholds import THRESHOLDS_FILE  # noqa: E402
from captioning.vocabulary import SUPERCATEGORY  # noqa: E402

GRID = [round(0.25 + 0.05 * k, 2) for k in range(15)]  # 0.25 ... 0.95


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


def calibrate(
    matched: list[tuple[str, float, bool]], *, state_p: float, possible_p: float, min_samples: int
) -> dict[str, Any]:
    by_class: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    by_super: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for label, score, ok in matched:
        by_class[label].append((score, ok))
        by_super[SUPERCATEGORY.get(label, "other")].append((score, ok))
    everything = [(s, ok) for label, s, ok in matched]

    def pair(samples: list[tuple[float, bool]]) -> dict[str, float]:
        state = lowest_threshold(samples, state_p)
        possible = min(state, lowest_threshold(samples, possible_p))
        return {"state": state, "possible": possible}

    default = {**pair(everything), "n": len(everything), "basis": "global"}
    per_class: dict[str, Any] = {}
    for label in sorted(SUPERCATEGORY):
        samples = by_class.get(label, [])
        sup = SUPERCATEGORY[label]
        if len(samples) >= min_samples:
            per_class[label] = {**pair(samples), "n": len(samples), "basis": "class"}
        elif len(by_super.get(sup, [])) >= min_samples:
            per_class[label] = {**pair(by_super[sup]), "n": len(by_super[sup]), "basis": f"supercategory {sup}"}
        else:
            per_class[label] = {**default, "basis": "global"}
    return {"default": default, "per_class": per_class}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", type=Path, required=True)
    parser.add_argument("--instances", type=Path, required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--floor", type=float, default=0.25)
    parser.add_argument("--state-precision", type=float, default=0.85)
    parser.add_argument("--possible-precision", type=float, default=0.6)
    parser.add_argument("--min-samples", type=int, default=15)
    parser.add_argument("--out", type=Path, default=THRESHOLDS_FILE)
    args = parser.parse_args()
    coco = json.loads(args.instances.read_text())
    matched = match(json.loads(args.results.read_text()), coco, args.floor)
    table = calibrate(
        matched, state_p=args.state_precision, possible_p=args.possible_precision, min_samples=args.min_samples
    )
    table["provenance"] = {
        "command": "bench/caption_calibrate.py " + " ".join(sys.argv[1:]),
        "date": datetime.date.today().isoformat(),
        "data": f"{args.instances} ({len(coco['images'])} COCO val2017 images, not seen in training); "
        f"sha256 of instances file {hashlib.sha256(args.instances.read_bytes()).hexdigest()[:16]}",
        "detections_above_floor": len(matched),
        "floor": args.floor,
        "targets": {"state_precision": args.state_precision, "possible_precision": args.possible_precision},
        "matching": "box IoU >= 0.5, greedy by score, per image and class; crowd matches ignored",
        "min_samples": args.min_samples,
    }
    data = json.loads(args.out.read_text()) if args.out.exists() else {}
    data.setdefault("about", "Per-backend score thresholds for captioning; see bench/caption_calibrate.py.")
    data.setdefault("models", {})[args.model] = table
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    classes = sum(1 for v in table["per_class"].values() if v["basis"] == "class")
    print(f"{len(matched)} detections; {classes} classes calibrated on their own; default {table['default']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
