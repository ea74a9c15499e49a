"""Photo → instances → description, shared by the worker, the API and ``manage.py describe``.

No ORM here: the same code describes a file on disk or a stored photo. The model is built once
per process (the first call), lazily, so a forked Celery worker never touches CUDA in its parent
(nor imports torch there: this module imports it only inside :func:`get_segmenter`).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from captioning import Description, describe
from captioning.salience import SalienceModel, load_model
from captioning.thresholds import score_floor
from segmentation.registry import WeightsUnavailable, build_segmenter, resolve_backend
from segmentation.result import Instances

log = logging.getLogger(__name__)

_lock = threading.Lock()
_segmenter: Any = None
_segmenter_error: WeightsUnavailable | None = None


@dataclass(frozen=True)
class Analysis:
    instances: Instances
    description: Description

    def objects_json(self) -> list[dict[str, Any]]:
        return [obj.to_dict() for obj in self.description.objects if obj.certainty != "dropped"]

    def to_json(self) -> dict[str, Any]:
        """What ``describe --json`` prints and the API returns (minus per-photo fields)."""
        return {
            "model": self.instances.model,
            "alt_text": self.description.alt_text,
            "long_description": self.description.long_description,
            "objects": self.objects_json(),
        }


def get_segmenter() -> Any:
    """The process-wide segmenter chosen by ``SEGMENTER`` / ``SEGMENTER_WEIGHTS``.

    Raises:
        WeightsUnavailable: no weights for the chosen backend; the message says how to get them.
            Remembered, so a worker without weights does not retry a download for every photo.
    """
    global _segmenter, _segmenter_error
    with _lock:
        if _segmenter is not None:
            return _segmenter
        if _segmenter_error is not None:
            raise _segmenter_error
        try:
            _segmenter = build_segmenter(
                settings.SEGMENTER,
                weights_path=settings.SEGMENTER_WEIGHTS,
                device=settings.SEGMENTER_DEVICE,
                **({"torch_threads": settings.SEGMENTER_THREADS} if settings.SEGMENTER_THREADS else {}),
                **speed_options(),
            )
        except WeightsUnavailable as exc:
            _segmenter_error = exc
            log.error("No segmentation model: %s", exc)
            raise
        floor = score_floor(_segmenter.name)
        if floor is not None and floor < _segmenter.min_score:
            # The captioner's calibrated table names some classes from this score on (hedged);
            # the segmenter must not drop them first.
            _segmenter.min_score = floor
        segmenter = _segmenter
        log.info("Segmentation model %s on %s, min score %s", segmenter.name, segmenter.device, segmenter.min_score)
        return _segmenter


def speed_options() -> dict[str, Any]:
    """The ``SEGMENTER_*`` speed settings as builder keywords, ``auto`` resolved for the device,
    for backends whose builder takes them (the torchvision ones); ``{}`` for the others.

    Imports torch (to see whether CUDA is there): call it only where the model is built, in the
    worker's child process, never in the process that forks it.
    """
    try:
        builder = _builder_of(resolve_backend(settings.SEGMENTER, settings.SEGMENTER_WEIGHTS).spec.builder)
    except (WeightsUnavailable, ValueError):
        return {}  # building raises the proper error
    accepted = inspect.signature(builder).parameters
    from segmentation.base import resolve_device

    cuda = resolve_device(settings.SEGMENTER_DEVICE).type == "cuda"
    options: dict[str, Any] = {
        "precision": settings.SEGMENTER_PRECISION,
        "channels_last": _auto_flag(settings.SEGMENTER_CHANNELS_LAST, cuda),
        "decode": ("torch" if cuda else "pil") if settings.SEGMENTER_DECODE == "auto" else settings.SEGMENTER_DECODE,
        "compile_backbone": settings.SEGMENTER_COMPILE,
    }
    if "min_size" in accepted:  # the working size of the Mask R-CNN backends
        if settings.SEGMENTER_MIN_SIZE:
            options["min_size"] = settings.SEGMENTER_MIN_SIZE
        if settings.SEGMENTER_MAX_SIZE:
            options["max_size"] = settings.SEGMENTER_MAX_SIZE
    return {k: v for k, v in options.items() if k in accepted}


def _builder_of(path: str) -> Any:
    module_name, _, attr = path.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def _auto_flag(value: str, auto: bool) -> bool:
    value = value.strip().lower()
    return auto if value in {"", "auto"} else value in {"1", "true", "yes", "on"}


def reset_segmenter() -> None:
    """Forget the loaded model (tests, and after settings change)."""
    global _segmenter, _segmenter_error
    with _lock:
        _segmenter = None
        _segmenter_error = None


def analyse(source: str | Path | IO[bytes]) -> Analysis:
    """Segment and describe one image file (any format Pillow reads, EXIF-rotated), decoded the
    fast way (JPEG at reduced scale, or on the GPU). The worker batches through
    ``services.process_claimed`` instead."""
    instances = get_segmenter().segment_file(source)
    return Analysis(instances=instances, description=caption(instances))


def caption(instances: Instances) -> Description:
    """The description of a result, with this deployment's salience model."""
    return describe(instances, salience=salience_model())


def salience_model() -> SalienceModel:
    """The model of ``CAPTION_SALIENCE_FILE`` (``manage.py learn_salience``), else the shipped one.
    A configured file that cannot be read is logged as an error (once per process: the answer is
    cached) and the shipped model used: a photo is still described, and the log says why not as
    configured."""
    path = settings.CAPTION_SALIENCE_FILE
    return _configured_salience(path) if path else load_model()


@functools.lru_cache(maxsize=4)
def _configured_salience(path: str) -> SalienceModel:
    try:
        if not Path(path).is_file():  # load_model answers a missing file with its fallback
            raise FileNotFoundError(path)
        return load_model(path)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.error(
            "CAPTION_SALIENCE_FILE %s is not used (%s: %s); describing with the shipped model",
            path,
            type(exc).__name__,
            exc,
        )
        return load_model()


def model_problem() -> str | None:
    """A sentence for the UI when no weights can be found for the configured backend, without
    loading the model (cheap enough for every page)."""
    try:
        resolved = resolve_backend(settings.SEGMENTER, settings.SEGMENTER_WEIGHTS)
    except (WeightsUnavailable, ValueError) as exc:
        return str(exc)
    if _segmenter_error is not None:
        return str(_segmenter_error)
    if not resolved.available:
        if not resolved.spec.weights_enum:
            # Nothing to download: the backend is trained by the project's own command, so say
            # what its builder's WeightsUnavailable says (how to train the weights).
            from segmentation.fair import BACKEND_NAME as FAIR_BACKEND
            from segmentation.fair import no_weights_message

            if resolved.name == FAIR_BACKEND:
                return no_weights_message(resolved.weights_file)
            return f"No weights for {resolved.name} on this machine ({resolved.weights_file}) and none to download."
        return (
            f"The weights for {resolved.name} are not on this machine yet ({resolved.weights_file}); "
            "the worker will try to download them when it starts."
        )
    return None
