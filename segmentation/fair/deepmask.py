"""DeepMask heads (spec §1.2, §6.1.2): a shared embedding ("head C"), a low-rank mask and an
objectness score, runnable on training patches and convolutionally on whole images.

Shapes (``E = embed_dim``, ``f = f_sz``):

* :meth:`DeepMaskHead.embed_patches`: ``c4 (B, C4, f + 2, f + 2)`` (a patch's map including one
  cell of context) -> crop the central ``f x f`` -> ``(B, E)``.
* :meth:`DeepMaskHead.embed_full`: ``c4 (1, C4, H, W)`` -> ``(1, E, H - f + 1, W - f + 1)``;
  output cell ``(i, j)`` equals :meth:`embed_patches` on ``c4[..., i - 1 : i + f + 1, j - 1 : j + f + 1]``.
* :meth:`mask_logits`: ``(N, E)`` -> ``(N, 1, size, size)`` (``o_sz`` low-rank map, bilinear,
  ``align_corners=False``; ``size`` is ``g_sz`` for the loss and ``i_sz`` at inference).
* :meth:`score_logits`: ``(N, E)`` -> ``(N,)``; :meth:`score_map`: ``(1, E, h, w)`` -> ``(h, w)``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from segmentation.fair.config import FairConfig

__all__ = ["DeepMaskHead"]


class DeepMaskHead(nn.Module):
    """1x1 conv ``C4 -> reduce`` + ReLU, an ``f_sz x f_sz`` conv ``-> E`` (the "FC" layer: no
    nonlinearity follows it, so the mask stays low-rank), then a 1x1 ``E -> o_sz^2`` mask layer
    and the score branch Dropout, ``E -> score_hidden``, ReLU, Dropout, ``-> 1``."""

    def __init__(self, config: FairConfig) -> None:
        super().__init__()
        c4 = config.trunk_channels[3]
        self.f_sz = config.f_sz
        self.o_sz = config.o_sz
        self.reduce = nn.Sequential(nn.Conv2d(c4, config.reduce_channels, 1), nn.ReLU(inplace=True))
        self.embed = nn.Conv2d(config.reduce_channels, config.embed_dim, config.f_sz)
        self.mask = nn.Conv2d(config.embed_dim, config.o_sz * config.o_sz, 1)
        self.score = nn.Sequential(
            nn.Dropout(config.dropout),
            nn.Conv2d(config.embed_dim, config.score_hidden, 1),
            nn.ReLU(inplace=True),
            nn.Dropout(config.dropout),
            nn.Conv2d(config.score_hidden, 1, 1),
        )

    def embed_patches(self, c4: torch.Tensor) -> torch.Tensor:
        f = self.f_sz
        if c4.shape[-2:] != (f + 2, f + 2):
            raise ValueError(f"patch c4 must be {f + 2}x{f + 2}, got {tuple(c4.shape[-2:])}")
        return self.embed(self.reduce(c4[..., 1 : f + 1, 1 : f + 1])).flatten(1)

    def embed_full(self, c4: torch.Tensor) -> torch.Tensor:
        return self.embed(self.reduce(c4))

    def mask_logits(self, embedding: torch.Tensor, size: int) -> torch.Tensor:
        w = self.mask.weight.flatten(1)
        low = F.linear(embedding, w, self.mask.bias).view(-1, 1, self.o_sz, self.o_sz)
        if size == self.o_sz:
            return low
        return F.interpolate(low, size=(size, size), mode="bilinear", align_corners=False)

    def score_logits(self, embedding: torch.Tensor) -> torch.Tensor:
        return self.score(embedding[:, :, None, None]).flatten()

    def score_map(self, embedding_map: torch.Tensor) -> torch.Tensor:
        return self.score(embedding_map)[0, 0]
