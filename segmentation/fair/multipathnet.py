"""A MultiPathNet-style classifier ("MPN-lite", spec §3 and §6.1.5) over the shared trunk.

For each box (``xyxy`` in the pixels of the image the trunk ran on), foveal regions are the box
scaled about its centre by ``mpn_regions`` (1x, 1.5x, 2x, 4x) and clipped to the image. Region
``r`` is RoIAligned (``mpn_pool`` square, ``aligned=True``) from several trunk levels, as
MultiPathNet's skip connections: region 0 from ``c4, c3, c2``; regions 1-2 from ``c4, c3``;
region 3+ from ``c4`` only. With ``mpn_project > 0``, ``c4`` is first mapped by a fixed 1x1
projection (:attr:`FovealClassifier.project`, no bias, not trained by gradient: the training
stage sets it to the top principal directions of the training images' ``c4`` cells with
:meth:`FovealClassifier.set_projection`). Each pooled tensor is L2-normalised per RoI and rescaled to unit RMS,
concatenated, reduced by a 1x1 conv to ``mpn_channels`` and fed to the region's own fc6/fc7
(``mpn_hidden``, ReLU, dropout). The region vectors are concatenated and classified by one
linear head per integral-loss IoU threshold (``iou_thresholds``) over ``num_classes`` (index 0
background, 1..80 the COCO categories in :func:`segmentation.coco.category_names` order).
:meth:`FovealClassifier.probabilities` averages the heads' softmaxes (test time).

Shapes: ``boxes float (N, 4)`` -> :meth:`FovealClassifier.forward` ``(T, N, num_classes)``
logits (``T`` heads) -> :meth:`probabilities` ``(N, num_classes)``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.ops import roi_align

from segmentation.fair.config import FairConfig

__all__ = ["STRIDES", "FovealClassifier", "foveal_regions", "region_levels"]

STRIDES = {"c1": 2, "c2": 4, "c3": 8, "c4": 16}


def region_levels(region: int) -> tuple[str, ...]:
    """Trunk levels pooled for foveal region ``region`` (0-based)."""
    if region == 0:
        return ("c4", "c3", "c2")
    if region < 3:
        return ("c4", "c3")
    return ("c4",)


def foveal_regions(boxes: torch.Tensor, factor: float, image_hw: tuple[int, int]) -> torch.Tensor:
    """``boxes (N, 4)`` xyxy scaled by ``factor`` about their centres, clipped to ``(h, w)``."""
    h, w = image_hw
    centre = (boxes[:, :2] + boxes[:, 2:]) / 2
    half = (boxes[:, 2:] - boxes[:, :2]) * (factor / 2)
    out = torch.cat([centre - half, centre + half], dim=1)
    limit = boxes.new_tensor([w, h, w, h], dtype=boxes.dtype)
    return torch.minimum(out.clamp(min=0), limit)


class FovealClassifier(nn.Module):
    """See the module docstring."""

    def __init__(self, config: FairConfig) -> None:
        super().__init__()
        channels = dict(zip(("c1", "c2", "c3", "c4"), config.trunk_channels, strict=True))
        self.project: nn.Conv2d | None = None
        if config.mpn_project:
            self.project = nn.Conv2d(channels["c4"], config.mpn_project, 1, bias=False)
            self.project.weight.requires_grad_(False)
            channels["c4"] = config.mpn_project
        self.regions = tuple(float(r) for r in config.mpn_regions)
        self.pool = config.mpn_pool
        self.reduce = nn.ModuleList()
        self.fc = nn.ModuleList()
        for r in range(len(self.regions)):
            cin = sum(channels[level] for level in region_levels(r))
            self.reduce.append(nn.Sequential(nn.Conv2d(cin, config.mpn_channels, 1), nn.ReLU(inplace=True)))
            self.fc.append(
                nn.Sequential(
                    nn.Flatten(),
                    nn.Linear(config.mpn_channels * self.pool * self.pool, config.mpn_hidden),
                    nn.ReLU(inplace=True),
                    nn.Dropout(config.dropout),
                    nn.Linear(config.mpn_hidden, config.mpn_hidden),
                    nn.ReLU(inplace=True),
                    nn.Dropout(config.dropout),
                )
            )
        self.heads = nn.ModuleList(
            nn.Linear(len(self.regions) * config.mpn_hidden, config.num_classes) for _ in config.iou_thresholds
        )

    def forward(
        self, features: dict[str, torch.Tensor], boxes: torch.Tensor, image_hw: tuple[int, int], offset: float = 0.0
    ) -> torch.Tensor:
        """Logits ``(T, N, num_classes)`` for ``boxes (N, 4)`` in image pixels.

        ``features`` are one image's trunk maps (batch 1); ``offset`` is the grey padding (px) the
        image was given before the trunk ran, added to every box.
        """
        n = boxes.shape[0]
        if self.project is not None:
            features = {**features, "c4": self.project(features["c4"])}
        vectors = []
        for r, factor in enumerate(self.regions):
            region = foveal_regions(boxes, factor, image_hw) + offset
            rois = torch.cat([region.new_zeros(n, 1), region], dim=1)
            pooled = []
            for level in region_levels(r):
                p = roi_align(
                    features[level], rois, self.pool, spatial_scale=1.0 / STRIDES[level], sampling_ratio=2, aligned=True
                )
                norm = p.flatten(1).norm(dim=1).clamp(min=1e-6)[:, None, None, None]
                pooled.append(p / norm * float(p.shape[1] * p.shape[2] * p.shape[3]) ** 0.5)
            vectors.append(self.fc[r](self.reduce[r](torch.cat(pooled, dim=1))))
        joint = torch.cat(vectors, dim=1)
        return torch.stack([head(joint) for head in self.heads])

    @torch.no_grad()
    def set_projection(self, second_moment: torch.Tensor) -> None:
        """Set :attr:`project` to the top eigenvectors of ``second_moment`` ``(C4, C4)`` (the
        uncentred mean of ``x x^T`` over ``c4`` cells): an orthonormal projection, so norms and
        angles within that subspace are kept. Signs are fixed (largest entry positive) so the
        result is reproducible."""
        if self.project is None:
            raise ValueError("this classifier has no c4 projection (mpn_project = 0)")
        k = self.project.out_channels
        _, vectors = torch.linalg.eigh(second_moment.double())
        top = vectors[:, -k:].flip(1).T  # (k, C4), largest eigenvalue first
        sign = torch.sign(top.gather(1, top.abs().argmax(dim=1, keepdim=True)))
        self.project.weight.copy_((top * sign).to(self.project.weight)[:, :, None, None])

    @staticmethod
    def probabilities(logits: torch.Tensor) -> torch.Tensor:
        """Average of the heads' softmaxes: ``(T, N, K)`` -> ``(N, K)``."""
        return F.softmax(logits, dim=-1).mean(dim=0)
