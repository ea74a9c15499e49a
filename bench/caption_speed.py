"""Milliseconds to caption one photo with many mask instances (the captioner alone, no model).

Usage: ``.venv/bin/python bench/caption_speed.py [--instances 50] [--mask-size 800x1067] [--repeat 50]``

Random but photo-like input, seeded: ``--instances`` objects of a few COCO classes, ellipse masks
inside their boxes at Mask R-CNN's working resolution, scores spread over [0.3, 1]. Prints the
median and 90th percentile of ``describe`` over ``--repeat`` runs, with and without masks, in wall-clock
time and in CPU time of the calling thread (the captioner is single-threaded; on a shared machine
the CPU time is the figure that does not depend on what else runs). The load average is printed first.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from captioning import describe  # noqa: E402
from segmentation.result import Instances  # noqa: E402

LABELS = ("person", "dog", "cup", "chair", "car", "bicycle", "dining table", "book")


def photo(n: int, mask_hw: tuple[int, int], seed: int = 0) -> Instances:
    rng = np.random.default_rng(seed)
    width, height = 1600, 1200
    h, w = mask_hw
    x0 = rng.uniform(0, width * 0.8, n)
    y0 = rng.uniform(0, height * 0.8, n)
    bw = rng.uniform(20, width * 0.4, n)
    bh = rng.uniform(20, height * 0.4, n)
    boxes = np.stack([x0, y0, np.minimum(x0 + bw, width), np.minimum(y0 + bh, height)], axis=1)
    masks = np.zeros((n, h, w), dtype=bool)
    rows, cols = np.ogrid[:h, :w]
    for k, (a, b, c, d) in enumerate(boxes):
        cy, cx = (b + d) / 2 * h / height, (a + c) / 2 * w / width
        ry, rx = max(1.0, (d - b) / 2 * h / height), max(1.0, (c - a) / 2 * w / width)
        masks[k] = ((rows - cy) / ry) ** 2 + ((cols - cx) / rx) ** 2 <= 1
    labels = tuple(LABELS[i] for i in rng.integers(0, len(LABELS), n))
    scores = np.sort(rng.uniform(0.3, 1.0, n))[::-1]
    return Instances((width, height), labels, scores, boxes, masks, model="maskrcnn_resnet50_fpn_v2")


def timed(inst: Instances, repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds (this thread) of each of ``repeat`` calls. On a shared machine
    the wall clock also counts time the scheduler gave to other processes; the CPU time does not."""
    describe(inst)  # warm-up (imports, thresholds file)
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.thread_time()
        describe(inst)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instances", type=int, default=50)
    parser.add_argument("--mask-size", default="800x1067", help="HxW of the masks")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    h, w = (int(v) for v in args.mask_size.split("x"))
    inst = photo(args.instances, (h, w))
    print("load average (1, 5, 15 min):", " ".join(f"{v:.2f}" for v in os.getloadavg()))
    for name, case in (
        ("masks", inst),
        ("boxes only", Instances(inst.image_size, inst.labels, inst.scores, inst.boxes)),
    ):
        wall, cpu = timed(case, args.repeat)
        p90 = sorted(wall)[int(0.9 * (len(wall) - 1))]
        print(
            f"{args.instances} instances, {name} ({h}x{w}): wall median {statistics.median(wall):.2f} ms, "
            f"p90 {p90:.2f} ms, min {min(wall):.2f} ms; CPU median {statistics.median(cpu):.2f} ms"
        )


if __name__ == "__main__":
    main()
