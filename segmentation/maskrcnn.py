"""Mask R-CNN ResNet-50 FPN backends (torchvision v1 and v2, COCO, 91 classes).

Builders never download at construction: the architecture is built with ``weights=None,
weights_backbone=None`` and trained weights are then loaded from ``weights_path`` or through
torchvision's weights API (its cache, or a download). Loading failures raise
:class:`segmentation.registry.WeightsUnavailable`; there is no silent random model.

Working size: the photo is resized *before* inference by
:func:`segmentation.preprocessing.fit_size`: short side to ``min_size`` (800) unless the long side
would exceed ``max_size`` (1333), the torchvision/COCO training rule, but never upscaled by more
than ``max_upscale`` (default 1.0: small photos stay as they are). The model's own transform is
replaced by one that only normalises and pads (no second resize), so boxes come out in working
pixels and masks are pasted at the working resolution ``(h, w)``; boxes are then mapped to the
original pixels.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import torch
from PIL import Image
from torch import nn
from torchvision.models.detection import maskrcnn_resnet50_fpn, maskrcnn_resnet50_fpn_v2
from torchvision.models.detection.transform import GeneralizedRCNNTransform

from segmentation.base import Segmenter, load_backend_weights, resolve_device, seeded, set_torch_threads
from segmentation.preprocessing import WorkingImage, fit_size, resize_to_working

__all__ = [
    "MaskRCNNSegmenter",
    "WorkingSizeTransform",
    "build_maskrcnn_resnet50_fpn",
    "build_maskrcnn_resnet50_fpn_v2",
]


class WorkingSizeTransform(GeneralizedRCNNTransform):
    """``GeneralizedRCNNTransform`` that never resizes in eval mode: images arrive already at
    their working size. It still normalises, pads the batch to a multiple of
    ``size_divisible`` and, in ``postprocess``, pastes masks onto each image's working frame."""

    def resize(
        self, image: torch.Tensor, target: dict[str, Any] | None = None
    ) -> tuple[torch.Tensor, dict[str, Any] | None]:
        if self.training:
            return super().resize(image, target)
        return image, target


class MaskRCNNSegmenter(Segmenter):
    """Segmenter around a torchvision ``MaskRCNN`` whose transform is a
    :class:`WorkingSizeTransform`.

    Results: boxes ``float32 (N, 4)`` xyxy original pixels, masks ``bool (N, h, w)`` at the
    working size ``(w, h) = fit_size((W, H), min_size, max_size, max_upscale)``.
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
        **speed: Any,
    ) -> None:
        self.min_size = int(min_size)
        self.max_size = int(max_size)
        self.max_upscale = float(max_upscale)
        transform = model.transform
        model.transform = WorkingSizeTransform(
            min_size=self.min_size,
            max_size=self.max_size,
            image_mean=transform.image_mean,
            image_std=transform.image_std,
            size_divisible=transform.size_divisible,
        )
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
    channels_last: bool = False,
    compile_backbone: bool = False,
    decode: str = "pil",
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
            fp32); ``"auto"`` = bf16 on CUDA, fp32 on the CPU. See :class:`~segmentation.base.Segmenter`.
        channels_last: NHWC convolutions in the backbone.
        compile_backbone: ``torch.compile`` the backbone (first batches of each shape are slow).
        decode: ``"pil"`` (Pillow, JPEG draft) or ``"torch"`` (``decode_jpeg`` on the device).
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
        speed=dict(precision=precision, channels_last=channels_last, compile_backbone=compile_backbone, decode=decode),
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
    channels_last: bool = False,
    compile_backbone: bool = False,
    decode: str = "pil",
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
        speed=dict(precision=precision, channels_last=channels_last, compile_backbone=compile_backbone, decode=decode),
        model_kwargs=model_kwargs,
    )
