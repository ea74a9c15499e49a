"""Train the DeepMask/SharpMask/MultiPathNet backend on COCO-format data, stage by stage.

Usage (the whole pipeline on the shared mini set: 55 min of one CPU thread, see bench/README.md)::

    .venv/bin/python -m segmentation.fair.train --stage all \\
        --images ../shared/coco-train-mini/images --instances ../shared/coco-train-mini/instances.json \\
        --out var/fair/coco --steps 1000 200 4000 --batch-size 32 --threads 1

Stages (spec §6.3), each starting from the previous stage's result in ``--out``:

1. ``deepmask``: the trunk (COCO-trained MobileNetV3 of the SSDLite weights, ``--trunk-weights``;
   or Mask R-CNN's ResNet-50 body with ``--config resnet50``) stays frozen; the DeepMask heads
   learn on 50/50 positive/negative patches with the joint loss: mask BCE on positives (pixel
   mean) + ``--score-weight`` x objectness BCE (1/32 as the paper).
2. ``sharpmask``: everything else frozen; only the refinement's parameters are optimised, on
   positive patches with ``i_sz x i_sz`` labels.
3. ``multipathnet``: the foveal classifier (built afresh with the sizes of ``--config``) on RoIs
   from DeepMask proposals (``--mpn-proposals`` per image) plus jittered ground-truth and random
   boxes, ``--mpn-fg-fraction`` foreground, all integral-loss heads on the same RoIs (head ``t``
   calls an RoI foreground at IoU >= u_t). The trunk is frozen, so its maps (and the proposals)
   are computed once per image, for the image and its mirror image, into a feature cache
   (:mod:`segmentation.fair.cache`, ``--mpn-cache``, ~9 MB per image; reused when the weights
   and data are unchanged); the steps then only run the classifier. The classifier's fixed ``c4``
   projection (``mpn_project``: 672 -> 128 channels, the top principal directions of the cached
   ``c4`` cells) is set before the first step; it makes pooling ~4x cheaper. Together: ~0.4 s
   per step of two images x 128 RoIs on one idle CPU thread, where the previous design took ~5 s
   (shared CPU) per step of one image x 64 RoIs. ``--mpn-cache none`` runs the trunk every step instead (images
   not mirrored; the projection from the first 500 images' ``c4``): for sets too large to
   cache (train2017 would need ~1 TB), on a GPU.

Files in ``--out``: ``stage_<name>.ckpt`` (model, optimiser, step, RNG states: ``--resume``
continues a stopped run exactly), ``<name>.pth`` after each stage (the backend's weights format,
stages so far) and, after the last stage, ``sharpmask_multipathnet_coco.pth``: the file for
``SEGMENTER_WEIGHTS``. Runs are seeded (``--seed``; ``--deterministic`` also asks torch for
deterministic kernels). Progress bars go to stderr.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from segmentation.fair.backend import save_weights
from segmentation.fair.cache import LEVELS as CACHED_LEVELS
from segmentation.fair.cache import FeatureCache, c4_moment, flip_boxes
from segmentation.fair.config import FairConfig, make_config
from segmentation.fair.data import CocoSource, sample_deepmask_batch, sample_mpn_rois
from segmentation.fair.model import FairModel
from segmentation.fair.multipathnet import FovealClassifier
from segmentation.fair.trunk import init_trunk_from_file
from segmentation.preprocessing import fit_size

__all__ = [
    "STAGES",
    "FINAL_WEIGHTS",
    "compute_proposals",
    "deepmask_loss",
    "main",
    "mpn_cached_loss",
    "mpn_loss",
    "run_stage",
    "sharpmask_loss",
    "working_tensor",
]

STAGES = ("deepmask", "sharpmask", "multipathnet")
#: Config fields of the classifier, taken from ``--config`` when stage 3 starts.
MPN_FIELDS = ("mpn_regions", "mpn_pool", "mpn_channels", "mpn_hidden", "mpn_project", "iou_thresholds", "num_classes")
FINAL_WEIGHTS = "sharpmask_multipathnet_coco.pth"
ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TRUNK_WEIGHTS = ROOT.parent / "shared" / "models" / "ssdlite320_mobilenet_v3_large_coco-dequantized_int8.pth"


# -- losses ------------------------------------------------------------------------------------------
def deepmask_loss(model: FairModel, batch: dict[str, torch.Tensor], score_weight: float) -> torch.Tensor:
    """Joint DeepMask loss on a mixed batch (:func:`sample_deepmask_batch` with ``g_sz`` labels)."""
    cfg = model.config
    x = model.normalize(batch["patches"])
    with torch.set_grad_enabled(not cfg.freeze_trunk and torch.is_grad_enabled()):
        c4 = model.trunk(x)["c4"]
    emb = model.deepmask.embed_patches(c4)
    pos = batch["is_object"] > 0.5
    loss = score_weight * F.binary_cross_entropy_with_logits(model.deepmask.score_logits(emb), batch["is_object"])
    if pos.any():
        logits = model.deepmask.mask_logits(emb[pos], batch["masks"].shape[-1])
        loss = loss + F.binary_cross_entropy_with_logits(logits, batch["masks"][pos])
    return loss


def sharpmask_logits(model: FairModel, patches: torch.Tensor) -> torch.Tensor:
    """SharpMask ``(B, 1, i_sz, i_sz)`` logits of patches ``(B, 3, P, P)`` in ``[0, 1]``;
    gradients reach only the refinement."""
    with torch.no_grad():
        features = model.trunk(model.normalize(patches))
        emb = model.deepmask.embed_patches(features["c4"])
    skips = model.sharpmask.patch_skips(model.sharpmask.skip_maps(features))
    return model.sharpmask(emb, skips)


def sharpmask_loss(model: FairModel, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """Refinement loss on positive patches with ``i_sz`` labels."""
    return F.binary_cross_entropy_with_logits(sharpmask_logits(model, batch["patches"]), batch["masks"])


def working_tensor(source: CocoSource, idx: int, config: FairConfig) -> tuple[torch.Tensor, float]:
    """Image ``idx`` at the working size as ``float (3, h, w)`` in ``[0, 1]``, and the factor
    from original to working pixels."""
    image = source.image(idx).float() / 255
    height, width = image.shape[-2:]
    w, h = fit_size((width, height), min_size=config.min_size, max_size=config.max_size)
    if (w, h) != (width, height):
        image = F.interpolate(image[None], size=(h, w), mode="bilinear", align_corners=False, antialias=True)[0]
    return image, w / width


def gt_boxes(source: CocoSource, idx: int, factor: float) -> tuple[torch.Tensor, torch.Tensor]:
    anns = source.anns[idx]
    boxes = torch.tensor([[x, y, x + w, y + h] for x, y, w, h in (a["bbox"] for a in anns)], dtype=torch.float32)
    return boxes.reshape(-1, 4) * factor, torch.tensor([a["label"] for a in anns], dtype=torch.int64)


def mpn_loss(
    model: FairModel,
    source: CocoSource,
    indices: Sequence[int],
    proposals: dict[int, torch.Tensor],
    rng: np.random.Generator,
    device: torch.device,
) -> torch.Tensor:
    """Integral loss over the images ``indices``: mean over heads of the cross-entropy of their
    own labels on the same RoIs."""
    cfg = model.config
    losses = []
    for idx in indices:
        image, factor = working_tensor(source, idx, cfg)
        h, w = image.shape[-2:]
        boxes, labels = gt_boxes(source, idx, factor)
        props = proposals.get(source.image_ids[idx], torch.zeros(0, 4))
        rois, targets = sample_mpn_rois(boxes, labels, props, (h, w), cfg, rng)
        with torch.no_grad():
            features, _ = model.padded_features(model.normalize(image[None].to(device)), 1.0)
        logits = model.multipathnet(features, rois.to(device), (h, w), offset=cfg.pad)
        targets = targets.to(device)
        losses.append(torch.stack([F.cross_entropy(logits[t], targets[t]) for t in range(len(targets))]).mean())
    return torch.stack(losses).mean()


def mpn_cached_loss(
    model: FairModel,
    cache: FeatureCache,
    indices: Sequence[int],
    rng: np.random.Generator,
    device: torch.device,
    *,
    rois_per_image: int = 128,
    fg_fraction: float = 0.25,
) -> torch.Tensor:
    """:func:`mpn_loss` on cached trunk maps: each image is used as is or mirrored (50 %), RoIs
    come from its cached proposals, jittered ground truth and random boxes."""
    cfg = model.config
    source = cache.source
    losses = []
    for idx in indices:
        entry = cache.load(idx)
        mirror = int(rng.random() < 0.5)
        h, w = (int(v) for v in entry["hw"])
        boxes, labels = gt_boxes(source, idx, float(entry["factor"]))
        props = entry["proposals"]
        if mirror:
            boxes, props = flip_boxes(boxes, w), flip_boxes(props, w)
        rois, targets = sample_mpn_rois(boxes, labels, props, (h, w), cfg, rng, rois_per_image, fg_fraction)
        features = {level: entry[level][mirror][None].to(device, torch.float32) for level in CACHED_LEVELS}
        logits = model.multipathnet(features, rois.to(device), (h, w), offset=cfg.pad)
        targets = targets.to(device)
        losses.append(torch.stack([F.cross_entropy(logits[t], targets[t]) for t in range(len(targets))]).mean())
    return torch.stack(losses).mean()


@torch.no_grad()
def compute_proposals(
    model: FairModel, source: CocoSource, n: int, scales: Sequence[float] | None, device: torch.device, progress: bool
) -> dict[int, torch.Tensor]:
    """Boxes ``(n, 4)`` (working pixels) of the top-``n`` proposals of every image, by image id."""
    saved = model.config
    model.config = dataclasses.replace(saved, scales=tuple(scales) if scales else saved.scales, n_proposals=n)
    model.eval()
    out = {}
    try:
        for idx in _progress(range(len(source)), progress, "proposals"):
            image, _ = working_tensor(source, idx, saved)
            out[source.image_ids[idx]] = model.proposals(image.to(device)).boxes.cpu()
    finally:
        model.config = saved
    return out


# -- the loop --------------------------------------------------------------------------------------
def _progress(iterable: Any, enabled: bool, desc: str, **kwargs: Any) -> Any:
    if not enabled:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, desc=desc, mininterval=2.0, file=sys.stderr, dynamic_ncols=True, **kwargs)


def run_stage(
    model: FairModel,
    params: list[torch.nn.Parameter],
    loss_fn: Callable[[np.random.Generator], torch.Tensor],
    *,
    steps: int,
    lr: float,
    rng: np.random.Generator,
    optimizer: str = "adam",
    weight_decay: float = 0.0,
    checkpoint: Path | None = None,
    checkpoint_every: int = 200,
    resume: bool = False,
    progress: bool = False,
    desc: str = "train",
) -> list[float]:
    """Optimise ``params`` for ``steps`` steps of ``loss_fn(rng)``; the learning rate drops 10x
    at 75 % of the steps. With ``checkpoint``, state is saved every ``checkpoint_every`` steps and
    at the end, and ``resume`` continues from it (model, optimiser, step, numpy and torch RNG).
    Returns the loss of each step run."""
    if optimizer == "adam":
        opt: torch.optim.Optimizer = torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    elif optimizer == "sgd":
        opt = torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=weight_decay)
    else:
        raise ValueError(f"optimizer must be 'adam' or 'sgd', got {optimizer!r}")
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[max(1, int(steps * 0.75))], gamma=0.1)
    start = 0
    if resume and checkpoint is not None and checkpoint.is_file():
        state = torch.load(checkpoint, map_location="cpu", weights_only=True)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        sched.load_state_dict(state["scheduler"])
        rng.bit_generator.state = state["rng_numpy"]
        torch.set_rng_state(state["rng_torch"])
        start = int(state["step"])

    def save(step: int) -> None:
        if checkpoint is None:
            return
        checkpoint.parent.mkdir(parents=True, exist_ok=True)
        tmp = checkpoint.with_suffix(".tmp")
        torch.save(
            {
                "model": model.state_dict(),
                "optimizer": opt.state_dict(),
                "scheduler": sched.state_dict(),
                "rng_numpy": rng.bit_generator.state,
                "rng_torch": torch.get_rng_state(),
                "step": step,
                "steps": steps,
                "config": model.config.to_json(),
            },
            tmp,
        )
        tmp.replace(checkpoint)

    model.train()
    losses: list[float] = []
    bar = _progress(range(start, steps), progress, desc, initial=start, total=steps)
    running = math.nan
    for step in bar:
        loss = loss_fn(rng)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        value = float(loss.detach())
        losses.append(value)
        running = value if math.isnan(running) else 0.95 * running + 0.05 * value
        if progress:
            bar.set_postfix(loss=f"{running:.4f}", refresh=False)
        if checkpoint is not None and (step + 1) % checkpoint_every == 0:
            save(step + 1)
    if steps > start:
        save(steps)
    model.eval()
    return losses


def stage_params(model: FairModel, stage: str) -> list[torch.nn.Parameter]:
    """Parameters a stage optimises (all others get ``requires_grad=False``)."""
    owners = {
        "deepmask": [model.deepmask] + ([] if model.config.freeze_trunk else [model.trunk]),
        "sharpmask": [model.sharpmask],
        "multipathnet": [model.multipathnet],
    }[stage]
    chosen = {id(p) for m in owners for p in m.parameters()}
    if model.multipathnet.project is not None:  # fixed (set from data), never trained by gradient
        chosen.discard(id(model.multipathnet.project.weight))
    params = []
    for p in model.parameters():
        p.requires_grad_(id(p) in chosen)
        if id(p) in chosen:
            params.append(p)
    return params


# -- command line ----------------------------------------------------------------------------------
def _load_stage_result(out: Path, stage: str, device: torch.device) -> FairModel:
    from segmentation.fair.backend import load_weights

    path = out / f"{stage}.pth"
    if not path.is_file():
        raise SystemExit(f"{path} is missing: run --stage {stage} first (same --out)")
    config, state = load_weights(path)
    model = FairModel(config)
    model.load_state_dict(state, strict=True)
    return model.to(device)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m segmentation.fair.train",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--stage", choices=(*STAGES, "all"), default="all")
    parser.add_argument("--images", type=Path, required=True, help="folder with the images")
    parser.add_argument("--instances", type=Path, required=True, help="COCO instances JSON")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "fair" / "coco", help="run folder")
    parser.add_argument("--config", default="mobilenet_v3_large", help="preset: mobilenet_v3_large, resnet50, tiny")
    parser.add_argument(
        "--trunk-weights",
        type=Path,
        default=None,
        help="SSDLite (mobilenet) or Mask R-CNN (resnet50) state dict for the trunk",
    )
    parser.add_argument(
        "--steps",
        type=int,
        nargs=3,
        default=(3000, 1000, 1500),
        metavar=("DM", "SM", "MPN"),
        help="steps of each stage (default 3000 1000 1500)",
    )
    parser.add_argument("--batch-size", type=int, default=32, help="patches per DeepMask/SharpMask step")
    parser.add_argument("--images-per-step", type=int, default=2, help="images per MultiPathNet step")
    parser.add_argument("--lr", type=float, nargs=3, default=(1e-3, 1e-3, 1e-3), metavar=("DM", "SM", "MPN"))
    parser.add_argument("--optimizer", choices=("adam", "sgd"), default="adam")
    parser.add_argument("--weight-decay", type=float, default=0.0)
    parser.add_argument("--score-weight", type=float, default=1 / 32, help="objectness loss weight (paper: 1/32)")
    parser.add_argument("--mpn-proposals", type=int, default=100, help="DeepMask proposals per image for stage 3")
    parser.add_argument(
        "--mpn-proposal-scales",
        type=float,
        nargs="*",
        default=None,
        help="scales for those proposals (default: the config's, up to 1 with the cache; all without)",
    )
    parser.add_argument(
        "--mpn-cache",
        default="auto",
        help="folder of the stage-3 trunk-feature cache (auto: OUT/mpn_cache, ~9 MB per image; "
        "'' or none: run the trunk every step, 10-50x slower)",
    )
    parser.add_argument("--mpn-rois", type=int, default=128, help="RoIs per image per step in stage 3 (cache)")
    parser.add_argument("--mpn-fg-fraction", type=float, default=0.25, help="foreground share of those RoIs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--deterministic", action="store_true", help="torch.use_deterministic_algorithms(True)")
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--resume", action="store_true", help="continue from the stage checkpoints in --out")
    parser.add_argument("--checkpoint-every", type=int, default=200)
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    if args.mpn_cache.lower() == "none":
        args.mpn_cache = ""

    if args.threads:
        torch.set_num_threads(args.threads)
    if args.deterministic:
        torch.use_deterministic_algorithms(True)
    torch.manual_seed(args.seed)
    device = torch.device(args.device)
    progress = not args.no_progress
    source = CocoSource(args.images, args.instances)
    print(
        f"{len(source)} images, {sum(map(len, source.anns))} usable objects, {len(source.labels)} classes",
        file=sys.stderr,
    )
    stages = STAGES if args.stage == "all" else (args.stage,)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    for stage in stages:
        t0, cpu0 = time.perf_counter(), time.process_time()
        index = STAGES.index(stage)
        rng = np.random.default_rng([args.seed, index])
        torch.manual_seed(args.seed + index)
        if stage == "deepmask":
            config = make_config(args.config)
            model = FairModel(config)
            if config.trunk != "tiny":
                trunk_weights = args.trunk_weights or (
                    DEFAULT_TRUNK_WEIGHTS if config.trunk == "mobilenet_v3_large" else None
                )
                if trunk_weights is None:
                    raise SystemExit("--trunk-weights is required for the resnet50 trunk (a Mask R-CNN state dict)")
                init_trunk_from_file(model.trunk, config, trunk_weights)
            model.to(device)
        else:
            model = _load_stage_result(out, STAGES[index - 1], device)
            config = model.config
        if stage == "multipathnet":
            # The classifier is trained only here: build it afresh with the sizes of --config (so a
            # new classifier design can be trained on proposals of an earlier run).
            config = dataclasses.replace(
                config, **{name: getattr(make_config(args.config), name) for name in MPN_FIELDS}
            )
            model.config = config
            model.multipathnet = FovealClassifier(config).to(device)
        # Training randomness (dropout) must not depend on how many parameters were initialised.
        torch.manual_seed(args.seed + 100 + index)
        params = stage_params(model, stage)
        steps, lr = args.steps[index], args.lr[index]

        def to_device(batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
            return {k: v.to(device) for k, v in batch.items()}

        if stage == "deepmask":

            def loss_fn(r: np.random.Generator, model: FairModel = model, config: FairConfig = config) -> torch.Tensor:
                batch = sample_deepmask_batch(source, config, r, args.batch_size, config.g_sz)
                return deepmask_loss(model, to_device(batch), args.score_weight)
        elif stage == "sharpmask":

            def loss_fn(r: np.random.Generator, model: FairModel = model, config: FairConfig = config) -> torch.Tensor:
                batch = sample_deepmask_batch(source, config, r, args.batch_size, config.i_sz, positives_only=True)
                return sharpmask_loss(model, to_device(batch))
        elif args.mpn_cache:
            cache = FeatureCache.build(
                model,
                source,
                out / "mpn_cache" if args.mpn_cache == "auto" else Path(args.mpn_cache),
                n_proposals=args.mpn_proposals,
                scales=args.mpn_proposal_scales or [s for s in config.scales if s <= 1.0],
                device=device,
                progress=progress,
            )
            if model.multipathnet.project is not None:
                model.multipathnet.set_projection(cache.c4_moment())

            def loss_fn(r: np.random.Generator, model: FairModel = model, cache: FeatureCache = cache) -> torch.Tensor:
                picks = [int(i) for i in r.integers(len(source), size=args.images_per_step)]
                return mpn_cached_loss(
                    model, cache, picks, r, device, rois_per_image=args.mpn_rois, fg_fraction=args.mpn_fg_fraction
                )
        else:
            if model.multipathnet.project is not None:
                model.multipathnet.set_projection(c4_moment(model, source, device, progress=progress))
            proposals_file = out / "proposals.pt"
            if args.mpn_proposals <= 0:
                proposals: dict[int, torch.Tensor] = {}
            elif proposals_file.is_file() and args.resume:
                proposals = torch.load(proposals_file, map_location="cpu", weights_only=True)
            else:
                proposals = compute_proposals(
                    model, source, args.mpn_proposals, args.mpn_proposal_scales, device, progress
                )
                torch.save(proposals, proposals_file)

            def loss_fn(
                r: np.random.Generator, model: FairModel = model, proposals: dict[int, torch.Tensor] = proposals
            ) -> torch.Tensor:
                picks = r.integers(len(source), size=args.images_per_step)
                return mpn_loss(model, source, [int(i) for i in picks], proposals, r, device)

        losses = run_stage(
            model,
            params,
            loss_fn,
            steps=steps,
            lr=lr,
            rng=rng,
            optimizer=args.optimizer,
            weight_decay=args.weight_decay,
            checkpoint=out / f"stage_{stage}.ckpt",
            checkpoint_every=args.checkpoint_every,
            resume=args.resume,
            progress=progress,
            desc=stage,
        )
        model.config = config.with_stage(stage)
        for earlier in STAGES[:index]:
            model.config = model.config.with_stage(earlier)
        save_weights(model.cpu(), out / f"{stage}.pth")
        tail = float(np.mean(losses[-50:])) if losses else math.nan
        print(
            f"{stage}: {steps} steps, last-50 mean loss {tail:.4f}, "
            f"{time.perf_counter() - t0:.0f} s ({time.process_time() - cpu0:.0f} s CPU) -> {out / f'{stage}.pth'}",
            file=sys.stderr,
        )
        if stage == "multipathnet":
            save_weights(model, out / FINAL_WEIGHTS)
            print(f"weights for SEGMENTER_WEIGHTS: {out / FINAL_WEIGHTS}", file=sys.stderr)
        model.to(device)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
