"""SSDLite320 MobileNetV3-Large backend (torchvision, COCO, 91 classes): boxes only.

A light CPU backend: the network always runs at 320x320 (its transform stretches every input to
that size). Photos are first shrunk with Pillow's antialiasing filter so the long side is at most
``max_size`` (640 by default, about the size of the COCO photos the model was evaluated on; never
upscaled), so a 12 MP photo is never handed to the model's tensor resize at full size. Boxes come
back in those working pixels and are mapped to the original pixels. ``masks`` is ``None``.

Builders never download at construction; weights are loaded from ``weights_path`` or through
torchvision's weights API (``SSDLite320_MobileNet_V3_Large_Weights.COCO_V1``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import torch
from PIL import Image
from torch import nn
from torchvision.models.detection import ssdlite320_mobilenet_v3_large

from segmentation.base import (
    TorchOptions,
    TorchSegmenter,
    load_backend_weights,
    resolve_device,
    seeded,
    set_torch_threads,
)
from segmentation.preprocessing import WorkingImage, fit_size, resize_to_working

__all__ = ["SSDLiteOptions", "SSDLiteSegmenter", "build_ssdlite320_mobilenet_v3_large"]

NAME = "ssdlite320_mobilenet_v3_large"


@dataclass(frozen=True)
class SSDLiteOptions(TorchOptions):
    """The speed options only: the network size is fixed (320x320) and the pre-shrink size
    (``max_size``, 640) is the builder's."""


class SSDLiteSegmenter(TorchSegmenter):
    """Segmenter around torchvision's ``SSD`` (SSDLite head): boxes ``float32 (N, 4)`` xyxy in
    original pixels, ``masks=None``."""

    def __init__(
        self, model: nn.Module, *, device: torch.device, min_score: float, max_size: int = 640, **speed: Any
    ) -> None:
        self.max_size = int(max_size)
        super().__init__(model, name=NAME, has_masks=False, device=device, min_score=min_score, **speed)

    def _set_model_score_threshold(self, value: float) -> None:
        self.model.score_thresh = value

    def working_image(self, image: Image.Image) -> WorkingImage:
        return resize_to_working(image, min_size=self.max_size, max_size=self.max_size, max_upscale=1.0)

    def working_size(self, size: tuple[int, int]) -> tuple[int, int]:
        return fit_size(size, min_size=self.max_size, max_size=self.max_size, max_upscale=1.0)


def build_ssdlite320_mobilenet_v3_large(
    *,
    weights_path: str | os.PathLike[str] | None = None,
    random_init: bool = False,
    device: str | torch.device = "auto",
    min_score: float = 0.25,
    max_size: int = 640,
    torch_threads: int | None = None,
    seed: int = 0,
    precision: str = "fp32",
    channels_last: bool | None = False,
    compile_backbone: bool = False,
    decode: str = "pil",
    **model_kwargs: Any,
) -> SSDLiteSegmenter:
    """SSDLite320 MobileNetV3-Large.

    Args:
        weights_path: state-dict file; ``None`` -> torchvision's official weights (cache or
            download).
        random_init: tests only: seeded random weights, nothing loaded.
        device: ``"auto"``, ``"cpu"``, ``"cuda"``...
        min_score: score threshold, also the model's ``score_thresh``.
        max_size: long side of the pre-shrunk working image (the model then stretches it to
            320x320).
        torch_threads: ``torch.set_num_threads`` value, if given.
        seed: seed of the random-init weights.
        precision, channels_last, compile_backbone, decode: speed options, as for
            :func:`segmentation.maskrcnn.build_maskrcnn_resnet50_fpn`.
        **model_kwargs: passed to ``torchvision.models.detection.ssdlite320_mobilenet_v3_large``
            (e.g. ``detections_per_img``, ``nms_thresh``). ``min_size`` is accepted and ignored
            (the network size is fixed), so Mask R-CNN test overrides can be shared.
    """
    if random_init and weights_path is not None:
        raise ValueError("random_init=True cannot be combined with weights_path")
    set_torch_threads(torch_threads)
    model_kwargs.pop("min_size", None)
    for key in ("weights", "weights_backbone", "num_classes", "score_thresh"):
        if key in model_kwargs:
            raise TypeError(f"{key!r} is fixed by the {NAME} builder")
    kwargs = dict(weights=None, weights_backbone=None, num_classes=91, score_thresh=min_score, **model_kwargs)
    if random_init:
        with seeded(seed):
            model = ssdlite320_mobilenet_v3_large(**kwargs)
    else:
        model = ssdlite320_mobilenet_v3_large(**kwargs)
        load_backend_weights(model, NAME, weights_path)
    return SSDLiteSegmenter(
        model,
        device=resolve_device(device),
        min_score=min_score,
        max_size=max_size,
        precision=precision,
        channels_last=channels_last,
        compile_backbone=compile_backbone,
        decode=decode,
    )
