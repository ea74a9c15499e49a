"""The whole pipeline as one ``nn.Module``: multi-scale DeepMask/SharpMask proposals, pasting,
MultiPathNet classification and post-processing.

Inference for one image ``float32 (3, h, w)`` in ``[0, 1]`` (the working image):

1. Normalise; for each scale ``s`` resize to ``(round(h s), round(w s))``, pad by ``pad = i_sz/2``
   px of grey (zero after normalisation) plus up to 15 px right/bottom to a multiple of 16, run
   the trunk and the convolutional DeepMask head: a score map ``(H'/16 - f_sz + 1, W'/16 - f_sz + 1)``.
   Cell ``(i, j)`` is the window ``[(16 j - pad) / s_x, (16 i - pad) / s_y]`` of side
   ``i_sz / s`` in working pixels (:func:`cell_windows`).
2. Global top-``n_proposals`` of the sigmoid scores across scales (no NMS, as the original).
3. Masks for those windows only: SharpMask (``config.refine``; skip paths convolutional over the
   scale's maps, cropped per window, top-down path batched) or the DeepMask low-rank mask (the
   default); ``(N, i_sz, i_sz)`` probabilities.
4. Each mask's tight box (``xyxy`` working pixels, from the mask thresholded at
   ``mask_threshold``); empty ones dropped; optional box NMS at ``proposal_nms``.
5. MultiPathNet on those boxes over the scale-1 trunk maps; class = argmax over the 80 object
   classes of the averaged softmax, score = its probability; scores below ``score_thresh``
   dropped; per-class box NMS at ``nms_threshold``; top ``detections_per_img``.
6. The kept masks are pasted onto the ``(h, w)`` frame (:func:`paste_masks`: bilinear sampling at
   pixel centres, thresholded), and the boxes recomputed from the pasted masks.

``forward(list of (3, h, w))`` returns per image ``{"boxes": float (K, 4) xyxy working pixels,
"labels": int64 (K,) torchvision COCO indices (1..90), "scores": float (K,), "masks": float
(K, 1, h, w) in {0, 1}}``, sorted by score, the format of torchvision's detection models.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.ops import batched_nms, nms

from segmentation.coco import COCO_CATEGORIES, category_names
from segmentation.fair.config import FairConfig
from segmentation.fair.deepmask import DeepMaskHead
from segmentation.fair.multipathnet import FovealClassifier
from segmentation.fair.sharpmask import SharpMaskRefinement
from segmentation.fair.trunk import build_trunk

__all__ = [
    "CONTIGUOUS_TO_COCO",
    "FairModel",
    "Proposals",
    "cell_windows",
    "mask_boxes",
    "paste_masks",
]

#: Classifier index (0 background, 1..80 objects) -> torchvision COCO label index (1..90).
CONTIGUOUS_TO_COCO: tuple[int, ...] = (0, *(COCO_CATEGORIES.index(name) for name in category_names()))


def cell_windows(
    rows: torch.Tensor, cols: torch.Tensor, scale_xy: tuple[float, float], i_sz: int, pad: int
) -> torch.Tensor:
    """Windows ``(N, 4)`` xyxy (working pixels) of DeepMask output cells ``(rows, cols)`` at an
    image scaled by ``scale_xy = (s_x, s_y)`` and padded by ``pad``."""
    sx, sy = scale_xy
    x0 = (cols.to(torch.float32) * 16 - pad) / sx
    y0 = (rows.to(torch.float32) * 16 - pad) / sy
    return torch.stack([x0, y0, x0 + i_sz / sx, y0 + i_sz / sy], dim=1)


def mask_boxes(binary: torch.Tensor, windows: torch.Tensor, image_hw: tuple[int, int]) -> torch.Tensor:
    """Tight boxes ``(N, 4)`` xyxy working pixels of ``binary (N, S, S)`` window masks (an empty
    mask gives a zero-size box), clipped to the image."""
    n, size = binary.shape[0], binary.shape[-1]
    if n == 0:
        return windows.new_zeros(0, 4)
    ar = torch.arange(size, device=binary.device)
    cols_any, rows_any = binary.any(dim=1), binary.any(dim=2)
    big = size + 1
    c0 = torch.where(cols_any, ar, big).min(dim=1).values
    c1 = torch.where(cols_any, ar, -1).max(dim=1).values + 1
    r0 = torch.where(rows_any, ar, big).min(dim=1).values
    r1 = torch.where(rows_any, ar, -1).max(dim=1).values + 1
    empty = ~cols_any.any(dim=1)
    cell_w = (windows[:, 2] - windows[:, 0]) / size
    cell_h = (windows[:, 3] - windows[:, 1]) / size
    boxes = torch.stack(
        [
            windows[:, 0] + c0 * cell_w,
            windows[:, 1] + r0 * cell_h,
            windows[:, 0] + c1 * cell_w,
            windows[:, 1] + r1 * cell_h,
        ],
        dim=1,
    )
    h, w = image_hw
    boxes = torch.minimum(boxes.clamp(min=0), boxes.new_tensor([w, h, w, h]))
    boxes[empty] = 0
    return boxes


def _interp_weights(lo: torch.Tensor, hi: torch.Tensor, n_out: int, size: int) -> torch.Tensor:
    """``(N, n_out, size)`` bilinear weights sampling a ``size``-cell window spanning
    ``[lo, hi)`` at output pixel centres ``0.5 .. n_out - 0.5``; zero outside the window."""
    centres = torch.arange(n_out, device=lo.device, dtype=torch.float32) + 0.5
    u = (centres[None] - lo[:, None]) * (size / (hi - lo))[:, None] - 0.5
    inside = (centres[None] >= lo[:, None]) & (centres[None] < hi[:, None])
    u = u.clamp(0, size - 1)
    u0 = u.floor()
    frac = u - u0
    i0 = u0.long()
    i1 = (i0 + 1).clamp(max=size - 1)
    weights = torch.zeros(lo.shape[0], n_out, size, device=lo.device)
    weights.scatter_add_(2, i0[..., None], (1 - frac)[..., None])
    weights.scatter_add_(2, i1[..., None], frac[..., None])
    return weights * inside[..., None]


def paste_masks(
    probs: torch.Tensor, windows: torch.Tensor, image_hw: tuple[int, int], threshold: float
) -> torch.Tensor:
    """Paste window masks onto the image frame.

    Args:
        probs: ``float (N, S, S)`` mask probabilities, each covering its window.
        windows: ``float (N, 4)`` xyxy working pixels (may extend past the frame).
        image_hw: ``(h, w)`` of the frame.
        threshold: probability above which a pixel is on.

    Returns ``bool (N, h, w)``: pixel ``(r, c)`` is on when the window mask, resized bilinearly
    (``align_corners=False``) to the window's size, exceeds ``threshold`` at ``(c + .5, r + .5)``.
    Each mask is resampled only over the pixels whose centres lie in its window (two small matrix
    products), so the cost follows the window's area, not the frame's.
    """
    h, w = image_hw
    n, size = probs.shape[0], probs.shape[-1]
    out = torch.zeros(n, h, w, dtype=torch.bool, device=probs.device)
    for k, (x0, y0, x1, y1) in enumerate(windows.double().tolist()):
        c0, c1 = max(0, math.ceil(x0 - 0.5)), min(w, math.ceil(x1 - 0.5))
        r0, r1 = max(0, math.ceil(y0 - 0.5)), min(h, math.ceil(y1 - 0.5))
        if c1 <= c0 or r1 <= r0:
            continue
        win = windows.new_tensor([[x0 - c0, y0 - r0, x1 - c0, y1 - r0]], dtype=torch.float32)
        wy = _interp_weights(win[:, 1], win[:, 3], r1 - r0, size)[0]
        wx = _interp_weights(win[:, 0], win[:, 2], c1 - c0, size)[0]
        out[k, r0:r1, c0:c1] = (wy @ probs[k].float() @ wx.T) > threshold
    return out


@dataclass
class Proposals:
    """Proposals of one image (working pixels), sorted by objectness.

    Attributes:
        masks: ``float (N, i_sz, i_sz)`` probabilities over each window.
        windows: ``float (N, 4)`` xyxy window of each mask.
        boxes: ``float (N, 4)`` xyxy tight box of each thresholded mask (clipped).
        scores: ``float (N,)`` objectness in ``[0, 1]``.
        features: scale-1 trunk maps of the padded image (for the classifier).
        offset: the padding (px) of those maps.
    """

    masks: torch.Tensor
    windows: torch.Tensor
    boxes: torch.Tensor
    scores: torch.Tensor
    features: dict[str, torch.Tensor]
    offset: int


class FairModel(nn.Module):
    """Trunk + DeepMask + SharpMask + MultiPathNet; see the module docstring.

    Attributes:
        score_thresh: detections scoring below this are dropped (set by the segmenter).
        refine: use SharpMask masks (``False``: DeepMask's low-rank masks); from ``config.refine``.
    """

    def __init__(self, config: FairConfig) -> None:
        super().__init__()
        self.config = config
        self.trunk = build_trunk(config)
        self.deepmask = DeepMaskHead(config)
        self.sharpmask = SharpMaskRefinement(config)
        self.multipathnet = FovealClassifier(config)
        self.register_buffer("mean", torch.tensor(config.image_mean).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(config.image_std).view(1, 3, 1, 1), persistent=False)
        self.score_thresh = 0.0
        self.refine = config.refine

    # -- helpers ----------------------------------------------------------------------------------
    def normalize(self, images: torch.Tensor) -> torch.Tensor:
        """``(B, 3, H, W)`` in ``[0, 1]`` -> the trunk's normalisation (grey 0.5 -> about 0)."""
        return (images - self.mean) / self.std

    def padded_features(self, image: torch.Tensor, scale: float) -> tuple[dict[str, torch.Tensor], tuple[float, float]]:
        """Trunk maps of normalised ``image (1, 3, h, w)`` scaled by ``scale`` and padded by
        ``pad`` (then to a multiple of 16); returns them and the actual ``(s_x, s_y)``."""
        h, w = image.shape[-2:]
        sh, sw = max(1, round(h * scale)), max(1, round(w * scale))
        x = image
        if (sh, sw) != (h, w):
            x = F.interpolate(image, size=(sh, sw), mode="bilinear", align_corners=False, antialias=scale < 1)
        p = self.config.pad
        ph, pw = 16 * math.ceil((sh + 2 * p) / 16), 16 * math.ceil((sw + 2 * p) / 16)
        x = F.pad(x, (p, pw - sw - p, p, ph - sh - p))
        return self.trunk(x), (sw / w, sh / h)

    # -- proposals --------------------------------------------------------------------------------
    @torch.no_grad()
    def proposals(self, image: torch.Tensor, n: int | None = None, refine: bool | None = None) -> Proposals:
        """DeepMask/SharpMask proposals of one image ``(3, h, w)`` in ``[0, 1]`` (steps 1-4)."""
        cfg = self.config
        n = cfg.n_proposals if n is None else n
        refine = self.refine if refine is None else refine
        h, w = image.shape[-2:]
        x = self.normalize(image[None])
        levels = []
        scale1 = None
        for s in cfg.scales:
            features, sxy = self.padded_features(x, s)
            emb = self.deepmask.embed_full(features["c4"])
            scores = torch.sigmoid(self.deepmask.score_map(emb))
            levels.append((features, sxy, emb, scores))
            if s == 1.0:
                scale1 = features
        if scale1 is None:
            scale1, _ = self.padded_features(x, 1.0)
        flat = torch.cat([lv[3].flatten() for lv in levels])
        k = min(n, flat.numel())
        top_scores, top = torch.topk(flat, k)
        sizes = torch.tensor([lv[3].numel() for lv in levels], device=flat.device)
        which = torch.bucketize(top, torch.cumsum(sizes, 0), right=True)
        starts = torch.cumsum(sizes, 0) - sizes
        masks, windows, order = [], [], []
        for li, (features, sxy, emb, scores) in enumerate(levels):
            picked = torch.nonzero(which == li).flatten()
            if picked.numel() == 0:
                continue
            local = top[picked] - starts[li]
            rows, cols = local // scores.shape[1], local % scores.shape[1]
            vectors = emb[0][:, rows, cols].T
            if refine:
                skips = self.sharpmask.window_skips(self.sharpmask.skip_maps(features), rows, cols)
                logits = self.sharpmask(vectors, skips)
            else:
                logits = self.deepmask.mask_logits(vectors, cfg.i_sz)
            masks.append(torch.sigmoid(logits[:, 0]))
            windows.append(cell_windows(rows, cols, sxy, cfg.i_sz, cfg.pad))
            order.append(picked)
        if order:
            index = torch.argsort(torch.cat(order))
            mask_probs, wins = torch.cat(masks)[index], torch.cat(windows)[index]
        else:
            mask_probs = image.new_zeros(0, cfg.i_sz, cfg.i_sz)
            wins = image.new_zeros(0, 4)
        boxes = mask_boxes(mask_probs > cfg.mask_threshold, wins, (h, w))
        keep = torch.nonzero((boxes[:, 2] > boxes[:, 0]) & (boxes[:, 3] > boxes[:, 1])).flatten()
        if cfg.proposal_nms > 0 and keep.numel():
            keep = keep[nms(boxes[keep], top_scores[keep], cfg.proposal_nms)]
        return Proposals(mask_probs[keep], wins[keep], boxes[keep], top_scores[keep], scale1, cfg.pad)

    # -- detection --------------------------------------------------------------------------------
    @torch.no_grad()
    def detect(self, image: torch.Tensor) -> dict[str, torch.Tensor]:
        """Detections of one image ``(3, h, w)`` in ``[0, 1]`` (see the module docstring)."""
        cfg = self.config
        h, w = image.shape[-2:]
        props = self.proposals(image)
        empty = {
            "boxes": image.new_zeros(0, 4),
            "labels": torch.zeros(0, dtype=torch.int64, device=image.device),
            "scores": image.new_zeros(0),
            "masks": image.new_zeros(0, 1, h, w),
        }
        if props.boxes.shape[0] == 0:
            return empty
        logits = self.multipathnet(props.features, props.boxes, (h, w), offset=props.offset)
        probs = FovealClassifier.probabilities(logits)
        scores, cls = probs[:, 1:].max(dim=1)
        cls = cls + 1
        keep = torch.nonzero(scores >= self.score_thresh).flatten()
        keep = keep[batched_nms(props.boxes[keep], scores[keep], cls[keep], cfg.nms_threshold)]
        keep = keep[: cfg.detections_per_img]
        pasted = paste_masks(props.masks[keep], props.windows[keep], (h, w), cfg.mask_threshold)
        nonempty = pasted.flatten(1).any(dim=1)
        keep, pasted = keep[nonempty], pasted[nonempty]
        if keep.numel() == 0:
            return empty
        ys, xs = pasted.any(dim=2), pasted.any(dim=1)
        ar_w, ar_h = torch.arange(w, device=image.device), torch.arange(h, device=image.device)
        boxes = torch.stack(
            [
                torch.where(xs, ar_w, w).min(dim=1).values,
                torch.where(ys, ar_h, h).min(dim=1).values,
                torch.where(xs, ar_w, -1).max(dim=1).values + 1,
                torch.where(ys, ar_h, -1).max(dim=1).values + 1,
            ],
            dim=1,
        ).to(image.dtype)
        labels = torch.as_tensor(CONTIGUOUS_TO_COCO, device=image.device)[cls[keep]]
        return {"boxes": boxes, "labels": labels, "scores": scores[keep], "masks": pasted[:, None].to(image.dtype)}

    def forward(self, images: list[torch.Tensor]) -> list[dict[str, torch.Tensor]]:
        """Detections of each image (one at a time: the pyramid differs per image size)."""
        return [self.detect(image) for image in images]
