"""Run a segmentation backend over a folder of COCO images and write a COCO *results* file.

Usage::

    python -m segmentation.predict --images DIR --instances INSTANCES.json \\
        --backend ssdlite320_mobilenet_v3_large --weights PATH --out results.json [--min-score 0.05]

The output is the list that COCO tools expect: ``{"image_id", "category_id", "bbox": [x, y, w, h],
"score"}`` per detection (plus ``"segmentation"`` as compressed RLE for backends with masks),
with category ids taken from the ``categories`` of ``INSTANCES.json`` by name, so the file
lines up with that ground truth. ``captioning.evaluate --results`` reads it.

The images come from the ``images`` list of ``INSTANCES.json`` (``file_name`` under ``--images``),
in file order. A low ``--min-score`` (0.05) keeps the detections that threshold calibration needs;
the captioner applies its own thresholds, and the app's segmenter floor (0.25 by default) is a
filter the evaluation re-applies (``captioning.evaluate --min-score``).

This is the one home for "run a backend over a COCO set": ``python -m segmentation.evaluate``
(AP and seconds per photo) runs :func:`predict` too.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from segmentation.result import Instances

if TYPE_CHECKING:
    from segmentation.interface import Segmenter


def rle_encode(mask: np.ndarray) -> dict[str, Any]:
    """A ``bool``/``uint8 (H, W)`` mask as COCO compressed RLE with ``counts`` as ASCII (JSON-ready)."""
    from pycocotools import mask as mask_utils

    with warnings.catch_warnings():  # pycocotools vs numpy 2 copy-keyword noise
        warnings.simplefilter("ignore", DeprecationWarning)
        rle = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
    rle["counts"] = rle["counts"].decode("ascii")
    return rle


def instances_to_coco(
    instances: Instances, image_id: int, category_ids: Mapping[str, int], *, with_masks: bool = True
) -> list[dict[str, Any]]:
    """The detections of one image as COCO result dicts (labels the file does not know are skipped).

    Masks (at working resolution) are scaled to the full image size by nearest neighbour before
    run-length encoding, so ``segmentation`` has the image's own ``height`` x ``width``.
    """
    out: list[dict[str, Any]] = []
    width, height = instances.image_size
    boxes = instances.clipped_boxes()
    rles: list[dict[str, Any]] = []
    if with_masks and instances.masks is not None and len(instances):
        h, w = instances.masks.shape[1:]
        rows = np.minimum((np.arange(height) * h) // height, h - 1)
        cols = np.minimum((np.arange(width) * w) // width, w - 1)
        rles = [rle_encode(mask[rows][:, cols]) for mask in instances.masks]
    for i, label in enumerate(instances.labels):
        if label not in category_ids:
            continue
        x0, y0, x1, y1 = (float(v) for v in boxes[i])
        record: dict[str, Any] = {
            "image_id": int(image_id),
            "category_id": int(category_ids[label]),
            "bbox": [round(x0, 2), round(y0, 2), round(x1 - x0, 2), round(y1 - y0, 2)],
            "score": round(float(instances.scores[i]), 5),
        }
        if rles:
            record["segmentation"] = rles[i]
        out.append(record)
    return out


def load_coco_set(
    instances_path: Path, *, limit: int = 0
) -> tuple[dict[str, Any], dict[str, int], list[dict[str, Any]]]:
    """A COCO instances file as ``(the parsed file, category name -> id, image records)``; the
    records are the file's ``images`` in file order, the first ``limit`` of them when ``limit``."""
    coco = json.loads(Path(instances_path).read_text())
    category_ids = {str(c["name"]): int(c["id"]) for c in coco["categories"]}
    records = list(coco["images"][:limit] if limit else coco["images"])
    return coco, category_ids, records


def predict(
    segmenter: Segmenter,
    images_dir: Path,
    image_records: Sequence[Mapping[str, Any]],
    category_ids: Mapping[str, int],
    *,
    seconds: list[float] | None = None,
) -> list[dict[str, Any]]:
    """Detections of every image, in the order of ``image_records``.

    With ``seconds``, the wall time of each photo's ``segment_file`` (decoding, inference and
    mask decoding at working size; not the RLE encoding of the results file) is appended to it.
    """
    results: list[dict[str, Any]] = []
    for record in image_records:
        start = time.perf_counter()
        instances = segmenter.segment_file(images_dir / str(record["file_name"]))
        if seconds is not None:
            seconds.append(time.perf_counter() - start)
        results.extend(instances_to_coco(instances, int(record["id"]), category_ids))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m segmentation.predict", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--images", type=Path, required=True, help="folder with the images")
    parser.add_argument("--instances", type=Path, required=True, help="COCO instances file (images + categories)")
    parser.add_argument("--backend", default="auto", help="segmentation backend name (default: auto)")
    parser.add_argument("--weights", default=None, help="state-dict file (default: torchvision's weights)")
    parser.add_argument("--out", type=Path, required=True, help="results file to write")
    parser.add_argument("--min-score", type=float, default=0.05, help="keep detections scoring at least this")
    parser.add_argument("--device", default="cpu", help="cpu (default), cuda, auto")
    parser.add_argument("--limit", type=int, default=0, help="only the first N images (0: all)")
    args = parser.parse_args(argv)

    from segmentation.registry import build_segmenter

    _, category_ids, records = load_coco_set(args.instances, limit=args.limit)
    segmenter = build_segmenter(args.backend, weights_path=args.weights, device=args.device, min_score=args.min_score)
    start = time.perf_counter()
    results = predict(segmenter, args.images, records, category_ids)
    args.out.write_text(json.dumps(results))
    print(
        f"{len(results)} detections on {len(records)} images by {segmenter.name} "
        f"(min score {args.min_score}) in {time.perf_counter() - start:.1f} s -> {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
