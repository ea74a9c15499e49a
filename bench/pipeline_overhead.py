"""End-to-end photos/s through the app's pipeline (decode -> segment -> describe) against the bare
model loop on the same photos, in the same run; saving to the database timed separately.

Usage::

    .venv/bin/python bench/pipeline_overhead.py [--backend NAME --weights FILE] [--limit 40] \\
        [--threads 1 2] [--repeat 3] [--json OUT] [--blas-threads N] [--no-blas-limit]

Default model: the YOLO11n-seg TFLite file of ``../shared/models`` when a backend recognises
it, else the SSDLite state dict there. Photos: ``../shared/coco-val-calib/images`` (JPEGs of
COCO val2017, 640 px on the long side).

Per thread count, one segmenter, ``--repeat`` rounds; each round times, one after the other:

* ``bare``: the model alone on photos decoded beforehand (``prepare`` is not timed): the
  runtime's forward pass on the working-size input, nothing decoded from its outputs;
* ``sequential``: what ``manage.py describe`` and a one-photo worker task do per photo:
  ``prepare`` (decode + resize/letterbox), ``infer`` (forward + boxes/masks to ``Instances``),
  ``webapp.photos.pipeline.caption`` (the captioner with this deployment's salience model);
  each stage's time is kept too. ``infer`` is run as its two public halves (the segmenter
  protocol's ``forward`` and ``decode_outputs``), timed apart: "in the same loop" compares
  everything else with the forward pass of the same photos at the same moments (robust to the
  load of a shared machine changing between rounds);
* ``overlapped``: the same work, with the next photos decoded by one thread and each result
  described by another while the model runs (the overlap the issue allows).

Overhead = (pipeline s/photo - bare s/photo) / bare s/photo, each the median over rounds, so
the ratio comes from the same photos and the same minutes of a shared machine. Then
``services.store_result`` (one transaction: instances, suggestion, search index, outbox) is
timed per photo on a fresh SQLite database in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
MODELS = SHARED / "models"
DEFAULT_WEIGHTS = (
    MODELS / "yolo11n-seg_int8.tflite",
    MODELS / "ssdlite320_mobilenet_v3_large_coco-dequantized_int8.pth",
)


def setup_django(folder: Path) -> None:
    """The app's settings on a throwaway SQLite database and media folder (never ``var/``)."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="webapp.settings",
        DATA_DIR=str(folder),
        MEDIA_ROOT=str(folder / "media"),
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        REDIS_URL="filesystem://",
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def choose_model(backend: str, weights: str | None) -> tuple[str, str | None]:
    from segmentation.registry import WeightsUnavailable, resolve_backend

    if weights or backend != "auto":
        return backend, weights
    for path in DEFAULT_WEIGHTS:
        try:
            return resolve_backend("auto", path).name, str(path)
        except WeightsUnavailable:
            continue
    return "auto", None


def bare_model(segmenter: Any) -> Callable[[Any], Any]:
    """The forward pass alone on one prepared photo (what every other stage is compared with):
    the segmenter's public ``forward`` (yolo_seg: the runtime's ``run`` on the letterboxed
    frame; torch backends: the ``nn.Module`` with torchvision's own box post-processing, the
    masks not pasted), nothing decoded into ``Instances``."""

    def run(prepared: Any) -> Any:
        return segmenter.forward([prepared])

    return run


def run_bare(forward: Callable[[Any], Any], prepared: Sequence[Any]) -> float:
    start = time.perf_counter()
    for item in prepared:
        forward(item)
    return (time.perf_counter() - start) / len(prepared)


def run_sequential(
    segmenter: Any, paths: Sequence[Path], caption: Callable[[Any], Any], forward: Callable[[Any], Any]
) -> dict[str, float]:
    """``prepare`` -> ``infer`` -> ``caption`` per photo, each stage timed; ``infer`` is run as its
    two public halves, ``forward`` then ``decode_outputs`` (boxes, NMS, masks -> ``Instances``),
    so the model's share is measured on the same photo at the same moment as the rest."""
    stages = {"decode": 0.0, "forward": 0.0, "outputs": 0.0, "infer": 0.0, "caption": 0.0}
    start = time.perf_counter()
    for path in paths:
        t0 = time.perf_counter()
        item = segmenter.prepare(path)
        t1 = time.perf_counter()
        raw = forward(item)
        tf = time.perf_counter()
        instances = segmenter.decode_outputs(raw, [item])[0]
        t2 = time.perf_counter()
        caption(instances)
        t3 = time.perf_counter()
        stages["decode"] += t1 - t0
        stages["forward"] += tf - t1
        stages["outputs"] += t2 - tf
        stages["infer"] += t2 - t1
        stages["caption"] += t3 - t2
    total = time.perf_counter() - start
    return {"total": total / len(paths), **{k: v / len(paths) for k, v in stages.items()}}


def run_overlapped(
    segmenter: Any, paths: Sequence[Path], caption: Callable[[Any], Any], *, ahead: int = 2
) -> tuple[float, list[Any]]:
    """Decode ``ahead`` photos in advance on one thread, describe on another, infer here."""
    start = time.perf_counter()
    with ThreadPoolExecutor(1) as decoder, ThreadPoolExecutor(1) as describer:
        decoding = [decoder.submit(segmenter.prepare, p) for p in paths[:ahead]]
        described = []
        for i in range(len(paths)):
            item = decoding[i].result()
            if i + ahead < len(paths):
                decoding.append(decoder.submit(segmenter.prepare, paths[i + ahead]))
            instances = segmenter.infer([item])[0]
            described.append((instances, describer.submit(caption, instances)))
        results = [(inst, f.result()) for inst, f in described]
    return (time.perf_counter() - start) / len(paths), results


def time_store(results: Sequence[tuple[Any, Any]], paths: Sequence[Path]) -> dict[str, float]:
    """``services.store_result`` per photo on the throwaway database (``Photo`` rows made first)."""
    from django.contrib.auth import get_user_model

    from webapp.photos.models import Photo
    from webapp.photos.services import store_result

    user = get_user_model().objects.create_user("bench", password="bench-not-a-secret")
    seconds = []
    for (instances, description), path in zip(results, paths, strict=True):
        width, height = instances.image_size
        photo = Photo.objects.create(
            owner=user,
            image=path.name,
            thumbnail=path.name,
            original_name=path.name,
            width=width,
            height=height,
            status=Photo.Status.PROCESSING,
        )
        start = time.perf_counter()
        store_result(photo.pk, instances, description)
        seconds.append(time.perf_counter() - start)
    return {"p50": statistics.median(seconds), "mean": statistics.mean(seconds), "max": max(seconds)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--weights", default=None)
    parser.add_argument("--images", type=Path, default=SHARED / "coco-val-calib" / "images")
    parser.add_argument("--limit", type=int, default=40, help="photos (default 40; 0: all)")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=3, help="rounds of bare / sequential / overlapped")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=0,
        help="OPENBLAS_NUM_THREADS for numpy's matrix products (mask decoding), set "
        "before numpy loads (0: leave the environment as it is)",
    )
    parser.add_argument(
        "--no-blas-limit",
        action="store_true",
        help="measure without yolo_seg's one-BLAS-thread limit while decoding (the state before issue 14's fix)",
    )
    args = parser.parse_args()
    if "numpy" in sys.modules and args.blas_threads:
        raise RuntimeError("numpy was imported before the BLAS thread count could be set")
    if args.blas_threads:
        os.environ["OPENBLAS_NUM_THREADS"] = str(args.blas_threads)

    folder = Path(tempfile.mkdtemp(prefix="pipeline-bench-"))
    setup_django(folder)
    from segmentation.registry import build_segmenter
    from webapp.photos.pipeline import caption

    if args.no_blas_limit:
        import contextlib

        from segmentation import yolo_seg

        yolo_seg._one_blas_thread = contextlib.nullcontext  # bench-only: the "before" state
    name, weights = choose_model(args.backend, args.weights)
    paths = sorted(args.images.glob("*.jpg"))
    paths = paths[: args.limit] if args.limit else paths
    load_before = os.getloadavg()
    report: dict[str, Any] = {"backend": name, "weights": weights, "photos": len(paths), "by_threads": {}}
    report["blas_threads"] = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    report["blas_limit_while_decoding"] = not args.no_blas_limit
    print(
        f"{len(paths)} photos, OPENBLAS_NUM_THREADS={report['blas_threads']}, "
        f"one BLAS thread while decoding: {not args.no_blas_limit}",
        flush=True,
    )
    results: list[Any] = []
    for threads in args.threads:
        segmenter = build_segmenter(name, weights_path=weights, device="cpu", torch_threads=threads)
        prepared = [segmenter.prepare(p) for p in paths]
        forward = bare_model(segmenter)
        forward(prepared[0])  # warm-up
        caption(segmenter.infer([prepared[0]])[0])
        rounds: dict[str, list[Any]] = {"bare": [], "sequential": [], "overlapped": []}
        for _ in range(args.repeat):
            rounds["bare"].append(run_bare(forward, prepared))
            rounds["sequential"].append(run_sequential(segmenter, paths, caption, forward))
            seconds, results = run_overlapped(segmenter, paths, caption)
            rounds["overlapped"].append(seconds)
        bare = statistics.median(rounds["bare"])
        seq = {k: statistics.median(r[k] for r in rounds["sequential"]) for k in rounds["sequential"][0]}
        over = statistics.median(rounds["overlapped"])
        row = {
            "bare_s": bare,
            "sequential_s": seq["total"],
            "overlapped_s": over,
            "stages_s": {k: v for k, v in seq.items() if k != "total"},
            "mask_decoding_s": seq["outputs"] if seq["forward"] else seq["infer"] - bare,
            "overhead_sequential": seq["total"] / bare - 1,
            # Same photos, same moments: (everything but the forward pass) / the forward pass.
            "overhead_in_loop": (seq["total"] / seq["forward"] - 1) if seq["forward"] else None,
            "overhead_overlapped": over / bare - 1,
            "photos_per_s": {"bare": 1 / bare, "sequential": 1 / seq["total"], "overlapped": 1 / over},
            "rounds": rounds,
        }
        report["by_threads"][threads] = row
        print(
            f"{name} threads={threads}: bare {bare * 1000:.1f} ms/photo ({1 / bare:.2f} photos/s); "
            f"sequential {seq['total'] * 1000:.1f} ms (+{row['overhead_sequential']:.0%}: decode "
            f"{seq['decode'] * 1000:.1f}, infer {seq['infer'] * 1000:.1f} of which outputs->Instances "
            f"{row['mask_decoding_s'] * 1000:.1f}, caption {seq['caption'] * 1000:.1f}); "
            + f"in the same loop: forward {seq['forward'] * 1000:.1f} ms, rest +{row['overhead_in_loop']:.0%} of it; "
            + f"overlapped {over * 1000:.1f} ms (+{row['overhead_overlapped']:.0%}, {1 / over:.2f} photos/s)",
            flush=True,
        )
    report["store_result_s"] = time_store(results, paths)
    print(
        "store_result (SQLite, one transaction per photo): "
        + ", ".join(f"{k} {v * 1000:.1f} ms" for k, v in report["store_result_s"].items())
    )
    report["load_average"] = [load_before[0], os.getloadavg()[0]]
    print(f"load average {load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after; {os.cpu_count()} CPUs")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
