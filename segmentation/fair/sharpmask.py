"""SharpMask refinement (spec §2): a mask encoding of the DeepMask embedding refined by four
modules that each merge a skip path (from the trunk) with the top-down path and upsample 2x.

Module ``m`` (0-based) reads trunk level ``("c4", "c3", "c2", "c1")[m]`` (strides 16, 8, 4, 2),
whose crop for one window has side ``f_sz * 2^m``; it has ``k = k_m / 2^m`` top-down channels
and outputs ``k / 2`` channels at twice the size. A final 3x3 conv gives ``(N, 1, i_sz, i_sz)``
logits.

The skip paths are convolutional over a whole map (:meth:`SharpMaskRefinement.skip_maps`): over a
training patch's maps (context included) or a whole scaled image, then cropped per window
(:func:`crop_windows`), so training and the efficient full-image inference compute the same thing
away from image borders. The top-down path runs batched over the ``N`` windows.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from segmentation.fair.config import FairConfig

__all__ = ["LEVELS", "RefineModule", "SharpMaskRefinement", "crop_windows"]

#: Trunk levels read by refinement modules 0..3.
LEVELS = ("c4", "c3", "c2", "c1")


def _conv(cin: int, cout: int, padding_mode: str) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, 3, padding=1, padding_mode=padding_mode)


class RefineModule(nn.Module):
    """Skip path ``F -> hidden`` ReLU ``-> k`` ReLU ``-> k/2``; top-down path ``k -> k`` ReLU
    ``-> k/2``; sum, ReLU, 2x upsampling."""

    def __init__(self, skip_in: int, hidden: int, k: int, upsample: str, padding_mode: str) -> None:
        super().__init__()
        self.skip = nn.Sequential(
            _conv(skip_in, hidden, padding_mode),
            nn.ReLU(inplace=True),
            _conv(hidden, k, padding_mode),
            nn.ReLU(inplace=True),
            _conv(k, k // 2, padding_mode),
        )
        self.top = nn.Sequential(_conv(k, k, padding_mode), nn.ReLU(inplace=True), _conv(k, k // 2, padding_mode))
        self.upsample = upsample

    def forward(self, top: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        """``top (N, k, S, S)`` and ``skip (N, k/2, S, S)`` (already the skip path's output) ->
        ``(N, k/2, 2S, 2S)``."""
        x = F.relu(self.top(top) + skip)
        if self.upsample == "nearest":
            return F.interpolate(x, scale_factor=2.0, mode="nearest")
        return F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)


def crop_windows(skip: torch.Tensor, rows: torch.Tensor, cols: torch.Tensor, size: int) -> torch.Tensor:
    """Gather ``N`` square crops ``skip[0, :, r : r + size, c : c + size]`` -> ``(N, C, size, size)``.

    ``skip`` is ``(1, C, H, W)``; ``rows``/``cols`` are ``int64 (N,)`` top-left corners.
    """
    ar = torch.arange(size, device=skip.device)
    r = (rows[:, None] + ar)[:, :, None]  # (N, size, 1)
    c = (cols[:, None] + ar)[:, None, :]  # (N, 1, size)
    return skip[0][:, r, c].permute(1, 0, 2, 3)


class SharpMaskRefinement(nn.Module):
    """Mask encoding (``E -> k_m * f_sz^2``), four :class:`RefineModule` and the final conv."""

    def __init__(self, config: FairConfig) -> None:
        super().__init__()
        self.f_sz = config.f_sz
        self.k_m = config.k_m
        self.encode = nn.Linear(config.embed_dim, config.k_m * config.f_sz * config.f_sz)
        channels = dict(zip(("c1", "c2", "c3", "c4"), config.trunk_channels, strict=True))
        self.refiners = nn.ModuleList(
            RefineModule(channels[level], config.skip_hidden[m], config.k_m >> m, config.upsample, config.padding_mode)
            for m, level in enumerate(LEVELS)
        )
        self.final = _conv(config.k_m >> 4, 1, config.padding_mode)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):  # He init: ~20 ReLU convs deep, thin channels at the end
                nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
                nn.init.zeros_(m.bias)

    def skip_maps(self, features: dict[str, torch.Tensor]) -> list[torch.Tensor]:
        """Skip-path outputs over whole maps: ``[(B, k_m/2, H/16, W/16), (B, k_m/4, H/8, W/8), ...]``."""
        return [module.skip(features[level]) for module, level in zip(self.refiners, LEVELS, strict=True)]

    def patch_skips(self, skip_maps: list[torch.Tensor]) -> list[torch.Tensor]:
        """Central crops (context removed) of patch skip maps: module ``m`` keeps
        ``[2^m : 2^m + f_sz 2^m]`` of a ``(f_sz + 2) 2^m`` map."""
        out = []
        for m, s in enumerate(skip_maps):
            k = 1 << m
            out.append(s[..., k : k + self.f_sz * k, k : k + self.f_sz * k])
        return out

    def window_skips(self, skip_maps: list[torch.Tensor], rows: torch.Tensor, cols: torch.Tensor) -> list[torch.Tensor]:
        """Crops of full-image skip maps for output cells ``(rows, cols)`` of the DeepMask map:
        module ``m`` takes side ``f_sz 2^m`` at ``(i 2^m, j 2^m)``."""
        return [crop_windows(s, rows << m, cols << m, self.f_sz << m) for m, s in enumerate(skip_maps)]

    def forward(self, embedding: torch.Tensor, skips: list[torch.Tensor]) -> torch.Tensor:
        """``embedding (N, E)`` and per-module skip crops -> logits ``(N, 1, i_sz, i_sz)``."""
        x = self.encode(embedding).view(-1, self.k_m, self.f_sz, self.f_sz)
        for module, skip in zip(self.refiners, skips, strict=True):
            x = module(x, skip)
        return self.final(x)
