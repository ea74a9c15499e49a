"""The FAIR 2016 pipeline as a segmentation backend: DeepMask/SharpMask proposals + a
MultiPathNet-style classifier (backend name ``sharpmask_multipathnet``).

Implemented from ``shared/specs/deepmask-sharpmask-multipathnet.md`` (no code ported). One file
per part:

============================== ==================================================================
``config.py``                  :class:`FairConfig`: every size, presets ``mobilenet_v3_large``
                               (default, COCO-trained SSDLite trunk), ``resnet50`` (Mask R-CNN
                               body) and ``tiny`` (CPU tests). Torch-free.
``trunk.py``                   the shared trunk: ``{c1 /2, c2 /4, c3 /8, c4 /16}`` feature maps.
``deepmask.py``                DeepMask heads (shared "head C" embedding, mask, objectness), run
                               on patches or convolutionally on whole images.
``sharpmask.py``               SharpMask refinement modules (skip + top-down paths).
``multipathnet.py``            the foveal classifier (1x/1.5x/2x/4x regions, skip features,
                               integral-loss heads).
``model.py``                   :class:`~segmentation.fair.model.FairModel`: multi-scale
                               proposals, pasting, classification and post-processing.
``backend.py``                 the registered builder and the weights file format.
``data.py``                    COCO-format samplers (DeepMask patches, MultiPathNet RoIs) and a
                               synthetic COCO-format set for tests.
``train.py`` / ``evaluate.py`` command lines (``python -m segmentation.fair.train`` /
                               ``python -m segmentation.fair.evaluate``).
============================== ==================================================================

Importing this package does not import torch.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from segmentation.registry import ResolvedBackend

BACKEND_NAME = "sharpmask_multipathnet"

__all__ = ["BACKEND_NAME", "TRAIN_HELP", "no_weights_message", "weights_problem"]

TRAIN_HELP = (
    "Train them with the project's own command (COCO-format data; the default trunk is the COCO-trained "
    "MobileNetV3 of ../shared/models/ssdlite320_mobilenet_v3_large_coco-dequantized_int8.pth):\n"
    "  .venv/bin/python -m segmentation.fair.train --stage all --images DIR/images --instances DIR/instances.json "
    "--out var/fair/coco\n"
    "then set SEGMENTER=sharpmask_multipathnet SEGMENTER_WEIGHTS=var/fair/coco/sharpmask_multipathnet_coco.pth "
    "(or copy that file to {cache})."
)


def no_weights_message(path: str | os.PathLike[str]) -> str:
    """What the builder's ``WeightsUnavailable`` says when no weights file was given and ``path``
    (the file looked for in ``$TORCH_HOME/hub/checkpoints``) is missing (torch-free, for the UI)."""
    return (
        f"no {BACKEND_NAME} weights: {os.fspath(path)} does not exist and SEGMENTER_WEIGHTS is not set. "
        + TRAIN_HELP.format(cache=os.fspath(path))
    )


def weights_problem(resolved: ResolvedBackend) -> str | None:
    """The backend's answer to "what is wrong": nothing to download, so a missing file means
    training one (the same text as the builder's ``WeightsUnavailable``)."""
    if resolved.available:
        return None
    if resolved.explicit:
        return f"segmentation weights file {resolved.weights_file} does not exist"
    return no_weights_message(resolved.weights_file)
