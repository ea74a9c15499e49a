"""The model-zoo table: every registered backend x every weights file on hand, box / mask AP and
seconds per photo on the CPU at 1 and 2 threads, in one run.

Usage::

    .venv/bin/python bench/model_zoo.py [--instances FILE --images DIR] [--threads 1 2] [--limit N] [--json OUT]

Defaults to ``../shared/coco-val-calib`` (79 COCO val2017 photos no shipped model was trained on).

Rows:

* every weights file in ``../shared/models/`` and ``$SEGMENTER_WEIGHTS``, the backend chosen by
  the registry from the file itself (:func:`segmentation.registry.resolve_backend` with
  ``auto``, as the app does), plus backends whose official weights are in torchvision's cache;
* every registered backend with no weights here gets a row that says so, with its published
  COCO figures (full val2017, marked *published*; not comparable with the 79-photo figures):
  the registry's (``BackendSpec.published_*``), the same figures that rank ``auto``.

Each measured row is what ``python -m segmentation.evaluate`` reports (the same functions:
:func:`segmentation.predict.predict`, then pycocotools AP at the app's score floor 0.25, at most
100 detections per photo; seconds per photo = ``segment_file``: decoding, inference, mask
decoding), once per thread count. Per thread count the models take turns photo by photo (one
untimed warm-up photo each), so load from other jobs on a shared machine hits every row alike.
AP does not depend on the thread count: the table shows the first; the JSON keeps each.

``--check``: exits 1 unless each file with reference figures (``REFERENCE``, from
``../shared/models/README.md``) is within 0.01 of them in box and mask AP (all photos only).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from segmentation.evaluate import score, seconds_summary  # noqa: E402
from segmentation.predict import load_coco_set, predict  # noqa: E402
from segmentation.registry import (  # noqa: E402
    WEIGHTS_ENV_VAR,
    WeightsUnavailable,
    available_backends,
    backend_names,
    build_segmenter,
    get_backend,
    resolve_backend,
)

SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
VAL = SHARED / "coco-val-calib"

#: Reference (box AP, mask AP) on coco-val-calib of an independent decoder, per weights file
#: (../shared/models/README.md: pycocotools, score floor 0.25, at most 100 detections). ``--check``
#: fails when a measured figure is more than ``TOLERANCE`` away.
REFERENCE: dict[str, tuple[float, float]] = {
    "yolo11n-seg_int8.tflite": (0.375, 0.326),
    "yolov8n-seg_int8_320.onnx": (0.285, 0.240),
}
TOLERANCE = 0.01


def check(rows: list[dict[str, Any]]) -> list[str]:
    """One line per measured row with reference figures; lines of rows off by more than
    ``TOLERANCE`` start with ``FAIL``."""
    lines = []
    for row in rows:
        ref = REFERENCE.get(row.get("weights", ""))
        if ref is None or "box_ap" not in row:
            continue
        deltas = (row["box_ap"] - ref[0], (row["mask_ap"] or 0.0) - ref[1])
        ok = all(abs(d) <= TOLERANCE for d in deltas)
        lines.append(
            f"{'ok  ' if ok else 'FAIL'} {row['weights']}: box AP {row['box_ap']:.4f} (reference {ref[0]:.3f}, "
            f"{deltas[0]:+.4f}), mask AP {row['mask_ap']:.4f} (reference {ref[1]:.3f}, {deltas[1]:+.4f})"
        )
    return lines


def weights_on_hand() -> list[tuple[str, Path | None, str]]:
    """``(backend, weights file or None for torchvision's cache, note)`` for each model on hand."""
    rows: list[tuple[str, Path | None, str]] = []
    files = sorted(p for p in (SHARED / "models").glob("*") if p.is_file() and p.suffix.lower() != ".md")
    if os.environ.get(WEIGHTS_ENV_VAR):
        files.append(Path(os.environ[WEIGHTS_ENV_VAR]))
    for path in files:
        try:
            rows.append((resolve_backend("auto", path).name, path, ""))
        except WeightsUnavailable as exc:
            reason = exc.reason.splitlines()[0].replace(str(path), "the file")[:120]
            rows.append(("?", path, f"not recognised by any registered backend ({reason})"))
    for name in available_backends():
        rows.append((name, None, "torchvision's cache"))
    return rows


def measure(
    models: list[tuple[str, Path | None]], threads: list[int], args: argparse.Namespace
) -> list[dict[str, Any]]:
    """AP and s/photo of each model; per thread count the models take turns photo by photo, so a
    busy minute of the shared machine slows every row alike (the ratios between rows hold)."""
    _, category_ids, records = load_coco_set(args.instances, limit=args.limit)
    ids = [int(r["id"]) for r in records]
    rows = [
        {
            "backend": name,
            "weights": path.name if path else "official (cache)",
            "photos": len(records),
            "by_threads": {},
        }
        for name, path in models
    ]
    for t in threads:
        segmenters = [
            build_segmenter(name, weights_path=path, device="cpu", min_score=0.25, torch_threads=t)
            for name, path in models
        ]
        for segmenter in segmenters:  # warm-up
            segmenter.segment_file(args.images / str(records[0]["file_name"]))
        results: list[list[dict[str, Any]]] = [[] for _ in models]
        seconds: list[list[float]] = [[] for _ in models]
        for record in records:
            for k, segmenter in enumerate(segmenters):
                results[k].extend(predict(segmenter, args.images, [record], category_ids, seconds=seconds[k]))
        for k, (row, segmenter) in enumerate(zip(rows, segmenters, strict=True)):
            report = {
                "detections": len(results[k]),
                **score(results[k], args.instances, ids, has_masks=segmenter.has_masks),
            }
            report["seconds_per_photo"] = seconds_summary(seconds[k])
            row["by_threads"][t] = report
            print(f"  {row['backend']} {row['weights']} threads={t}: {json.dumps(report)}", file=sys.stderr, flush=True)
    for row in rows:
        first = row["by_threads"][threads[0]]
        row.update(box_ap=first["box_ap"], mask_ap=first["mask_ap"])
    return rows


def _ap(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def table(rows: list[dict[str, Any]], threads: list[int]) -> str:
    head = ["backend", "weights file", "box AP", "mask AP"] + [f"s/photo p50 (p95), {t} thr" for t in threads]
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(["---"] * 2 + ["---:"] * (len(head) - 2)) + " |"]
    for row in rows:
        if "by_threads" in row:
            cells = [row["backend"], f"`{row['weights']}`", _ap(row["box_ap"]), _ap(row["mask_ap"])]
            for t in threads:
                spp = row["by_threads"][t]["seconds_per_photo"]
                cells.append(f"{spp['p50']:.3f} ({spp['p95']:.3f})")
        else:
            box, mask = row.get("published_box_ap"), row.get("published_mask_ap")
            figures = ["—", "—"] if box is None else [f"{_ap(box)} *published*", f"{_ap(mask)} *published*"]
            cells = [row["backend"], row["note"], *figures] + ["—"] * len(threads)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instances", type=Path, default=VAL / "instances.json")
    parser.add_argument("--images", type=Path, default=VAL / "images")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--limit", type=int, default=0, help="only the first N photos (0: all)")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    parser.add_argument(
        "--check", action="store_true", help=f"exit 1 unless AP is within {TOLERANCE} of the reference figures"
    )
    args = parser.parse_args()

    load_before = os.getloadavg()
    started = time.perf_counter()
    on_hand = weights_on_hand()
    models = [(name, path) for name, path, _ in on_hand if name != "?"]
    rows = measure(models, args.threads, args)
    rows += [
        {"backend": "?", "note": f"`{path.name if path else ''}`: {note}"}
        for name, path, note in on_hand
        if name == "?"
    ]
    measured = {name for name, _ in models}
    for name in backend_names():
        if name in measured:
            continue
        spec = get_backend(name)
        box, mask, source = spec.published_box_ap, spec.published_mask_ap, spec.published_source
        note = "no weights on this machine" + (f"; figures: {source}" if source else "")
        if name == "sharpmask_multipathnet":
            note += " (train: `python -m segmentation.fair.train`; measured figures in its own section)"
        rows.append({"backend": name, "note": note, "published_box_ap": box, "published_mask_ap": mask})
    print(table(rows, args.threads))
    print(
        f"\n{args.instances.parent.name}: {rows and next((r['photos'] for r in rows if 'photos' in r), 0)} photos; "
        f"load average {load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after; "
        f"{time.perf_counter() - started:.0f} s; {os.cpu_count()} CPUs"
    )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    verdict = check(rows)
    if verdict:
        print("\nAgainst the reference decoder (../shared/models/README.md), tolerance", TOLERANCE)
        print("\n".join(verdict))
    if args.check and (args.limit or not verdict or any(line.startswith("FAIL") for line in verdict)):
        print("check failed" + (" (the reference figures are for all photos: no --limit)" if args.limit else ""))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
