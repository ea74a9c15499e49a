"""Box and mask AP (pycocotools) and seconds per photo of a backend on a COCO instances file.

Usage::

    python -m segmentation.evaluate --backend NAME [--weights FILE] \\
        --instances INSTANCES.json --images DIR [--results OUT.json] [--limit N] [--threads N]

Prints one JSON object::

    {"backend", "weights", "photos", "detections", "min_score", "threads",
     "box_ap", "box_ap50", "box_ap75", "mask_ap", "mask_ap50", "mask_ap75",
     "seconds_per_photo": {"p50", "p95", "mean"}}

* The photos are the ``images`` of ``INSTANCES.json`` (``file_name`` under ``--images``), run
  through :func:`segmentation.predict.predict`, the one home of "run a backend over a COCO
  set"; ``--results`` writes its COCO results file (compressed RLE masks), which
  ``python -m captioning --results`` and ``captioning.evaluate`` read.
* AP is COCO's: ``COCOeval`` at IoU 0.50:0.95, at most 100 detections per photo. ``mask_*`` is
  ``null`` for a boxes-only backend (pycocotools would otherwise score its boxes as masks).
  Mask AP takes each detection's area from its mask, box AP from its box (as detectron2 does).
* ``--min-score`` (default 0.25, the app's segmenter floor and the floor of the reference
  figures in ``../shared/models/README.md``): lower it (0.001) for the usual COCO protocol.
* ``seconds_per_photo``: wall time of each photo's ``segment_file`` (decoding, inference, mask
  decoding at working size), after one untimed warm-up photo; p50 / p95 / mean over the photos.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import io
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from segmentation.predict import load_coco_set, predict

if TYPE_CHECKING:
    from segmentation.interface import Segmenter

__all__ = ["Evaluation", "coco_eval", "evaluate", "load_ground_truth", "main", "score", "seconds_summary"]

#: COCOeval's ``stats`` indices of AP, AP50, AP75 (at 100 detections, all areas).
_AP_STATS = (0, 1, 2)


def load_ground_truth(instances_path: Path) -> Any:
    """A ``pycocotools.coco.COCO`` of ``instances_path``, without its chatter on stdout."""
    from pycocotools.coco import COCO

    with contextlib.redirect_stdout(io.StringIO()):
        return COCO(os.fspath(instances_path))


def coco_eval(
    gt: Any,
    results: Sequence[dict[str, Any]],
    iou_type: str,
    *,
    image_ids: Sequence[int],
    max_dets: Sequence[int] = (1, 10, 100),
    agnostic: bool = False,
) -> np.ndarray:
    """``COCOeval(gt, results, iou_type).stats`` (12 numbers) over ``image_ids``; zeros without results.

    ``results`` is not modified (pycocotools' ``loadRes`` writes into the dicts it gets). For
    ``segm`` the boxes of detections with a mask are dropped first, so that each one's area is its
    mask's (boxes-only results would be scored as box-shaped masks: :func:`evaluate` does not ask).
    ``agnostic`` ignores categories (proposal recall).
    """
    from pycocotools.cocoeval import COCOeval

    if not results:
        return np.zeros(12)
    dets = copy.deepcopy(list(results))
    if iou_type == "segm":
        for d in dets:
            if "segmentation" in d:
                d.pop("bbox", None)
    with contextlib.redirect_stdout(io.StringIO()):
        dt = gt.loadRes(dets)
        ev = COCOeval(gt, dt, iou_type)
        ev.params.imgIds = list(image_ids)
        ev.params.maxDets = list(max_dets)
        if agnostic:
            ev.params.useCats = 0
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    return np.asarray(ev.stats)


@dataclass(frozen=True)
class Evaluation:
    """What :func:`evaluate` measured.

    Attributes:
        report: the JSON object the command prints (see the module docstring).
        results: the COCO results (``image_id``, ``category_id``, ``bbox`` xywh in original
            pixels, ``score``, and ``segmentation`` as compressed RLE for mask backends).
        seconds: per-photo wall time of ``segment_file``, in photo order.
    """

    report: dict[str, Any]
    results: list[dict[str, Any]]
    seconds: list[float]


def _round(value: float) -> float:
    return round(float(value), 4)


def score(
    results: Sequence[dict[str, Any]], instances_path: Path, image_ids: Sequence[int], *, has_masks: bool
) -> dict[str, float | None]:
    """``box_ap``, ``box_ap50``, ``box_ap75`` and the same for ``mask_`` (``None`` when not
    ``has_masks``) of COCO ``results`` against ``instances_path`` over ``image_ids``."""
    gt = load_ground_truth(instances_path)
    out: dict[str, float | None] = {}
    for iou_type, key in (("bbox", "box"), ("segm", "mask")):
        if key == "mask" and not has_masks:
            out.update(mask_ap=None, mask_ap50=None, mask_ap75=None)
            continue
        stats = coco_eval(gt, results, iou_type, image_ids=image_ids)
        for suffix, k in zip(("", "50", "75"), _AP_STATS, strict=True):
            out[f"{key}_ap{suffix}"] = _round(stats[k])
    return out


def seconds_summary(seconds: Sequence[float]) -> dict[str, float]:
    """``{"p50", "p95", "mean"}`` of per-photo seconds."""
    times = np.asarray(seconds) if len(seconds) else np.zeros(1)
    return {
        "p50": _round(np.percentile(times, 50)),
        "p95": _round(np.percentile(times, 95)),
        "mean": _round(times.mean()),
    }


def evaluate(
    segmenter: Segmenter,
    images_dir: Path,
    instances_path: Path,
    *,
    limit: int = 0,
    warmup: bool = True,
) -> Evaluation:
    """Run ``segmenter`` over the photos of ``instances_path`` and score it with pycocotools.

    Args:
        segmenter: a loaded segmenter; only ``segment_file`` and ``has_masks`` are used (without
            ``has_masks``, masks are scored when any result has one).
        images_dir: where the ``file_name`` of each image record is.
        instances_path: COCO instances file (images, categories, annotations).
        limit: only the first ``limit`` photos (0: all).
        warmup: run the first photo once, untimed, before timing (lazy initialisation).
    """
    _, category_ids, records = load_coco_set(instances_path, limit=limit)
    if warmup and records:
        segmenter.segment_file(Path(images_dir) / str(records[0]["file_name"]))
    seconds: list[float] = []
    results = predict(segmenter, Path(images_dir), records, category_ids, seconds=seconds)
    has_masks = getattr(segmenter, "has_masks", None)
    if has_masks is None:
        has_masks = any("segmentation" in r for r in results)
    report: dict[str, Any] = {"photos": len(records), "detections": len(results)}
    report.update(score(results, instances_path, [int(r["id"]) for r in records], has_masks=bool(has_masks)))
    report["seconds_per_photo"] = seconds_summary(seconds)
    return Evaluation(report=report, results=results, seconds=seconds)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m segmentation.evaluate",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--backend", default="auto", help="segmentation backend name (default: auto)")
    parser.add_argument("--weights", default=None, help="weights file (default: the backend's usual weights)")
    parser.add_argument("--instances", type=Path, required=True, help="COCO instances file (images + annotations)")
    parser.add_argument("--images", type=Path, required=True, help="folder with the images")
    parser.add_argument("--results", type=Path, default=None, help="also write the COCO results file here")
    parser.add_argument("--limit", type=int, default=0, help="only the first N images (0: all)")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads for inference (0: the runtime's default)")
    parser.add_argument("--min-score", type=float, default=0.25, help="score floor (default 0.25, the app's)")
    parser.add_argument("--device", default="cpu", help="cpu (default), cuda, auto")
    args = parser.parse_args(argv)

    from segmentation.registry import build_segmenter

    segmenter = build_segmenter(
        args.backend,
        weights_path=args.weights,
        device=args.device,
        min_score=args.min_score,
        torch_threads=args.threads or None,
    )
    evaluation = evaluate(segmenter, args.images, args.instances, limit=args.limit)
    if args.results is not None:
        args.results.write_text(json.dumps(evaluation.results))
    report = {
        "backend": segmenter.name,
        "weights": args.weights,
        "min_score": args.min_score,
        "threads": args.threads or None,
        **evaluation.report,
    }
    print(json.dumps(report))
    if args.results is not None:
        print(f"{len(evaluation.results)} detections -> {args.results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
