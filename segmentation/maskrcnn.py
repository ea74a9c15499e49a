"""Mask R-CNN ResNet-50 FPN backends (torchvision v1 and v2, COCO, 91 classes).

Builders never download at construction: the architecture is built with ``weights=None,
weights_backbone=None`` and trained weights are then loaded from ``weights_path`` or through
torchvision's weights API (its cache, or a download). Loading failures raise
:class:`segmentation.registry.WeightsUnavailable`; there is no silent random model.

Working size: the photo is resized *before* inference by
:func:`segmentation.preprocessing.fit_size`: short side to ``min_size`` (800) unless the long side
would exceed ``max_size`` (1333), the torchvision/COCO training rule, but never upscaled by more
than ``max_upscale`` (default 1.0: small photos stay as they are). The model's own transform is
replaced by one that only normalises and pads (no second resize) and leaves the masks as the
mask head's ``28 x 28`` probabilities over their boxes, so boxes come out in working pixels;
:func:`paste_masks` then samples each kept mask at the working pixels inside its box, thresholded
straight to ``bool`` (no ``float (N, h, w)`` frame per detection, and no sub-pixel shift from
torchvision's integer box corners, which at working resolution would be worth several original
pixels). Boxes are then mapped to the original pixels.

On the CPU the box and mask heads pool their RoIs with :class:`SparseMultiScaleRoIAlign` (one
sparse-times-dense product per level, about 3x torchvision's CPU kernel, same values up to float
rounding).

Batches: photos share a forward pass only when they pad to the same size
(:meth:`MaskRCNNSegmenter.batch_key`), unless ``mixed_size_batches``: padding a photo to a larger
companion changes its border features and anchor grid, and on the test models that moved 60% of
the detections of some photos (``tests/segmentation/test_fast_path.py``).
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from PIL import Image
from torch import nn
from torchvision.models.detection import maskrcnn_resnet50_fpn, maskrcnn_resnet50_fpn_v2
from torchvision.models.detection.transform import GeneralizedRCNNTransform
from torchvision.ops import MultiScaleRoIAlign
from torchvision.ops import poolers as tv_poolers

from segmentation.base import (
    TorchOptions,
    TorchSegmenter,
    load_backend_weights,
    resolve_device,
    seeded,
    set_torch_threads,
)
from segmentation.preprocessing import WorkingImage, fit_size, resize_to_working

__all__ = [
    "MaskRCNNOptions",
    "MaskRCNNSegmenter",
    "SparseMultiScaleRoIAlign",
    "WorkingSizeTransform",
    "build_maskrcnn_resnet50_fpn",
    "build_maskrcnn_resnet50_fpn_v2",
    "paste_masks",
    "roi_align_sparse",
]


@dataclass(frozen=True)
class MaskRCNNOptions(TorchOptions):
    """Options of both Mask R-CNN backends: the speed options plus the working size
    (``SEGMENTER_MIN_SIZE``, ``SEGMENTER_MAX_SIZE``: short side, long-side cap; smaller is faster
    and loses small objects)."""

    min_size: int = 800
    max_size: int = 1333


class WorkingSizeTransform(GeneralizedRCNNTransform):
    """``GeneralizedRCNNTransform`` that never resizes in eval mode: images arrive already at
    their working size. It still normalises and pads the batch to a multiple of
    ``size_divisible``; ``postprocess`` returns the detections as they are (boxes already in
    working pixels, masks ``float (N, 1, 28, 28)`` over their boxes, for :func:`paste_masks`)."""

    def resize(
        self, image: torch.Tensor, target: dict[str, Any] | None = None
    ) -> tuple[torch.Tensor, dict[str, Any] | None]:
        if self.training:
            return super().resize(image, target)
        return image, target

    def postprocess(
        self,
        result: list[dict[str, torch.Tensor]],
        image_shapes: list[tuple[int, int]],
        original_image_sizes: list[tuple[int, int]],
    ) -> list[dict[str, torch.Tensor]]:
        if self.training or image_shapes != original_image_sizes:
            return super().postprocess(result, image_shapes, original_image_sizes)
        return result


def _sampling_weights(lo: float, hi: float, cells: int, pixels: int) -> tuple[int, np.ndarray]:
    """Bilinear weights ``float32 (n, cells)`` that sample a ``cells``-long mask row spanning
    ``[lo, hi)`` (working pixels) at the centres of pixels ``first .. first + n - 1``; cells
    beyond the mask count as 0 (torchvision pads masks with a zero border before pasting), so a
    mask fades out within half a cell of its box. Returns ``(first, weights)``."""
    cell = (hi - lo) / cells
    first = max(0, math.floor(lo - cell / 2))
    n = max(0, min(pixels, math.ceil(hi + cell / 2)) - first)
    u = (np.arange(first, first + n) + 0.5 - lo) / cell - 0.5
    i0 = np.floor(u)
    frac = u - i0
    # Column j + 1 is mask cell j; columns 0 and cells + 1 are the zero border.
    weights = np.zeros((n, cells + 2))
    rows = np.arange(n)
    np.add.at(weights, (rows, np.clip(i0 + 1, 0, cells + 1).astype(int)), 1 - frac)
    np.add.at(weights, (rows, np.clip(i0 + 2, 0, cells + 1).astype(int)), frac)
    return first, weights[:, 1:-1].astype(np.float32)


def paste_masks(probs: torch.Tensor, boxes: torch.Tensor, size: tuple[int, int], threshold: float = 0.5) -> np.ndarray:
    """Masks of box-relative probabilities on the working frame.

    Args:
        probs: ``float (N, M, M)`` (or ``(N, 1, M, M)``) mask probabilities, each spanning its box.
        boxes: ``float (N, 4)`` xyxy working pixels.
        size: ``(w, h)`` of the working frame.
        threshold: probability above which a pixel is on.

    Returns:
        ``bool (N, h, w)``: pixel ``(r, c)`` is on when the mask, sampled bilinearly at the pixel
        centre ``(c + 0.5, r + 0.5)``, exceeds ``threshold``. This is what torchvision's
        ``paste_masks_in_image`` computes at any resolution, without rounding the box corners
        down to whole pixels, so a working-size mask resized to the original size agrees with
        one pasted at the original size. Only each box's window is computed, with numpy: these
        matrices are tiny, and torch's threaded GEMM spends milliseconds per call waking its
        second thread when other processes hold the cores.
    """
    w, h = size
    probs_np = probs.detach().float().cpu().numpy().reshape(probs.shape[0], probs.shape[-2], probs.shape[-1])
    out = np.zeros((probs_np.shape[0], h, w), dtype=bool)
    for k, (x0, y0, x1, y1) in enumerate(boxes.detach().double().cpu().tolist()):
        if x1 <= x0 or y1 <= y0:
            continue
        c0, wx = _sampling_weights(x0, x1, probs_np.shape[-1], w)
        r0, wy = _sampling_weights(y0, y1, probs_np.shape[-2], h)
        if len(wx) and len(wy):
            out[k, r0 : r0 + len(wy), c0 : c0 + len(wx)] = (wy @ probs_np[k] @ wx.T) > threshold
    return out


def _roi_samples(lo: torch.Tensor, length: torch.Tensor, bins: int, ratio: int, size: int) -> tuple[torch.Tensor, ...]:
    """Along one axis, for each RoI ``(K,)``: the ``2 * ratio`` feature indices each of ``bins``
    bins reads and their weights ``(K, bins, 2 * ratio)``, with torchvision's ``roi_align``
    rules (``aligned=False``): RoIs at least 1 cell long, ``ratio`` evenly spaced samples per
    bin, a sample outside ``[-1, size]`` reads 0, and one past the last cell reads the last."""
    pos = (
        lo[:, None]
        + (torch.arange(bins * ratio, dtype=lo.dtype) + 0.5) * (length.clamp(min=1.0) / (bins * ratio))[:, None]
    )
    weight = ((pos >= -1.0) & (pos <= size)).to(lo.dtype) / ratio
    pos = pos.clamp(min=0.0)
    low = pos.floor().long()
    last = low >= size - 1
    low = torch.where(last, size - 1, low)
    high = torch.where(last, low, low + 1)
    frac = torch.where(last, 0.0, pos - low)
    index = torch.stack([low, high], -1).reshape(len(lo), bins, 2 * ratio)
    weights = torch.stack([(1 - frac) * weight, frac * weight], -1).reshape(len(lo), bins, 2 * ratio)
    return index, weights


def roi_align_sparse(
    features: torch.Tensor, rois: torch.Tensor, output_size: tuple[int, int], spatial_scale: float, sampling_ratio: int
) -> torch.Tensor:
    """``torchvision.ops.roi_align(..., aligned=False)`` for a positive ``sampling_ratio`` on the
    CPU, as one sparse-times-dense product: every output cell is a fixed weighted sum of
    ``(2 * ratio)^2`` feature pixels, so the weights form a CSR matrix ``(K * ph * pw, B * H * W)``
    that multiplies the channels-last features ``(B * H * W, C)``. About 3x faster than
    torchvision's CPU kernel on the box head's 1000 RoIs (which reads one channel plane at a
    time); the same values up to float rounding.

    Args:
        features: ``float (B, C, H, W)``.
        rois: ``float (K, 5)``: batch index, then xyxy in image pixels.
        output_size: ``(ph, pw)``.
        spatial_scale: feature cells per image pixel.
        sampling_ratio: samples per bin along each axis (> 0).

    Returns:
        ``float (K, C, ph, pw)``.
    """
    batch, channels, height, width = features.shape
    (ph, pw), k = output_size, rois.shape[0]
    box = rois[:, 1:] * spatial_scale
    rows, wy = _roi_samples(box[:, 1], box[:, 3] - box[:, 1], ph, sampling_ratio, height)
    cols, wx = _roi_samples(box[:, 0], box[:, 2] - box[:, 0], pw, sampling_ratio, width)
    image = rois[:, 0].long()[:, None, None, None, None]
    index = (image * height + rows[:, :, None, :, None]) * width + cols[:, None, :, None, :]  # (K, ph, pw, 2r, 2r)
    weights = wy[:, :, None, :, None] * wx[:, None, :, None, :]
    per_row = (2 * sampling_ratio) ** 2
    crow = torch.arange(0, k * ph * pw * per_row + 1, per_row)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "sparse CSR support is in beta"
        matrix = torch.sparse_csr_tensor(
            crow,
            index.reshape(-1),
            weights.reshape(-1).to(features.dtype),
            size=(k * ph * pw, batch * height * width),
            check_invariants=False,
        )
        pooled = matrix @ features.permute(0, 2, 3, 1).reshape(batch * height * width, channels)
    return pooled.reshape(k, ph, pw, channels).permute(0, 3, 1, 2)


class SparseMultiScaleRoIAlign(MultiScaleRoIAlign):
    """``MultiScaleRoIAlign`` (same levels, same parameters, no state) that pools float32 CPU
    features with :func:`roi_align_sparse`; anything else goes to torchvision's kernel."""

    def forward(
        self, x: dict[str, torch.Tensor], boxes: list[torch.Tensor], image_shapes: list[tuple[int, int]]
    ) -> torch.Tensor:
        features = tv_poolers._filter_input(x, self.featmap_names)
        if features[0].device.type != "cpu" or features[0].dtype != torch.float32 or self.sampling_ratio <= 0:
            return super().forward(x, boxes, image_shapes)
        if self.scales is None or self.map_levels is None:
            self.scales, self.map_levels = tv_poolers._setup_scales(
                features, image_shapes, self.canonical_scale, self.canonical_level
            )
        rois = tv_poolers._convert_to_roi_format(boxes)
        levels = self.map_levels(boxes)
        result = features[0].new_zeros((len(rois), features[0].shape[1], *self.output_size))
        for level, (feature, scale) in enumerate(zip(features, self.scales, strict=True)):
            index = torch.where(levels == level)[0]
            if len(index):
                result[index] = roi_align_sparse(feature, rois[index], self.output_size, scale, self.sampling_ratio)
        return result

    @classmethod
    def replacing(cls, pool: MultiScaleRoIAlign) -> SparseMultiScaleRoIAlign:
        return cls(
            pool.featmap_names,
            pool.output_size,
            pool.sampling_ratio,
            canonical_scale=pool.canonical_scale,
            canonical_level=pool.canonical_level,
        )


class MaskRCNNSegmenter(TorchSegmenter):
    """Segmenter around a torchvision ``MaskRCNN`` whose transform is a
    :class:`WorkingSizeTransform`.

    Results: boxes ``float32 (N, 4)`` xyxy original pixels, masks ``bool (N, h, w)`` at the
    working size ``(w, h) = fit_size((W, H), min_size, max_size, max_upscale)``.

    ``mixed_size_batches``: let photos of different padded sizes share a forward pass (padded to
    the largest). Fewer, fuller batches on a GPU, but each photo's result then depends on its
    companions (see the module docstring); off by default.

    ``sparse_roi_align``: on the CPU, pool RoIs with :class:`SparseMultiScaleRoIAlign` (same
    values up to float rounding; 10% of a COCO-size photo's time saved); on by default.
    """

    def __init__(
        self,
        model: nn.Module,
        *,
        name: str,
        device: torch.device,
        min_score: float,
        min_size: int = 800,
        max_size: int = 1333,
        max_upscale: float = 1.0,
        mask_threshold: float = 0.5,
        mixed_size_batches: bool = False,
        sparse_roi_align: bool = True,
        **speed: Any,
    ) -> None:
        self.min_size = int(min_size)
        self.max_size = int(max_size)
        self.max_upscale = float(max_upscale)
        self.mixed_size_batches = bool(mixed_size_batches)
        transform = model.transform
        model.transform = WorkingSizeTransform(
            min_size=self.min_size,
            max_size=self.max_size,
            image_mean=transform.image_mean,
            image_std=transform.image_std,
            size_divisible=transform.size_divisible,
        )
        heads = model.roi_heads
        self.sparse_roi_align = bool(sparse_roi_align) and torch.device(device).type == "cpu"
        if self.sparse_roi_align:
            heads.box_roi_pool = SparseMultiScaleRoIAlign.replacing(heads.box_roi_pool)
            heads.mask_roi_pool = SparseMultiScaleRoIAlign.replacing(heads.mask_roi_pool)
        super().__init__(
            model,
            name=name,
            has_masks=True,
            device=device,
            min_score=min_score,
            mask_threshold=mask_threshold,
            **speed,
        )

    def _set_model_score_threshold(self, value: float) -> None:
        self.model.roi_heads.score_thresh = value

    def working_image(self, image: Image.Image) -> WorkingImage:
        return resize_to_working(image, min_size=self.min_size, max_size=self.max_size, max_upscale=self.max_upscale)

    def working_size(self, size: tuple[int, int]) -> tuple[int, int]:
        return fit_size(size, min_size=self.min_size, max_size=self.max_size, max_upscale=self.max_upscale)

    def batch_key(self, size: tuple[int, int]) -> Hashable:
        """The padded ``(w, h)`` (multiples of the transform's ``size_divisible``, 32): a photo
        alone is padded to exactly this, so batching it with others of the same key changes
        nothing but float summation order. ``None`` (everything together) with
        ``mixed_size_batches``."""
        if self.mixed_size_batches:
            return None
        step = int(self.model.transform.size_divisible)
        return tuple(int(math.ceil(v / step) * step) for v in size)

    def instance_masks(self, output: Mapping[str, torch.Tensor], keep: np.ndarray, size: tuple[int, int]) -> np.ndarray:
        index = torch.as_tensor(keep, dtype=torch.long, device=output["masks"].device)
        return paste_masks(output["masks"][index], output["boxes"][index], size, self.mask_threshold)


def _build(
    name: str,
    architecture: Callable[..., nn.Module],
    *,
    weights_path: str | os.PathLike[str] | None,
    random_init: bool,
    device: str | torch.device,
    min_score: float,
    min_size: int,
    max_size: int,
    max_upscale: float,
    mask_threshold: float,
    torch_threads: int | None,
    seed: int,
    speed: dict[str, Any],
    model_kwargs: dict[str, Any],
) -> MaskRCNNSegmenter:
    if random_init and weights_path is not None:
        raise ValueError("random_init=True cannot be combined with weights_path")
    set_torch_threads(torch_threads)
    for key in ("weights", "weights_backbone", "num_classes", "box_score_thresh"):
        if key in model_kwargs:
            raise TypeError(f"{key!r} is fixed by the {name} builder")
    kwargs = dict(weights=None, weights_backbone=None, num_classes=91, box_score_thresh=min_score, **model_kwargs)
    if random_init:
        with seeded(seed):
            model = architecture(**kwargs)
    else:
        model = architecture(**kwargs)
        load_backend_weights(model, name, weights_path)
    return MaskRCNNSegmenter(
        model,
        name=name,
        device=resolve_device(device),
        min_score=min_score,
        min_size=min_size,
        max_size=max_size,
        max_upscale=max_upscale,
        mask_threshold=mask_threshold,
        **speed,
    )


def build_maskrcnn_resnet50_fpn_v2(
    *,
    weights_path: str | os.PathLike[str] | None = None,
    random_init: bool = False,
    device: str | torch.device = "auto",
    min_score: float = 0.25,
    min_size: int = 800,
    max_size: int = 1333,
    max_upscale: float = 1.0,
    mask_threshold: float = 0.5,
    torch_threads: int | None = None,
    seed: int = 0,
    precision: str = "fp32",
    channels_last: bool | None = False,
    compile_backbone: bool = False,
    decode: str = "pil",
    mixed_size_batches: bool = False,
    **model_kwargs: Any,
) -> MaskRCNNSegmenter:
    """Mask R-CNN ResNet-50 FPN v2 (``MaskRCNN_ResNet50_FPN_V2_Weights.COCO_V1``).

    Args:
        weights_path: state-dict file; ``None`` -> torchvision's official weights (cache or
            download).
        random_init: tests only: seeded random weights, nothing loaded.
        device: ``"auto"``, ``"cpu"``, ``"cuda"``...
        min_score: score threshold, also the model's ``box_score_thresh``.
        min_size, max_size, max_upscale: working size, see :func:`~segmentation.preprocessing.fit_size`.
        mask_threshold: mask probability above which a pixel belongs to the object.
        torch_threads: ``torch.set_num_threads`` value, if given.
        seed: seed of the random-init weights.
        precision: ``"fp32"``; ``"bf16"`` / ``"fp16"`` autocast the backbone + FPN (heads stay
            fp32); ``"auto"`` = bf16 on CUDA, fp32 on the CPU. See :class:`~segmentation.base.TorchSegmenter`.
        channels_last: NHWC convolutions in the backbone (``None``: on with CUDA).
        compile_backbone: ``torch.compile`` the backbone (the first batch of 1, and the first of
            2+, compile: 45-110 s each on the 2-core development CPU, where it then won nothing
            measurable at one thread; try it on a GPU).
        decode: ``"pil"`` (Pillow, JPEG draft), ``"torch"`` (``decode_jpeg`` on the device) or
            ``"auto"`` (torch on CUDA).
        mixed_size_batches: batch photos of different padded sizes together (see
            :class:`MaskRCNNSegmenter`).
        **model_kwargs: passed to ``torchvision.models.detection.maskrcnn_resnet50_fpn_v2``
            (e.g. ``box_detections_per_img``, ``rpn_post_nms_top_n_test``).
    """
    return _build(
        "maskrcnn_resnet50_fpn_v2",
        maskrcnn_resnet50_fpn_v2,
        weights_path=weights_path,
        random_init=random_init,
        device=device,
        min_score=min_score,
        min_size=min_size,
        max_size=max_size,
        max_upscale=max_upscale,
        mask_threshold=mask_threshold,
        torch_threads=torch_threads,
        seed=seed,
        speed=dict(
            precision=precision,
            channels_last=channels_last,
            compile_backbone=compile_backbone,
            decode=decode,
            mixed_size_batches=mixed_size_batches,
        ),
        model_kwargs=model_kwargs,
    )


def build_maskrcnn_resnet50_fpn(
    *,
    weights_path: str | os.PathLike[str] | None = None,
    random_init: bool = False,
    device: str | torch.device = "auto",
    min_score: float = 0.25,
    min_size: int = 800,
    max_size: int = 1333,
    max_upscale: float = 1.0,
    mask_threshold: float = 0.5,
    torch_threads: int | None = None,
    seed: int = 0,
    precision: str = "fp32",
    channels_last: bool | None = False,
    compile_backbone: bool = False,
    decode: str = "pil",
    mixed_size_batches: bool = False,
    **model_kwargs: Any,
) -> MaskRCNNSegmenter:
    """Mask R-CNN ResNet-50 FPN, the original torchvision model
    (``MaskRCNN_ResNet50_FPN_Weights.COCO_V1``). Arguments as
    :func:`build_maskrcnn_resnet50_fpn_v2`.

    Built with ``weights=None``, torchvision uses ``BatchNorm2d`` where its pretrained build uses
    ``FrozenBatchNorm2d``; in eval mode they compute the same thing and the official state dict
    (no ``num_batches_tracked`` entries, legacy head names) loads strictly.
    """
    return _build(
        "maskrcnn_resnet50_fpn",
        maskrcnn_resnet50_fpn,
        weights_path=weights_path,
        random_init=random_init,
        device=device,
        min_score=min_score,
        min_size=min_size,
        max_size=max_size,
        max_upscale=max_upscale,
        mask_threshold=mask_threshold,
        torch_threads=torch_threads,
        seed=seed,
        speed=dict(
            precision=precision,
            channels_last=channels_last,
            compile_backbone=compile_backbone,
            decode=decode,
            mixed_size_batches=mixed_size_batches,
        ),
        model_kwargs=model_kwargs,
    )
