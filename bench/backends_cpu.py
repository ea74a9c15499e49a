"""Seconds per photo for every registered backend on this machine, plus the captioner.

Usage: ``.venv/bin/python bench/backends_cpu.py [--photos DIR] [--repeat N] [--threads N]``

SSDLite runs with its real COCO weights (``../shared/models``). Mask R-CNN weights are not on
hand offline, so its backends run random-init at the default working size (short side 800,
long side ≤ 1333) with the score floor at 0 and 20 detections per image, so the mask head does
the work a real photo with ~20 objects costs. All timings in one run, same photos, same process.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from captioning import describe  # noqa: E402
from segmentation.preprocessing import load_image  # noqa: E402
from segmentation.registry import backend_names, build_segmenter  # noqa: E402

SHARED = ROOT.parent / "shared"
SSDLITE = SHARED / "models" / "ssdlite320_mobilenet_v3_large_coco-dequantized_int8.pth"


def build(name: str) -> object:
    if name.startswith("ssdlite"):
        return build_segmenter(name, weights_path=SSDLITE, device="cpu")
    return build_segmenter(name, random_init=True, device="cpu", min_score=0.0, box_detections_per_img=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=Path, default=SHARED / "photos")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    paths = sorted(args.photos.glob("*.jpg"))
    images = [load_image(p) for p in paths]
    print(f"{len(images)} photos from {args.photos}, torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"{'backend':32} {'weights':10} {'s/photo p50':>12} {'mean':>8} {'max':>8} {'caption ms':>11} {'objects':>8}")
    for name in backend_names():
        segmenter = build(name)
        segmenter.segment(images[0])  # warm-up
        seconds, caption_ms, counts = [], [], []
        for _ in range(args.repeat):
            for image in images:
                start = time.perf_counter()
                result = segmenter.segment(image)
                seconds.append(time.perf_counter() - start)
                start = time.perf_counter()
                describe(result)
                caption_ms.append((time.perf_counter() - start) * 1000)
                counts.append(len(result))
        weights = "COCO" if name.startswith("ssdlite") else "random"
        print(
            f"{name:32} {weights:10} {statistics.median(seconds):12.3f} {statistics.mean(seconds):8.3f} "
            f"{max(seconds):8.3f} {statistics.mean(caption_ms):11.2f} {statistics.mean(counts):8.1f}"
        )


if __name__ == "__main__":
    main()
