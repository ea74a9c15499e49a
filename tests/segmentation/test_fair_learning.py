"""Learning test of the FAIR pipeline: the tiny config overfits a few synthetic COCO-format
images (coloured shapes on noise, colour = class) through the project's own training code.

DeepMask: patch mask IoU > 0.8 and objectness accuracy > 0.9, and the top-5 full-image proposals
of each image cover every object (mask IoU > 0.5). SharpMask (trained with everything else
frozen): its loss drops and patch IoU does not regress. MultiPathNet, trained as the command line
does (on the trunk-feature cache, mirrored images, a ``c4`` projection set from the data): every
ground-truth box is classified correctly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import torch

from segmentation.fair.cache import FeatureCache
from segmentation.fair.config import make_config
from segmentation.fair.data import CocoSource, make_synthetic_coco, sample_deepmask_batch
from segmentation.fair.model import CONTIGUOUS_TO_COCO, FairModel, paste_masks
from segmentation.fair.multipathnet import FovealClassifier
from segmentation.fair.train import (
    deepmask_loss,
    gt_boxes,
    mpn_cached_loss,
    mpn_loss,
    run_stage,
    sharpmask_logits,
    sharpmask_loss,
    stage_params,
    working_tensor,
)


@pytest.fixture(autouse=True, scope="module")
def one_thread() -> Iterator[None]:
    """Tiny tensors: one thread avoids OpenMP spin-waits on a shared, busy CPU (10x slower there)."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def _iou(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    inter = (a & b).flatten(1).sum(1).float()
    union = (a | b).flatten(1).sum(1).float().clamp(min=1)
    return inter / union


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root: Path = tmp_path_factory.mktemp("synthetic")
    instances = make_synthetic_coco(root, n_images=4, seed=0)
    source = CocoSource(root / "images", instances)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = FairModel(make_config("tiny", proposal_nms=0.0, mpn_project=32))
        cfg = model.config
        rng = np.random.default_rng(0)
        dm_losses = run_stage(
            model,
            stage_params(model, "deepmask"),
            lambda r: deepmask_loss(model, sample_deepmask_batch(source, cfg, r, 16, cfg.g_sz), 1.0),
            steps=200,
            lr=2e-3,
            rng=rng,
        )
        evaluation = sample_deepmask_batch(source, cfg, np.random.default_rng(99), 64, cfg.i_sz)
        pos = evaluation["is_object"] > 0.5
        with torch.no_grad():
            features = model.trunk(model.normalize(evaluation["patches"]))
            emb = model.deepmask.embed_patches(features["c4"])
            dm_masks = model.deepmask.mask_logits(emb, cfg.i_sz) > 0
            score_acc = ((model.deepmask.score_logits(emb) > 0) == pos).float().mean().item()
        labels = evaluation["masks"] > 0.5
        dm_iou = _iou(dm_masks[pos], labels[pos]).mean().item()
        coverage = []
        for idx in range(len(source)):
            image, factor = working_tensor(source, idx, cfg)
            props = model.proposals(image, n=5, refine=False)
            pasted = paste_masks(props.masks, props.windows, image.shape[-2:], cfg.mask_threshold)
            for ai in range(len(source.anns[idx])):
                gt = source.mask(idx, ai) > 0.5
                coverage.append(_iou(pasted, gt[None].expand_as(pasted)).max().item() if len(pasted) else 0.0)

        sm_losses = run_stage(
            model,
            stage_params(model, "sharpmask"),
            lambda r: sharpmask_loss(model, sample_deepmask_batch(source, cfg, r, 16, cfg.i_sz, positives_only=True)),
            steps=100,
            lr=2e-3,
            rng=rng,
        )
        with torch.no_grad():
            sm_masks = sharpmask_logits(model, evaluation["patches"]) > 0
        sm_iou = _iou(sm_masks[pos], labels[pos]).mean().item()

        cpu = torch.device("cpu")
        cache = FeatureCache.build(model, source, root / "cache", n_proposals=10, scales=cfg.scales, device=cpu)
        model.multipathnet.set_projection(cache.c4_moment())
        mpn_losses = run_stage(
            model,
            stage_params(model, "multipathnet"),
            lambda r: mpn_cached_loss(
                model, cache, [int(i) for i in r.integers(len(source), size=1)], r, cpu, rois_per_image=32
            ),
            steps=200,
            lr=2e-3,
            rng=rng,
        )
        # The path without the cache (--mpn-cache none) gives a loss on the same images too.
        uncached = mpn_loss(model, source, [0, 1], {}, np.random.default_rng(1), cpu)
        correct = []
        with torch.no_grad():
            for idx in range(len(source)):
                image, factor = working_tensor(source, idx, cfg)
                boxes, labels_ = gt_boxes(source, idx, factor)
                features, _ = model.padded_features(model.normalize(image[None]), 1.0)
                probs = FovealClassifier.probabilities(model.multipathnet(features, boxes, image.shape[-2:], cfg.pad))
                correct.extend((probs[:, 1:].argmax(1) + 1 == labels_).tolist())
    return dict(
        dm_losses=dm_losses,
        dm_iou=dm_iou,
        score_acc=score_acc,
        coverage=coverage,
        sm_losses=sm_losses,
        sm_iou=sm_iou,
        mpn_losses=mpn_losses,
        uncached=float(uncached.detach()),
        correct=correct,
        model=model,
        source=source,
    )


def test_deepmask_overfits_patches(trained: dict) -> None:
    assert np.mean(trained["dm_losses"][-20:]) < 0.5 * np.mean(trained["dm_losses"][:20])
    assert trained["dm_iou"] > 0.8, trained["dm_iou"]
    assert trained["score_acc"] > 0.9, trained["score_acc"]


def test_top5_proposals_cover_every_object(trained: dict) -> None:
    assert len(trained["coverage"]) >= 4
    assert min(trained["coverage"]) > 0.5, trained["coverage"]


def test_sharpmask_learns_without_regressing(trained: dict) -> None:
    losses = trained["sm_losses"]
    assert np.mean(losses[-20:]) < np.mean(losses[:5])
    assert trained["sm_iou"] >= trained["dm_iou"] - 0.02, (trained["sm_iou"], trained["dm_iou"])


def test_classifier_separates_the_classes(trained: dict) -> None:
    assert all(trained["correct"]), trained["correct"]
    assert np.mean(trained["mpn_losses"][-20:]) < np.mean(trained["mpn_losses"][:5])
    assert np.isfinite(trained["uncached"]) and trained["uncached"] < np.mean(trained["mpn_losses"][:5])


def test_full_pipeline_names_the_objects(trained: dict) -> None:
    """End to end on a training image: the best detection overlapping each object names its colour class."""
    model: FairModel = trained["model"]  # type: ignore[assignment]
    source: CocoSource = trained["source"]  # type: ignore[assignment]
    model.score_thresh = 0.3
    image, factor = working_tensor(source, 0, model.config)
    out = model([image])[0]
    assert len(out["labels"]) >= 1
    boxes, labels = gt_boxes(source, 0, factor)
    from torchvision.ops import box_iou

    iou = box_iou(boxes, out["boxes"])
    for g in range(len(boxes)):
        best = int(iou[g].argmax())
        assert iou[g, best] > 0.5
        assert int(out["labels"][best]) == CONTIGUOUS_TO_COCO[int(labels[g])]
