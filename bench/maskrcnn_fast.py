"""Issue 7: the naive Mask R-CNN baseline against our fast path, same photos, one run.

Usage: ``.venv/bin/python bench/maskrcnn_fast.py [--quick] [--threads N] [--batch B ...] [--compile]``

Both sides run torchvision Mask R-CNN R50-FPN (``maskrcnn_resnet50_fpn``) with the *same*
seeded random-init weights (no trained weights offline; timing does not depend on them). The
random classifier is made decisive (``cls_score`` weights x20) so the score distribution is
like a trained model's (most proposals background, a few thousand class-proposal candidates above 0.01) and both
sides keep exactly 20 instances per photo (``--min-score 0``, the default: with a threshold,
ours, running small photos at their own size, keeps fewer than 20 and would do less mask work), so
the mask head and captioner do the same work. Both sides then also pay an NMS over all 90,000
class-proposal pairs (per class; about 50 ms a photo here), which a trained model at 0.05 does not.

* **baseline**: one photo at a time, fp32, ``PIL.Image.open(...).convert("RGB")``, torchvision's
  own transform (resize to short side 800 / long side <= 1333, small photos upscaled) and
  post-processing (masks pasted at the full original resolution), then the captioner; torch's
  default thread count.
* **ours**: ``Segmenter.prepare`` (JPEG ``draft`` decode straight to the working size; photos
  never upscaled) + ``Segmenter.infer`` (masks kept at working resolution, threshold before
  the mask head) + the captioner + the real database write of the result
  (``webapp.photos.services.store_result`` into a temporary SQLite database: RLE masks, JSON,
  object rows, search index), at batch sizes ``--batch`` (photos share a forward pass only when
  they pad to the same size, unless the variant says "mixed sizes"); then the options: one torch
  thread, a reduced working size and, with ``--compile``, ``torch.compile`` of the backbone (its
  compile time is reported apart: the first call; it did not win here, so it is not run by
  default).
* **baseline, 1 thread** (``--threads-compare``, default on): the baseline with one torch
  thread, so the gain of our code can be read at equal thread settings.

Accuracy is not measured here: this random model is a sea of near-ties (even 1 vs 2 torch
threads, i.e. float summation order, changes most of its detections), so "the same detections"
means the same work (20 per photo); the accuracy bar is checked on a model built for it in
``tests/segmentation/test_fast_path.py``.

Photos: ``../shared/photos`` and ``../shared/coco-train-mini`` (COCO sizes, 375-640 px) and large
ones made by upscaling two of them to 4032x3024 / 3024x4032 (phone size). Each variant sees the
photos in the same order, interleaved photo by photo (batch by batch) so machine load hits all
sides alike. Per photo latency = wall time of its call (a batched photo waits for its batch).
Peak memory = the largest RSS rise during one call, sampled every 2 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
from PIL import Image  # noqa: E402

from captioning import describe  # noqa: E402
from segmentation.coco import COCO_CATEGORIES  # noqa: E402
from segmentation.registry import build_segmenter  # noqa: E402
from segmentation.result import Instances  # noqa: E402

SHARED = ROOT.parent / "shared"
DETECTIONS = 20
MIN_SCORE = 0.01
STAGES = ("decode", "model", "caption", "save")


def photo_set(quick: bool, scratch: Path) -> list[Path]:
    """Mixed sizes: COCO photos plus two phone-size upscales (made once into ``scratch``)."""
    shared = sorted((SHARED / "photos").glob("*.jpg"))
    mini = sorted((SHARED / "coco-train-mini" / "images").glob("*.jpg"))
    scratch.mkdir(parents=True, exist_ok=True)
    large = []
    for source, size in ((shared[0], (4032, 3024)), (mini[0], (3024, 4032))):
        target = scratch / f"large_{size[0]}x{size[1]}_{source.name}"
        if not target.exists():
            with Image.open(source) as image:
                image.convert("RGB").resize(size, Image.Resampling.BICUBIC).save(target, quality=90)
        large.append(target)
    if quick:
        return [shared[1], mini[1], large[0]]
    return [*shared[1:4], *mini[1:4], *large]


def calibrated_state(seed: int = 0) -> dict[str, torch.Tensor]:
    """Seeded random-init Mask R-CNN weights with a decisive classifier (see the docstring)."""
    from torchvision.models.detection import maskrcnn_resnet50_fpn

    torch.manual_seed(seed)
    model = maskrcnn_resnet50_fpn(weights=None, weights_backbone=None, num_classes=91)
    state = model.state_dict()
    state["roi_heads.box_predictor.cls_score.weight"] = state["roi_heads.box_predictor.cls_score.weight"] * 20
    return state


class Baseline:
    """What everyone writes first: torchvision defaults, one photo at a time."""

    def __init__(self, state: dict[str, torch.Tensor]) -> None:
        from torchvision.models.detection import maskrcnn_resnet50_fpn
        from torchvision.transforms.functional import to_tensor

        self.to_tensor = to_tensor
        self.model = maskrcnn_resnet50_fpn(
            weights=None,
            weights_backbone=None,
            num_classes=91,
            box_score_thresh=MIN_SCORE,
            box_detections_per_img=DETECTIONS,
        )
        self.model.load_state_dict(state)
        self.model.eval()

    def __call__(self, path: Path) -> Instances:
        image = Image.open(path).convert("RGB")
        with torch.inference_mode():
            out = self.model([self.to_tensor(image)])[0]
        keep = out["labels"] > 0
        return Instances(
            image_size=image.size,
            labels=tuple(COCO_CATEGORIES[i] for i in out["labels"][keep].tolist()),
            scores=out["scores"][keep].numpy(),
            boxes=out["boxes"][keep].numpy(),
            masks=(out["masks"][keep, 0] > 0.5).numpy(),
            model="baseline",
        )


def ours(state: dict[str, torch.Tensor], **options: Any) -> Any:
    segmenter = build_segmenter(
        "maskrcnn_resnet50_fpn",
        random_init=True,
        device="cpu",
        min_score=MIN_SCORE,
        box_detections_per_img=DETECTIONS,
        **options,
    )
    segmenter.model.load_state_dict(state)
    return segmenter


class Store:
    """The worker's real database write (``store_result``) into a throwaway SQLite database."""

    def __init__(self) -> None:
        folder = tempfile.mkdtemp(prefix="bench_db_")
        os.environ.update(
            DATA_DIR=folder,
            DATABASE_URL=f"sqlite:///{folder}/db.sqlite3",
            MEDIA_ROOT=f"{folder}/media",
            DJANGO_SETTINGS_MODULE="webapp.settings",
        )
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command

        from webapp.photos.models import Photo
        from webapp.photos.services import store_result

        call_command("migrate", verbosity=0)
        self.user = get_user_model().objects.create_user("bench", password=None)
        self.photo_model, self.store_result = Photo, store_result

    def __call__(self, result: Instances, description: Any) -> None:
        width, height = result.image_size
        photo = self.photo_model.objects.create(
            owner=self.user,
            image="bench.jpg",
            thumbnail="bench_thumb.jpg",
            original_name="bench.jpg",
            width=width,
            height=height,
            status=self.photo_model.Status.PROCESSING,
        )
        self.store_result(photo.pk, result, description)


def serialise_only(result: Instances, description: Any) -> None:
    """Fallback when Django cannot be set up: the JSON the database write would hold."""
    json.dumps({"instances": result.to_dict(), "description": description.to_dict()})


class PeakRss:
    """Largest RSS rise (bytes) over the RSS at ``start`` while running, sampled every 2 ms."""

    def __init__(self) -> None:
        self.page = os.sysconf("SC_PAGE_SIZE")

    def rss(self) -> int:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * self.page

    def run(self, fn: Callable[[], Any]) -> tuple[Any, int]:
        start = self.rss()
        peak = [start]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.002):
                peak[0] = max(peak[0], self.rss())

        thread = threading.Thread(target=sample, daemon=True)
        thread.start()
        try:
            result = fn()
        finally:
            done.set()
            thread.join()
        return result, max(peak[0], self.rss()) - start


@dataclass
class Variant:
    """One side of the comparison: what runs, how many photos per call, with how many threads."""

    run: Any
    batch: int = 1
    threads: int = 0  # 0: the process default
    first_call_s: float = 0.0
    stats: dict[str, list[float]] = field(
        default_factory=lambda: {k: [] for k in ("latency", "wall", "mem", "n", *STAGES)}
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="3 photos, fewer variants (development)")
    parser.add_argument("--threads", type=int, default=0, help="torch threads of every side (0 = torch's default)")
    parser.add_argument("--batch", type=int, nargs="*", default=[1, 2], help="our batch sizes")
    parser.add_argument("--sizes", default="512x853", help="reduced working sizes min x max, comma-separated")
    parser.add_argument("--channels-last", action="store_true", help="also time ours with channels_last")
    parser.add_argument("--compile", action="store_true", help="also time torch.compile of the backbone")
    parser.add_argument("--no-threads-compare", action="store_true", help="skip the 1-thread variants")
    parser.add_argument("--no-db", action="store_true", help="serialise results instead of the database write")
    parser.add_argument("--scratch", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    parser.add_argument(
        "--min-score",
        type=float,
        default=0.0,
        help="score threshold of both sides (0: every photo keeps exactly 20 detections on both)",
    )
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    default_threads = torch.get_num_threads()
    global MIN_SCORE
    MIN_SCORE = args.min_score
    save: Callable[[Instances, Any], None] = serialise_only
    if not args.no_db:
        try:
            save = Store()
        except Exception as exc:  # noqa: BLE001 - the bench still runs, and says what it timed
            print(f"database write not timed ({type(exc).__name__}: {exc}); timing serialisation only")

    paths = photo_set(args.quick, args.scratch)
    sizes = [Image.open(p).size for p in paths]
    state = calibrated_state()
    variants: dict[str, Variant] = {"baseline": Variant(Baseline(state))}
    one_thread = not args.no_threads_compare and default_threads > 1
    if one_thread:
        variants["baseline, 1 thread"] = Variant(Baseline(state), threads=1)
    for b in args.batch:
        variants[f"ours b={b}"] = Variant(ours(state), b)
        if b > 1:
            variants[f"ours b={b} mixed sizes"] = Variant(ours(state, mixed_size_batches=True), b)
    if one_thread:
        variants["ours b=1, 1 thread"] = Variant(ours(state), threads=1)
    if args.channels_last:
        variants["ours b=1 channels_last"] = Variant(ours(state, channels_last=True))
    if args.compile:
        variants["ours b=1 compiled"] = Variant(ours(state, compile_backbone=True))
        if one_thread:
            variants["ours b=1 compiled, 1 thread"] = Variant(ours(state, compile_backbone=True), threads=1)
    if not args.quick:
        for spec in filter(None, args.sizes.split(",")):
            lo, hi = (int(v) for v in spec.split("x"))
            variants[f"ours b=1 {lo}/{hi}"] = Variant(ours(state, min_size=lo, max_size=hi))

    def threads_for(variant: Variant) -> None:
        torch.set_num_threads(variant.threads or default_threads)

    # Warm-up: one small photo through every variant (for compiled ones: the compile).
    for name, variant in variants.items():
        threads_for(variant)
        t0 = time.perf_counter()
        if isinstance(variant.run, Baseline):
            variant.run(paths[0])
        else:
            variant.run.infer([variant.run.prepare(paths[0])])
        variant.first_call_s = time.perf_counter() - t0
        print(f"  warm-up {name}: {variant.first_call_s:.1f} s", flush=True)
    threads_for(variants["baseline"])

    load_before = os.getloadavg()
    print(
        f"{len(paths)} photos {sorted(set(sizes))}, torch {torch.__version__}, {default_threads} threads by default, "
        f"{os.cpu_count()} CPUs, load {load_before[0]:.2f}"
    )
    meter = PeakRss()

    def ours_batch(seg: Any, group: list[Path], st: dict[str, list[float]]) -> list[Instances]:
        t0 = time.perf_counter()
        prepared = [seg.prepare(p) for p in group]
        t1 = time.perf_counter()
        results = seg.infer(prepared)
        t2 = time.perf_counter()
        descriptions = [describe(r) for r in results]
        t3 = time.perf_counter()
        for r, d in zip(results, descriptions, strict=True):
            save(r, d)
        t4 = time.perf_counter()
        for key, value in zip(STAGES, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            st[key].append(value / len(group))
        return results

    # Interleave: for each block of photos, every variant processes it (its batches) in turn.
    block = max(args.batch)
    for start in range(0, len(paths), block):
        chunk = paths[start : start + block]
        for variant in variants.values():
            st = variant.stats
            threads_for(variant)
            for i in range(0, len(chunk), variant.batch):
                group = chunk[i : i + variant.batch]
                t0 = time.perf_counter()
                if isinstance(variant.run, Baseline):
                    results, mem = meter.run(lambda g=group, base=variant.run: [base(p) for p in g])
                    for r in results:
                        describe(r)
                else:
                    results, mem = meter.run(lambda g=group, s=variant.run, st=st: ours_batch(s, g, st))
                wall = time.perf_counter() - t0
                st["wall"].append(wall)
                st["latency"].extend([wall] * len(group))
                st["mem"].append(mem)
                st["n"].extend(len(r) for r in results)
        threads_for(variants["baseline"])
        print(f"  {start + len(chunk)}/{len(paths)} photos", flush=True)

    load_after = os.getloadavg()
    base_ips = len(paths) / sum(variants["baseline"].stats["wall"])
    rows = []
    print()
    print(
        f"{'variant':30} {'img/s':>7} {'p50 s':>7} {'p95 s':>7} {'peak MB':>8} {'x base':>7} {'det/img':>8}"
        f"  {'decode':>7} {'model':>7} {'caption':>8} {'save':>7} (ms/photo)  first call s"
    )
    for name, variant in variants.items():
        st = variant.stats
        ips = len(paths) / sum(st["wall"])
        lat = sorted(st["latency"])
        p95 = lat[min(len(lat) - 1, int(round(0.95 * (len(lat) - 1))))]
        row = {
            "variant": name,
            "threads": variant.threads or default_threads,
            "images_per_s": ips,
            "p50_s": statistics.median(lat),
            "p95_s": p95,
            "peak_mb": max(st["mem"]) / 2**20,
            "ratio": ips / base_ips,
            "detections": statistics.mean(st["n"]),
            "first_call_s": variant.first_call_s,
            **{k: statistics.mean(st[k]) * 1000 if st[k] else None for k in STAGES},
        }
        rows.append(row)
        stages = "".join(f" {row[k]:8.1f}" if row[k] is not None else f" {'-':>8}" for k in STAGES)
        print(
            f"{name:30} {ips:7.3f} {row['p50_s']:7.2f} {p95:7.2f} {row['peak_mb']:8.0f} {row['ratio']:7.2f} "
            f"{row['detections']:8.1f} {stages}  {variant.first_call_s:8.1f}"
        )
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    timed = "database write (store_result)" if isinstance(save, Store) else "serialisation only (no database)"
    print(f"\nsave = {timed}; load average before/after: {load_before[0]:.2f} / {load_after[0]:.2f}")
    print(f"max RSS {max_rss:.0f} MB; first call = warm-up on one small photo (with a compile, the compile)")
    if args.json:
        args.json.write_text(
            json.dumps({"photos": [str(p) for p in paths], "rows": rows, "load": [load_before, load_after]}, indent=1)
        )


if __name__ == "__main__":
    main()
