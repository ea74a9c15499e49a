"""Evaluate the FAIR backend on a COCO-format set with pycocotools.

Usage::

    .venv/bin/python -m segmentation.fair.evaluate --weights var/fair/coco/sharpmask_multipathnet_coco.pth \\
        --images ../shared/coco-val-calib/images --instances ../shared/coco-val-calib/instances.json

Reports (all on the images of ``--instances``, masks pasted at the working size and scaled to
each image's own size by nearest neighbour):

* proposals: class-agnostic average recall ``AR@10/100/1000`` for masks (``segm``) and their
  tight boxes (``bbox``): ``COCOeval`` with ``useCats=0`` and ``maxDets=[10, 100, 1000]``, scored
  by objectness. Proposal masks are the weights file's choice (``refine``; ``--masks`` overrides);
  with a DeepMask-only weights file (after stage 1) they are DeepMask's.
* detections (full pipeline, ``--min-score``, default 0.05): box and mask AP, AP50, AP75 and
  seconds per photo (p50 / p95 / mean of ``segment_file``: decoding, resizing, inference), by
  :func:`segmentation.evaluate.evaluate`, the evaluation every backend gets
  (``python -m segmentation.evaluate --backend sharpmask_multipathnet --weights FILE`` gives the
  same figures at the default inference settings; this command adds proposal recall and the
  FAIR-only inference overrides ``--masks``, ``--scales``, ``--n-proposals``).

``--json OUT`` writes the numbers.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

__all__ = ["main", "proposal_recall"]


def proposal_recall(model: Any, source: Any, n: int, limit: int, refine: bool) -> dict[str, float]:
    """Class-agnostic AR@10/100/n of the proposals (segm and bbox)."""
    from segmentation.evaluate import coco_eval
    from segmentation.fair.model import paste_masks
    from segmentation.fair.train import working_tensor
    from segmentation.predict import rle_encode

    results: list[dict[str, Any]] = []
    ids = source.image_ids[:limit] if limit else source.image_ids
    for idx, image_id in enumerate(ids):
        image, factor = working_tensor(source, idx, model.config)
        record = source.records[idx]
        height, width = int(record["height"]), int(record["width"])
        props = model.proposals(image, n=n, refine=refine)
        h, w = image.shape[-2:]
        rows = np.minimum((np.arange(height) * h) // height, h - 1)
        cols = np.minimum((np.arange(width) * w) // width, w - 1)
        for start in range(0, len(props.scores), 64):
            sl = slice(start, start + 64)
            pasted = paste_masks(props.masks[sl], props.windows[sl], (h, w), model.config.mask_threshold).numpy()
            for k, mask in enumerate(pasted):
                full = mask[rows][:, cols]
                x0, y0, x1, y1 = (props.boxes[start + k] / factor).tolist()
                results.append(
                    {
                        "image_id": image_id,
                        "category_id": 1,
                        "score": float(props.scores[start + k]),
                        "segmentation": rle_encode(full),
                        "bbox": [x0, y0, x1 - x0, y1 - y0],
                    }
                )
    out = {}
    dets = (10, 100, n)
    for iou_type in ("segm", "bbox"):
        stats = coco_eval(source.coco, results, iou_type, agnostic=True, max_dets=dets, image_ids=ids)
        for k, d in zip((6, 7, 8), dets, strict=True):
            out[f"{iou_type}_AR@{d}"] = float(stats[k])
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m segmentation.fair.evaluate",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--weights", type=Path, required=True, help="a weights file of segmentation.fair.train")
    parser.add_argument("--images", type=Path, required=True)
    parser.add_argument("--instances", type=Path, required=True)
    parser.add_argument("--proposals", type=int, default=1000, help="proposals per image for AR (default 1000)")
    parser.add_argument("--min-score", type=float, default=0.05)
    parser.add_argument("--limit", type=int, default=0, help="only the first N images (0: all)")
    parser.add_argument(
        "--masks",
        choices=("config", "sharpmask", "deepmask"),
        default="config",
        help="proposal masks: the weights file's choice (config.refine), SharpMask's or DeepMask's",
    )
    parser.add_argument("--scales", type=float, nargs="+", default=None, help="override the pyramid's scales")
    parser.add_argument("--n-proposals", type=int, default=0, help="override n_proposals of the detections")
    parser.add_argument("--skip-proposals", action="store_true")
    parser.add_argument("--skip-detections", action="store_true")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    if args.threads:
        torch.set_num_threads(args.threads)
    from segmentation.fair.backend import REQUIRED_STAGES, load_weights
    from segmentation.fair.data import CocoSource
    from segmentation.fair.model import FairModel

    source = CocoSource(args.images, args.instances)
    config, state = load_weights(args.weights)
    if args.masks != "config":
        config = dataclasses.replace(config, refine=args.masks == "sharpmask")
    if "sharpmask" not in config.stages:
        config = dataclasses.replace(config, refine=False)  # a DeepMask-only file
    inference: dict[str, Any] = {"refine": config.refine}
    if args.scales:
        inference["scales"] = tuple(args.scales)
    if args.n_proposals:
        inference["n_proposals"] = args.n_proposals
    config = dataclasses.replace(config, **inference)
    report: dict[str, Any] = {
        "weights": str(args.weights),
        "images": len(source) if not args.limit else args.limit,
        "stages": list(config.stages),
        "masks": "sharpmask" if config.refine else "deepmask",
        "scales": list(config.scales),
        "n_proposals": config.n_proposals,
    }
    if not args.skip_proposals:
        model = FairModel(config)
        model.load_state_dict(state, strict=True)
        model.eval().to(args.device)
        t0 = time.perf_counter()
        with torch.no_grad():
            report["proposals"] = proposal_recall(model, source, args.proposals, args.limit, refine=config.refine)
        report["proposals"]["seconds"] = time.perf_counter() - t0
        print(json.dumps(report["proposals"]), file=sys.stderr)
    if not args.skip_detections and all(s in config.stages for s in REQUIRED_STAGES):
        from segmentation.registry import build_segmenter

        segmenter = build_segmenter(
            "sharpmask_multipathnet",
            weights_path=args.weights,
            device=args.device,
            min_score=args.min_score,
            **inference,
        )
        from segmentation.evaluate import evaluate

        report["detections"] = evaluate(segmenter, args.images, args.instances, limit=args.limit).report
        print(json.dumps(report["detections"]), file=sys.stderr)
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
