"""Fit and ship the captioner's tables for one weights file, with the protocol that judged them.

Usage (cache the model's detections on both sets first, ``bench/README.md``, issue 16)::

    .venv/bin/python bench/caption_trust.py --model MODEL_ID \\
        --calib-results var/cache/MODEL_val-calib.json --captions-results var/cache/MODEL_val-captions.json

``MODEL_ID`` is what the backend puts in ``Instances.model`` (backend and weights file, e.g.
``yolo_seg:yolo11n-seg_int8``): the tables are keyed on it, because scores of two weights files
of one backend mean different things. Fits :func:`captioning.crossval.fit_tables` on every photo
of ``../shared/coco-val-calib`` (complete annotations) and ``../shared/coco-val-captions``
(captions only, weak labels), the same fit ``python -m captioning.evaluate --folds`` judges on
held-out photos, and writes:

* ``captioning/data/thresholds.json`` ``models[MODEL_ID]``: state / possible / count thresholds
  and ``exact_counts`` (up to which group size a plain number is said);
* ``captioning/data/salience.json`` ``models[MODEL_ID]``: the salience model fitted on this
  model's output;
* ``relations`` in the thresholds entry: the relation kinds said at all (precision >= 0.9 against
  ground-truth masks over >= 5 said, pooled 5-fold held-out coco-val-calib) and in the alt (over
  >= 20 said), with the figures.

Each with its provenance (command, date, data). ``--dry-run`` prints without writing.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from dataclasses import asdict, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from captioning.crossval import FitOptions, cross_validate, fit_tables, load_set, relation_kinds  # noqa: E402
from captioning.salience import SALIENCE_FILE  # noqa: E402
from captioning.thresholds import THRESHOLDS_FILE  # noqa: E402

SHARED = ROOT.parent / "shared"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="Instances.model of the backend and weights file")
    parser.add_argument("--calib-results", type=Path, required=True, help="COCO results on coco-val-calib")
    parser.add_argument("--captions-results", type=Path, required=True, help="COCO results on coco-val-captions")
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--floor", type=float, default=FitOptions.floor, help="lowest score the results hold")
    parser.add_argument("--state-precision", type=float, default=FitOptions.state_precision)
    parser.add_argument("--possible-precision", type=float, default=FitOptions.possible_precision)
    parser.add_argument("--count-target", type=float, default=FitOptions.count_target)
    parser.add_argument(
        "--trainmini-groups",
        action="store_true",
        help="add coco-train-mini's ground-truth groups (captioning/data/salience_groups.json) to the salience fit",
    )
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    options = FitOptions(
        floor=args.floor,
        state_precision=args.state_precision,
        possible_precision=args.possible_precision,
        count_target=args.count_target,
        trainmini_groups=args.trainmini_groups,
    )
    calib_dir, captions_dir = args.shared / "coco-val-calib", args.shared / "coco-val-captions"
    calib = load_set(
        calib_dir / "captions.json",
        calib_dir / "instances.json",
        args.calib_results,
        model=args.model,
        floor=options.floor,
    )
    captions = load_set(
        captions_dir / "captions.json",
        None,
        args.captions_results,
        categories=calib_dir / "instances.json",
        model=args.model,
        floor=options.floor,
    )
    # Relation kinds: precision against ground-truth masks over the pooled held-out folds of
    # coco-val-calib, every kind said (the measurement), then the kinds that pass are recorded.
    checked = cross_validate(calib, [captions], folds=5, seed=0, options=options).get("relations", {})
    said, alt = relation_kinds(checked)
    print(json.dumps({"relations_checked": checked, "said": said, "alt": alt}))
    options = replace(options, said_relations=said, alt_relations=alt)
    tables = fit_tables([(calib, set(calib.ids)), (captions, set(captions.ids))], options)
    assert tables.thresholds_table is not None
    provenance = {
        "command": "bench/caption_trust.py " + " ".join(sys.argv[1:]),
        "date": datetime.date.today().isoformat(),
        "data": f"{calib_dir} ({len(calib.ids)} val2017 photos, complete annotations) and {captions_dir} "
        f"({len(captions.ids)} val2017 photos, captions only: weak labels); none seen in training",
        "floor": options.floor,
        "options": asdict(options),
        "relations_checked": checked,
        "judged_by": "python -m captioning.evaluate --folds 5 (bench/README.md, 'Trust out of sample (issue 16)')",
    }
    table = {**tables.thresholds_table, "provenance": provenance}
    print(json.dumps({"default": table["default"], "exact_counts": table["exact_counts"]["default"]}))
    print(json.dumps({"salience_threshold": tables.salience.threshold}))
    if args.dry_run:
        return 0
    data = json.loads(THRESHOLDS_FILE.read_text()) if THRESHOLDS_FILE.exists() else {}
    data.setdefault("models", {})[args.model] = table
    THRESHOLDS_FILE.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    salience = json.loads(SALIENCE_FILE.read_text())
    salience.setdefault("models", {})[args.model] = {"model": tables.salience.to_dict(), "provenance": provenance}
    SALIENCE_FILE.write_text(json.dumps(salience, indent=1) + "\n")
    print(f"wrote {THRESHOLDS_FILE} and {SALIENCE_FILE} for {args.model}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
