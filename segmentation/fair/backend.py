"""The ``sharpmask_multipathnet`` backend: builder, segmenter and weights file format.

Weights file: one ``torch.save`` state dict holding every stage (``trunk.*``, ``deepmask.*``,
``sharpmask.*``, ``multipathnet.*``) plus ``_fair_config``, the :class:`FairConfig` as UTF-8 JSON
bytes in a ``uint8`` tensor (so ``torch.load(weights_only=True)`` reads it and the registry's
key reader recognises the file by its keys). Written by ``python -m segmentation.fair.train``.

Builders never download and never run random weights unless ``random_init=True`` (tests): with
no weights file they raise :class:`~segmentation.registry.WeightsUnavailable` saying how to train
them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from PIL import Image

from segmentation.base import TorchSegmenter, resolve_device, seeded, set_torch_threads
from segmentation.checkpoints import CheckpointError, load_state_dict_file
from segmentation.fair import BACKEND_NAME, TRAIN_HELP, no_weights_message
from segmentation.fair.config import FairConfig, make_config
from segmentation.fair.model import FairModel
from segmentation.interface import BackendOptions
from segmentation.preprocessing import WorkingImage, fit_size, resize_to_working
from segmentation.registry import IncompatibleWeights, WeightsUnavailable, get_backend

__all__ = [
    "CONFIG_KEY",
    "REQUIRED_STAGES",
    "TRAIN_HELP",
    "FairOptions",
    "FairSegmenter",
    "build_sharpmask_multipathnet",
    "load_weights",
    "save_weights",
]

CONFIG_KEY = "_fair_config"
REQUIRED_STAGES = ("deepmask", "sharpmask", "multipathnet")


def save_weights(model: FairModel, path: str | os.PathLike[str], config: FairConfig | None = None) -> None:
    """Write ``model``'s state dict and its config (``config`` or ``model.config``) to ``path``."""
    config = model.config if config is None else config
    state = dict(model.state_dict())
    state[CONFIG_KEY] = torch.tensor(list(config.to_json().encode("utf-8")), dtype=torch.uint8)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(f"{os.fspath(path)}.tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


def load_weights(path: str | os.PathLike[str]) -> tuple[FairConfig, dict[str, torch.Tensor]]:
    """``(config, state_dict without the config entry)`` of a weights file.

    Raises:
        WeightsUnavailable: the file does not exist.
        IncompatibleWeights: not a state dict, or not one written for this backend.
    """
    spec = get_backend(BACKEND_NAME)
    try:
        state = dict(load_state_dict_file(path))
    except FileNotFoundError:
        raise WeightsUnavailable(f"segmentation weights file {os.fspath(path)} does not exist", (spec,)) from None
    except CheckpointError as exc:
        raise IncompatibleWeights(str(exc), (spec,)) from exc
    raw = state.pop(CONFIG_KEY, None)
    if not isinstance(raw, torch.Tensor):
        raise IncompatibleWeights(f"{os.fspath(path)} is not a {BACKEND_NAME} weights file (no {CONFIG_KEY})", (spec,))
    try:
        config = FairConfig.from_json(bytes(raw.tolist()).decode("utf-8"))
    except (ValueError, TypeError) as exc:
        raise IncompatibleWeights(f"{os.fspath(path)}: unreadable {CONFIG_KEY} ({exc})", (spec,)) from exc
    return config, state


@dataclass(frozen=True)
class FairOptions(BackendOptions):
    """The score floor only: sizes and proposal counts come with the weights file (its
    :class:`FairConfig`); builder overrides change them for experiments."""


class FairSegmenter(TorchSegmenter):
    """Segmenter around :class:`FairModel`: boxes ``float32 (N, 4)`` xyxy in original pixels,
    masks ``bool (N, h, w)`` at the working size ``fit_size((W, H), min_size, max_size)``."""

    def __init__(self, model: FairModel, *, device: torch.device, min_score: float) -> None:
        self.min_size = model.config.min_size
        self.max_size = model.config.max_size
        super().__init__(model, name=BACKEND_NAME, has_masks=True, device=device, min_score=min_score)

    def _set_model_score_threshold(self, value: float) -> None:
        self.model.score_thresh = value

    def working_size(self, size: tuple[int, int]) -> tuple[int, int]:
        """Working ``(w, h)`` of an upright photo of ``size = (W, H)`` (never upscaled)."""
        return fit_size(size, min_size=self.min_size, max_size=self.max_size, max_upscale=1.0)

    def working_image(self, image: Image.Image) -> WorkingImage:
        return resize_to_working(image, min_size=self.min_size, max_size=self.max_size, max_upscale=1.0)


def _inference_overrides(overrides: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(overrides)
    # Shared test/bench options of the torchvision backends.
    if "box_detections_per_img" in out:
        out["detections_per_img"] = out.pop("box_detections_per_img")
    for key in ("rpn_pre_nms_top_n_test", "rpn_post_nms_top_n_test", "detections_per_img_ssd"):
        out.pop(key, None)
    return out


def build_sharpmask_multipathnet(
    *,
    weights_path: str | os.PathLike[str] | None = None,
    random_init: bool = False,
    device: str | torch.device = "auto",
    min_score: float = 0.25,
    torch_threads: int | None = None,
    seed: int = 0,
    config: str | FairConfig = "mobilenet_v3_large",
    **overrides: Any,
) -> FairSegmenter:
    """DeepMask/SharpMask proposals + MultiPathNet classifier, trained by
    ``python -m segmentation.fair.train``.

    Args:
        weights_path: a weights file written by the training command; ``None`` -> the file
            ``sharpmask_multipathnet_coco.pth`` in ``$TORCH_HOME/hub/checkpoints`` if present.
        random_init: tests only: seeded random weights for ``config`` (nothing loaded).
        device: ``"auto"``, ``"cpu"``, ``"cuda"``...
        min_score: class-probability threshold of detections.
        torch_threads: ``torch.set_num_threads`` value, if given.
        seed: seed of the random-init weights.
        config: preset name or :class:`FairConfig` for ``random_init`` (a weights file carries its
            own config).
        **overrides: :class:`FairConfig` fields, e.g. ``min_size=320, max_size=512``,
            ``n_proposals=100``, ``scales=(0.5, 1.0)``, ``refine=True`` (SharpMask masks),
            ``detections_per_img=20`` (alias ``box_detections_per_img``). With a weights file
            only inference fields make sense; an override that changes the architecture makes
            loading fail.

    Raises:
        WeightsUnavailable: no weights file (the message says how to train one).
        IncompatibleWeights: the file is not a complete ``sharpmask_multipathnet`` weights file.
    """
    if random_init and weights_path is not None:
        raise ValueError("random_init=True cannot be combined with weights_path")
    set_torch_threads(torch_threads)
    overrides = _inference_overrides(overrides)
    spec = get_backend(BACKEND_NAME)
    if random_init:
        cfg = make_config(config, **overrides)
        with seeded(seed):
            model = FairModel(cfg)
    else:
        path = Path(weights_path) if weights_path is not None else spec.cache_path()
        if weights_path is None and not path.is_file():
            raise WeightsUnavailable(no_weights_message(path), ())
        stored, state = load_weights(path)
        missing = [s for s in REQUIRED_STAGES if s not in stored.stages]
        if missing:
            raise IncompatibleWeights(
                f"{path} holds an unfinished {BACKEND_NAME} model "
                f"(stages trained: {', '.join(stored.stages) or 'none'}; "
                f"missing: {', '.join(missing)}). Continue training with "
                f"`python -m segmentation.fair.train --stage {missing[0]} --out {path.parent}`.",
                (),
            )
        try:
            cfg = make_config(stored, **overrides)
        except TypeError as exc:
            raise TypeError(f"{BACKEND_NAME}: {exc}") from None
        model = FairModel(cfg)
        try:
            model.load_state_dict(state, strict=True)
        except RuntimeError as exc:
            raise IncompatibleWeights(
                f"{path} does not fit {BACKEND_NAME} with these options: {str(exc).splitlines()[0]}", (spec,)
            ) from exc
    return FairSegmenter(model, device=resolve_device(device), min_score=min_score)
