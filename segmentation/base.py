"""The :class:`Segmenter` interface and the inference pipeline shared by the torchvision backends.

Importing this module imports torch; :mod:`segmentation.registry` imports it only when a
segmenter is built.

Pipeline for one photo (``segment``), or several in one forward pass (``segment_batch``):

1. :func:`segmentation.preprocessing.load_image`: EXIF-upright RGB ``(W, H)``.
2. The backend's ``working_image``: antialiased resize to the working size ``(w, h)``.
3. ``uint8 (3, h, w)`` tensor on the device, ``float32`` in ``[0, 1]``; the model (eval mode,
   under ``torch.inference_mode()``) returns per image ``boxes float (N, 4)`` xyxy in working
   pixels, ``labels int64 (N,)`` COCO indices, ``scores float (N,)`` and, for mask backends,
   ``masks float (N, 1, h, w)`` probabilities pasted onto the working frame.
4. :meth:`Segmenter.to_instances`: drops ``N/A`` / background labels and scores below
   ``min_score``, scales boxes by ``(W / w, H / h)`` and clips them to the frame, thresholds masks
   (``> mask_threshold``, default 0.5) to ``bool (N, h, w)``, sorts by score.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import torch
from PIL import Image
from torch import nn

from segmentation.checkpoints import CheckpointError, load_state_dict_file
from segmentation.coco import COCO_CATEGORIES, NOT_A_CATEGORY
from segmentation.preprocessing import ImageSource, WorkingImage, load_image
from segmentation.registry import BackendSpec, IncompatibleWeights, WeightsUnavailable, get_backend
from segmentation.result import Instances

__all__ = ["Segmenter", "load_backend_weights", "resolve_device", "seeded", "set_torch_threads"]


class Segmenter:
    """A loaded instance-segmentation (or box-detection) model.

    Subclasses provide :meth:`working_image`. The model is loaded once, kept in eval mode on
    :attr:`device`, and every call runs under ``torch.inference_mode()``. Not thread-safe for
    concurrent calls that change :attr:`min_score`; inference itself may be called from several
    threads.

    Attributes:
        name: registry name (``Instances.model`` of the results).
        has_masks: whether results carry masks.
        device: where the model runs.
        model: the underlying torchvision model.
        categories: label index -> COCO name.
    """

    def __init__(
        self,
        model: nn.Module,
        *,
        name: str,
        has_masks: bool,
        device: torch.device,
        min_score: float,
        mask_threshold: float = 0.5,
        categories: Sequence[str] = COCO_CATEGORIES,
    ) -> None:
        self.name = name
        self.has_masks = has_masks
        self.device = device
        self.model = model.to(device).eval()
        self.mask_threshold = float(mask_threshold)
        self.categories = tuple(categories)
        self._valid_label = np.array([c not in NOT_A_CATEGORY for c in self.categories], dtype=bool)
        self._min_score = 0.0
        self.min_score = min_score

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, device={str(self.device)!r}, min_score={self.min_score})"

    # -- configuration ---------------------------------------------------------------------------
    @property
    def min_score(self) -> float:
        """Instances scoring below this are dropped; also pushed into the model's own threshold so
        that later stages (e.g. the mask head) skip them."""
        return self._min_score

    @min_score.setter
    def min_score(self, value: float) -> None:
        value = float(value)
        if not value >= 0.0:
            raise ValueError(f"min_score must be >= 0, got {value}")
        self._min_score = value
        self._set_model_score_threshold(value)

    def _set_model_score_threshold(self, value: float) -> None:
        """Hook for subclasses: set the model's internal score threshold."""

    def working_image(self, image: Image.Image) -> WorkingImage:
        """Resize an upright RGB image to the size the model runs at."""
        raise NotImplementedError

    # -- inference -----------------------------------------------------------------------------
    def segment(self, image: Image.Image) -> Instances:
        """Objects in one photo. ``image`` is treated like an upload: EXIF orientation is applied
        and it is converted to RGB (a no-op for images from :func:`load_image`)."""
        return self.segment_batch([image])[0]

    def segment_file(self, src: ImageSource) -> Instances:
        """Objects in the image at a path, in ``bytes`` or in a binary file object."""
        return self.segment(load_image(src))

    def segment_batch(self, images: Sequence[Image.Image]) -> list[Instances]:
        """Objects in several photos, run through the model in one forward pass (photos of
        different sizes are padded together by the model's transform)."""
        if not images:
            return []
        working = [self.working_image(load_image(image)) for image in images]
        tensors = [self._to_tensor(w.image) for w in working]
        with torch.inference_mode():
            outputs = self.model(tensors)
        return [self.to_instances(out, w) for out, w in zip(outputs, working, strict=True)]

    def _to_tensor(self, image: Image.Image) -> torch.Tensor:
        """``float32 (3, h, w)`` in ``[0, 1]`` on :attr:`device`."""
        array = np.array(image, dtype=np.uint8)  # (h, w, 3), a writable copy
        tensor = torch.from_numpy(array).permute(2, 0, 1).to(self.device)
        return tensor.to(torch.float32).div_(255.0)

    def to_instances(self, output: Mapping[str, torch.Tensor], working: WorkingImage) -> Instances:
        """Convert one model output (working-pixel coordinates) into :class:`Instances`."""
        scores = output["scores"].detach().float().cpu().numpy()
        labels = output["labels"].detach().cpu().numpy().astype(np.int64)
        boxes = output["boxes"].detach().float().cpu().numpy().reshape(-1, 4)
        in_range = (labels >= 0) & (labels < len(self.categories))
        valid = in_range & self._valid_label[np.where(in_range, labels, 0)]
        keep = np.flatnonzero(valid & (scores >= self._min_score))
        keep = keep[np.argsort(-scores[keep], kind="stable")]

        width, height = working.original_size
        sx, sy = working.scale
        boxes = boxes[keep] * np.array([sx, sy, sx, sy], dtype=np.float64)
        boxes[:, 0::2] = boxes[:, 0::2].clip(0, width)
        boxes[:, 1::2] = boxes[:, 1::2].clip(0, height)

        masks = None
        if self.has_masks:
            w, h = working.size
            if keep.size:
                index = torch.as_tensor(keep, device=output["masks"].device)
                masks = (output["masks"][index, 0] > self.mask_threshold).cpu().numpy()
            else:
                masks = np.zeros((0, h, w), dtype=bool)
        return Instances(
            image_size=(width, height),
            labels=tuple(self.categories[i] for i in labels[keep]),
            scores=scores[keep],
            boxes=boxes.astype(np.float32),
            masks=masks,
            model=self.name,
        )


# -- helpers for builders ------------------------------------------------------------------------
def resolve_device(device: str | torch.device = "auto") -> torch.device:
    """``"auto"`` -> ``cuda`` when available, else ``cpu``; anything else as ``torch.device``."""
    if isinstance(device, str) and device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def set_torch_threads(threads: int | None) -> None:
    """``torch.set_num_threads(threads)`` when given (process-wide; for small machines)."""
    if threads is not None:
        if threads < 1:
            raise ValueError(f"torch_threads must be >= 1, got {threads}")
        torch.set_num_threads(int(threads))


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Run a block with torch's CPU generator seeded, restoring the previous state afterwards
    (random-init test models are reproducible and do not disturb the caller's RNG)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


def load_backend_weights(
    model: nn.Module, spec: BackendSpec | str, weights_path: str | os.PathLike[str] | None
) -> None:
    """Load trained weights into ``model`` (strict).

    ``weights_path`` given: that state-dict file. Otherwise torchvision's weights API for
    ``spec.weights_enum``, which reads ``$TORCH_HOME/hub/checkpoints`` or downloads there.

    Raises:
        WeightsUnavailable: the file is missing, or torchvision could not download the weights.
        IncompatibleWeights: the file is not a state dict for this architecture.
    """
    spec = get_backend(spec) if isinstance(spec, str) else spec
    if weights_path is not None:
        try:
            state: Any = load_state_dict_file(weights_path)
        except FileNotFoundError:
            raise WeightsUnavailable(
                f"segmentation weights file {os.fspath(weights_path)} does not exist", (spec,)
            ) from None
        except CheckpointError as exc:
            raise IncompatibleWeights(str(exc), (spec,)) from exc
        source = os.fspath(weights_path)
    else:
        from urllib.error import URLError

        from torchvision.models import get_weight

        weights = get_weight(spec.weights_enum)
        try:
            state = weights.get_state_dict(progress=False, check_hash=True, map_location="cpu", weights_only=True)
        except (URLError, OSError, RuntimeError) as exc:
            raise WeightsUnavailable(
                f"could not load the {spec.name!r} weights: {spec.weights_file} is not in "
                f"{spec.cache_path().parent} and downloading {spec.weights_url} failed ({exc})",
                (spec,),
            ) from exc
        source = os.fspath(spec.cache_path())
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        missing = [k for k in model.state_dict() if k not in state]
        unexpected = [k for k in state if k not in model.state_dict()]
        detail = (
            f"{len(missing)} missing keys (e.g. {missing[:3]}), "
            f"{len(unexpected)} unexpected keys (e.g. {unexpected[:3]})"
            if missing or unexpected
            else str(exc).splitlines()[-1].strip()
        )
        raise IncompatibleWeights(f"{source} does not fit {spec.name!r}: {detail}", (spec,)) from exc
