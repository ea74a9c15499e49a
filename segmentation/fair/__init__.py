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

BACKEND_NAME = "sharpmask_multipathnet"

__all__ = ["BACKEND_NAME"]
