"""Sizes of the DeepMask/SharpMask/MultiPathNet pipeline (torch-free).

Geometry (all DeepMask sizes follow the released code, spec §1.2):

* ``i_sz``: side of the region whose mask is predicted (160). A training patch adds one trunk cell
  (16 px) of context on each side: ``patch_size = i_sz + 32`` (192).
* ``f_sz = i_sz // 16``: side of the cropped ``c4`` map the "FC" layer sees (10); in full-image
  mode that layer is a ``f_sz x f_sz`` convolution, so output cell ``(i, j)`` of a scaled image
  padded by ``pad = i_sz // 2`` px is the window ``x in [16 j - pad, 16 j - pad + i_sz) / s``
  (centred at ``16 j / s``) of the unscaled image, ``y`` likewise with ``i``.
* ``o_sz``: side of the DeepMask low-rank mask (56), upsampled to ``g_sz`` (112) for the loss and
  to ``i_sz`` at inference. SharpMask predicts ``i_sz x i_sz`` directly.
* ``scales``: image scales of the proposal pyramid (``2^-2.5 .. 2^0``: objects whose longest
  side is about ``92 / s`` px are canonical at scale ``s``). The paper's pyramid goes on to
  ``2^0.5`` (objects of ~65 px); here that scale cost 40 % of the inference time and, with
  heads trained on 343 images, brought more false positives than objects (coco-val-calib box AP
  0.070 with it, 0.074 without), so it is left out by default (``scales=...`` adds it back).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

__all__ = ["PRESETS", "TRUNK_CHANNELS", "FairConfig", "make_config"]

#: Channels of ``(c1, c2, c3, c4)`` for each trunk kind.
TRUNK_CHANNELS: dict[str, tuple[int, int, int, int]] = {
    "mobilenet_v3_large": (16, 24, 40, 672),
    "resnet50": (64, 256, 512, 1024),
    "tiny": (8, 16, 32, 64),
}

_DEFAULT_SCALES = tuple(2.0**e for e in (-2.5, -2.0, -1.5, -1.0, -0.5, 0.0))


@dataclass(frozen=True)
class FairConfig:
    """Every size of the pipeline; the weights file stores it, so a trained model rebuilds itself.

    Attributes (trunk):
        trunk: ``"mobilenet_v3_large"`` (COCO SSDLite features, frozen), ``"resnet50"`` (Mask
            R-CNN body, frozen) or ``"tiny"`` (small random conv net, trainable; tests).
        freeze_trunk: keep trunk weights and normalisation fixed during training.
        image_mean, image_std: input normalisation of ``[0, 1]`` RGB (the trunk's own).

    Attributes (DeepMask / SharpMask): see the module docstring for ``i_sz``, ``o_sz``,
    ``g_sz``, ``scales``. ``reduce_channels`` (1x1 conv after ``c4``) and ``embed_dim`` (the
    shared 512-d "head C" vector; ``reduce_channels`` is 64, half the released code's 128: it halves
    the parameters and the CPU cost of the dense "FC" layer, which dominates inference),
    ``score_hidden`` (1024), ``k_m`` (channels of the mask
    encoding, halved by each of the 4 refinement modules; ``k_s = k_m``), ``skip_hidden``
    (first skip conv width per module), ``upsample`` (``"nearest"`` as the released code, or
    ``"bilinear"``), ``padding_mode`` of the refinement convs.

    Attributes (inference): ``n_proposals`` windows (global top-k over all scales) go to
    refinement and classification, ``proposal_nms`` box IoU for de-duplicating proposals
    (0 = off, the original has none), ``mask_threshold`` on mask probabilities (0.2),
    ``nms_threshold`` per-class box NMS of detections (0.3), ``detections_per_img`` (100).
    ``refine``: proposal masks from SharpMask (``True``, the paper's pipeline) or from DeepMask's
    low-rank mask (``False``, the default). With the few hundred training steps a CPU allows,
    SharpMask's masks are worse than DeepMask's (probabilities stuck near 0.5 inside objects,
    stray pixels at window borders that stretch every tight box to the whole window): on
    coco-val-calib, proposal box AR@100 0.266 -> 0.083 and detection box AP 0.070 -> 0.027 with
    it. Turn it on for a SharpMask trained to convergence.

    Attributes (MultiPathNet): ``mpn_regions`` expansion factors of the foveal regions,
    ``mpn_pool`` RoIAlign output side, ``mpn_channels`` after the per-region 1x1 reduction,
    ``mpn_hidden`` width of each region's fc6/fc7, ``iou_thresholds`` of the integral-loss heads
    (one head each; softmaxes averaged at test), ``num_classes`` (81: background + 80 COCO).
    ``mpn_project``: channels of a fixed 1x1 projection of ``c4`` before pooling (0 = none). The
    MobileNetV3 ``c4`` is an expansion of 112 channels to 672, so a projection onto its top
    principal directions (set by the multipathnet training stage from the training images) keeps
    almost all of it and makes pooling ~4x cheaper.

    Attributes (working size): ``min_size``, ``max_size`` as
    :func:`segmentation.preprocessing.fit_size` (never upscaled).
    """

    trunk: str = "mobilenet_v3_large"
    freeze_trunk: bool = True
    image_mean: tuple[float, float, float] = (0.5, 0.5, 0.5)
    image_std: tuple[float, float, float] = (0.5, 0.5, 0.5)
    i_sz: int = 160
    o_sz: int = 56
    g_sz: int = 112
    reduce_channels: int = 64
    embed_dim: int = 512
    score_hidden: int = 1024
    dropout: float = 0.5
    k_m: int = 32
    skip_hidden: tuple[int, int, int, int] = (64, 64, 64, 32)
    upsample: str = "nearest"
    padding_mode: str = "zeros"
    scales: tuple[float, ...] = _DEFAULT_SCALES
    n_proposals: int = 300
    proposal_nms: float = 0.9
    mask_threshold: float = 0.2
    refine: bool = False
    nms_threshold: float = 0.3
    detections_per_img: int = 100
    mpn_regions: tuple[float, ...] = (1.0, 1.5, 2.0, 4.0)
    mpn_pool: int = 7
    mpn_channels: int = 64
    mpn_hidden: int = 256
    mpn_project: int = 128
    iou_thresholds: tuple[float, ...] = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75)
    num_classes: int = 81
    min_size: int = 480
    max_size: int = 640
    stages: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.trunk not in TRUNK_CHANNELS:
            raise ValueError(f"unknown trunk {self.trunk!r}; choose one of {', '.join(TRUNK_CHANNELS)}")
        if self.i_sz % 16 or self.i_sz < 32:
            raise ValueError(f"i_sz must be a multiple of 16 and >= 32, got {self.i_sz}")
        if self.k_m % 16:
            raise ValueError(f"k_m must be a multiple of 16 (halved by 4 modules), got {self.k_m}")
        if self.upsample not in ("nearest", "bilinear"):
            raise ValueError(f"upsample must be 'nearest' or 'bilinear', got {self.upsample!r}")
        if not self.scales or any(s <= 0 for s in self.scales):
            raise ValueError(f"scales must be positive, got {self.scales}")
        if not self.mpn_regions or not self.iou_thresholds:
            raise ValueError("mpn_regions and iou_thresholds must not be empty")
        if not 0 <= self.mpn_project <= self.trunk_channels[3]:
            raise ValueError(f"mpn_project must be in [0, {self.trunk_channels[3]}], got {self.mpn_project}")
        # JSON round trips give lists; keep everything hashable.
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, list):
                object.__setattr__(self, f.name, tuple(value))

    # -- derived sizes ---------------------------------------------------------------------------
    @property
    def f_sz(self) -> int:
        """Side of the cropped ``c4`` map (``i_sz // 16``)."""
        return self.i_sz // 16

    @property
    def patch_size(self) -> int:
        """Training patch side: ``i_sz`` plus one 16 px trunk cell of context on each side."""
        return self.i_sz + 32

    @property
    def pad(self) -> int:
        """Grey padding around each scaled image in full-image inference (``i_sz // 2``)."""
        return self.i_sz // 2

    @property
    def canonical_size(self) -> int:
        """Longest side of a canonical object in a patch: ``ceil(i_sz * 128 / 224)`` (92)."""
        return -(-self.i_sz * 128 // 224)

    @property
    def trunk_channels(self) -> tuple[int, int, int, int]:
        return TRUNK_CHANNELS[self.trunk]

    # -- serialisation ---------------------------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> FairConfig:
        data = json.loads(text)
        data.setdefault("mpn_project", 0)  # files written before the projection existed
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def with_stage(self, stage: str) -> FairConfig:
        """This config with ``stage`` recorded as trained."""
        return self if stage in self.stages else replace(self, stages=(*self.stages, stage))


#: Named starting points; any field can be overridden (``make_config("tiny", n_proposals=20)``).
PRESETS: dict[str, dict[str, Any]] = {
    "mobilenet_v3_large": {},
    "resnet50": dict(trunk="resnet50", image_mean=(0.485, 0.456, 0.406), image_std=(0.229, 0.224, 0.225)),
    # Spec §6.4: 32 px masks (64 px patches), 2x2 "FC", 8x8 -> 16x16 DeepMask masks, k_m 32,
    # 2 foveal regions, 2 integral-loss heads, five scales (objects of 10-40 px), a trainable trunk.
    "tiny": dict(
        trunk="tiny",
        freeze_trunk=False,
        i_sz=32,
        o_sz=8,
        g_sz=16,
        reduce_channels=16,
        embed_dim=64,
        score_hidden=64,
        dropout=0.0,
        k_m=32,
        skip_hidden=(16, 16, 16, 16),
        scales=tuple(2.0**e for e in (-1.0, -0.5, 0.0, 0.5, 1.0)),
        n_proposals=30,
        mpn_regions=(1.0, 2.0),
        mpn_pool=4,
        mpn_channels=16,
        mpn_hidden=64,
        mpn_project=0,
        iou_thresholds=(0.5, 0.7),
        min_size=128,
        max_size=128,
    ),
}


def make_config(preset: str | FairConfig = "mobilenet_v3_large", **overrides: Any) -> FairConfig:
    """A :class:`FairConfig` from a preset name (or a config) with field overrides."""
    if isinstance(preset, FairConfig):
        return replace(preset, **overrides) if overrides else preset
    if preset not in PRESETS:
        raise ValueError(f"unknown FAIR config preset {preset!r}; choose one of {', '.join(PRESETS)}")
    known = {f.name for f in fields(FairConfig)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise TypeError(f"unknown FAIR config field(s): {', '.join(unknown)}")
    return FairConfig(**{**PRESETS[preset], **overrides})
