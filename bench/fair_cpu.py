"""Seconds per photo of the ``sharpmask_multipathnet`` backend with trained weights.

Usage: ``.venv/bin/python bench/fair_cpu.py --weights var/fair/coco/sharpmask_multipathnet_coco.pth
[--photos DIR] [--threads N] [--device cpu] [--scales 0.25 0.5 1.0] [--n-proposals 300]
[--masks sharpmask|deepmask]``

Times ``segment_file`` (decode, resize to the working size, proposals over every scale,
SharpMask refinement, MultiPathNet, NMS, pasting) on every ``*.jpg`` in ``--photos`` after one
warm-up, and separately the proposal stage alone.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from segmentation.preprocessing import load_image  # noqa: E402
from segmentation.registry import build_segmenter  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--weights", type=Path, default=ROOT / "var" / "fair" / "coco" / "sharpmask_multipathnet_coco.pth"
    )
    parser.add_argument("--photos", type=Path, default=ROOT.parent / "shared" / "photos")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--scales", type=float, nargs="*", default=None, help="override the pyramid")
    parser.add_argument("--n-proposals", type=int, default=0, help="override n_proposals")
    parser.add_argument(
        "--masks", choices=("config", "sharpmask", "deepmask"), default="config", help="override refine"
    )
    args = parser.parse_args()
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    overrides: dict[str, object] = {}
    if args.scales:
        overrides["scales"] = tuple(args.scales)
    if args.n_proposals:
        overrides["n_proposals"] = args.n_proposals
    if args.masks != "config":
        overrides["refine"] = args.masks == "sharpmask"
    segmenter = build_segmenter(
        "sharpmask_multipathnet", weights_path=args.weights, device=args.device, min_score=0.25, **overrides
    )
    paths = sorted(args.photos.glob("*.jpg"))
    segmenter.segment_file(paths[0])  # warm-up
    total, proposal_only, counts = [], [], []
    for path in paths:
        start = time.perf_counter()
        result = segmenter.segment_file(path)
        total.append(time.perf_counter() - start)
        counts.append(len(result))
        working = segmenter.working_image(load_image(path))
        tensor = torch.from_numpy(np.array(working.image)).permute(2, 0, 1).float().div(255)
        start = time.perf_counter()
        with torch.inference_mode():
            segmenter.model.proposals(tensor)
        proposal_only.append(time.perf_counter() - start)
    cfg = segmenter.model.config
    print(
        f"{len(paths)} photos, torch {torch.__version__}, {torch.get_num_threads()} threads, "
        f"device {segmenter.device}, scales {[round(s, 3) for s in cfg.scales]}, "
        f"n_proposals {cfg.n_proposals}, working {cfg.min_size}/{cfg.max_size}, "
        f"masks {'sharpmask' if cfg.refine else 'deepmask'}"
    )
    print(f"s/photo median {statistics.median(total):.3f} mean {statistics.mean(total):.3f} max {max(total):.3f}")
    print(
        f"proposals only: median {statistics.median(proposal_only):.3f} s; objects/photo {statistics.mean(counts):.1f}"
    )


if __name__ == "__main__":
    main()
