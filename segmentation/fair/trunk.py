"""The shared trunk: four feature maps at strides 2, 4, 8 and 16.

``Trunk(x)`` takes a normalised ``float32 (B, 3, H, W)`` batch with ``H`` and ``W`` multiples of
16 and returns ``{"c1": (B, C1, H/2, W/2), "c2": (B, C2, H/4, W/4), "c3": (B, C3, H/8, W/8),
"c4": (B, C4, H/16, W/16)}`` with the channels of :data:`segmentation.fair.config.TRUNK_CHANNELS`.

Kinds:

* ``mobilenet_v3_large``: the MobileNetV3-Large features of torchvision's SSDLite320 (COCO
  detection training): stem..block 12 plus the expansion conv of the stride-32 block, exactly the
  part SSDLite's first head reads (672 channels at stride 16). Taps: block 1 (16 @ /2), block 3
  (24 @ /4), block 6 (40 @ /8), the expansion (672 @ /16).
* ``resnet50``: ResNet-50 ``conv1..layer3`` with ``FrozenBatchNorm2d`` (the layout of Mask
  R-CNN's ``backbone.body``). Taps: conv1-ReLU (64), layer1 (256), layer2 (512), layer3 (1024).
* ``tiny``: a small random conv net for tests (8/16/32/64 channels).

Builders never download. :func:`init_trunk_from_file` copies COCO-trained weights from a SSDLite
or Mask R-CNN state-dict file.
"""

from __future__ import annotations

import os

import torch
from torch import nn

from segmentation.fair.config import FairConfig

__all__ = ["Trunk", "build_trunk", "init_trunk_from_file"]

_TAPS = {"mobilenet_v3_large": (1, 3, 6, 13), "resnet50": (2, 4, 5, 6), "tiny": (0, 1, 2, 3)}


class Trunk(nn.Module):
    """A sequential body with four tapped outputs (see the module docstring)."""

    def __init__(self, body: nn.Sequential, taps: tuple[int, int, int, int], frozen: bool) -> None:
        super().__init__()
        self.body = body
        self.taps = taps
        self.frozen = frozen
        if frozen:
            for p in self.parameters():
                p.requires_grad_(False)

    def train(self, mode: bool = True) -> Trunk:
        # A frozen trunk keeps its normalisation statistics in every mode.
        super().train(mode and not self.frozen)
        return self

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        out: dict[str, torch.Tensor] = {}
        names = iter(("c1", "c2", "c3", "c4"))
        for index, layer in enumerate(self.body):
            x = layer(x)
            if index in self.taps:
                out[next(names)] = x
            if index == self.taps[-1]:
                break
        return out


def _mobilenet_body() -> nn.Sequential:
    from torchvision.models.detection import ssdlite320_mobilenet_v3_large

    ssd = ssdlite320_mobilenet_v3_large(weights=None, weights_backbone=None, num_classes=91)
    return nn.Sequential(*ssd.backbone.features[0])


def _resnet_body() -> nn.Sequential:
    from torchvision.models import resnet50
    from torchvision.ops.misc import FrozenBatchNorm2d

    r = resnet50(weights=None, norm_layer=FrozenBatchNorm2d)
    return nn.Sequential(r.conv1, r.bn1, r.relu, r.maxpool, r.layer1, r.layer2, r.layer3)


def _tiny_body(channels: tuple[int, int, int, int]) -> nn.Sequential:
    layers = []
    previous = 3
    for c in channels:
        layers.append(
            nn.Sequential(
                nn.Conv2d(previous, c, 3, stride=2, padding=1),
                nn.ReLU(inplace=True),
                nn.Conv2d(c, c, 3, padding=1),
                nn.ReLU(inplace=True),
            )
        )
        previous = c
    body = nn.Sequential(*layers)
    for m in body.modules():
        if isinstance(m, nn.Conv2d):  # He init keeps activations alive through the 8 ReLU convs
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            nn.init.zeros_(m.bias)
    return body


def build_trunk(config: FairConfig) -> Trunk:
    """The trunk of ``config.trunk`` with random (or torchvision default) initial weights."""
    if config.trunk == "mobilenet_v3_large":
        body = _mobilenet_body()
    elif config.trunk == "resnet50":
        body = _resnet_body()
    else:
        body = _tiny_body(config.trunk_channels)
    return Trunk(body, _TAPS[config.trunk], frozen=config.freeze_trunk)


def init_trunk_from_file(trunk: Trunk, config: FairConfig, path: str | os.PathLike[str]) -> None:
    """Copy COCO-trained weights into ``trunk`` (strict: every trunk tensor must be found).

    ``mobilenet_v3_large``: a SSDLite320 MobileNetV3-Large state dict (``backbone.features.0.*``).
    ``resnet50``: a Mask R-CNN ResNet-50 FPN (v1) state dict (``backbone.body.*``).
    """
    from segmentation.checkpoints import load_state_dict_file

    state = load_state_dict_file(path)
    if config.trunk == "mobilenet_v3_large":
        source = {k[len("backbone.features.0.") :]: v for k, v in state.items() if k.startswith("backbone.features.0.")}
    elif config.trunk == "resnet50":
        renames = {"conv1": "0", "bn1": "1", "layer1": "4", "layer2": "5", "layer3": "6"}
        source = {}
        for key, value in state.items():
            if key.startswith("backbone.body."):
                head, _, rest = key[len("backbone.body.") :].partition(".")
                if head in renames:
                    source[f"{renames[head]}.{rest}"] = value
    else:
        raise ValueError("the tiny trunk has no pretrained weights")
    target = trunk.body.state_dict()
    missing = [k for k in target if k not in source]
    if missing:
        raise ValueError(
            f"{os.fspath(path)} lacks {len(missing)} trunk tensors for {config.trunk} (e.g. {missing[:3]})"
        )
    trunk.body.load_state_dict({k: source[k] for k in target}, strict=True)
