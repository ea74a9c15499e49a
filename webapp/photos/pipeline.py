"""Photo → instances → description, shared by the worker, the API and ``manage.py describe``.

No ORM here: the same code describes a file on disk or a stored photo. The model is built once
per process (the first call), lazily, so a forked Celery worker never touches CUDA in its parent
(nor imports torch there: this module imports it only inside :func:`get_segmenter`).
"""

from __future__ import annotations

import functools
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from captioning import Description, describe
from captioning.salience import SalienceModel, load_model, model_for
from captioning.thresholds import score_floor
from segmentation.interface import RunOptions, Segmenter, SegmenterConfig
from segmentation.registry import WeightsUnavailable, build, options_for, problem, resolve_backend
from segmentation.result import Instances
from webapp.photos import reading

log = logging.getLogger(__name__)

_lock = threading.Lock()
_segmenter: Segmenter | None = None
_segmenter_error: WeightsUnavailable | SegmenterSettingError | None = None
_chosen: SegmenterConfig | None = None


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


class SegmenterSettingError(ValueError):
    """A ``SEGMENTER*`` setting that cannot be used (a typo: ``SEGMENTER_THREADS=two``,
    ``SEGMENTER_MIN_SCORE=abc``, an unknown backend); the message names the variable. Reported by
    ``manage.py check``, remembered by :func:`get_segmenter` like missing weights, and each photo
    is marked failed with it: the worker never crashes on it."""


def segmenter_config() -> SegmenterConfig:
    """The segmenter this process uses: ``pipeline.use_segmenter``'s choice, else the settings.

    The one place that reads the ``SEGMENTER*`` settings (backend, weights file, run options, and
    every backend option as given; the chosen backend takes the ones it declares).

    Raises:
        SegmenterSettingError: ``SEGMENTER_THREADS`` or ``SEGMENTER_BATCH_SIZE`` is not a whole
            number of 0 or more (backend options are converted by :func:`get_segmenter`).
    """
    if _chosen is not None:
        return _chosen
    return SegmenterConfig(
        backend=settings.SEGMENTER,
        weights=settings.SEGMENTER_WEIGHTS or None,
        run=RunOptions(
            device=settings.SEGMENTER_DEVICE,
            threads=_count("SEGMENTER_THREADS") or None,
            batch_size=_count("SEGMENTER_BATCH_SIZE"),
        ),
        options=settings.SEGMENTER_OPTIONS,
    )


def _count(name: str) -> int:
    value = getattr(settings, name)
    try:
        number = int(str(value).strip() or 0)
    except ValueError:
        number = -1
    if number < 0:
        raise SegmenterSettingError(f"{name} must be a whole number (0 for the default), got {value!r}")
    return number


def settings_problem() -> str | None:
    """What is wrong with the ``SEGMENTER*`` settings, naming the variable, or ``None``: the
    run options, the backend name, and each backend option's value converted to its type (this
    imports the chosen backend's module, torch for the torchvision ones, only when a backend
    option is set). Missing weights are not a settings problem (:func:`model_problem` says)."""
    try:
        config = segmenter_config()
    except SegmenterSettingError as exc:
        return str(exc)
    try:
        resolved = resolve_backend(config.backend, config.weights)
    except WeightsUnavailable:
        return None
    except ValueError as exc:  # an unknown backend name
        return f"SEGMENTER={config.backend!r}: {exc}"
    try:
        if config.options:
            options_for(resolved.spec, config.options)
    except ValueError as exc:  # the message names the SEGMENTER_<OPTION>
        return str(exc)
    return None


def use_segmenter(config: SegmenterConfig | None) -> None:
    """Use ``config`` instead of the settings in this process from now on (``describe --model``);
    ``None`` goes back to the settings. The next :func:`get_segmenter` builds it (a model already
    loaded for the same choice is kept)."""
    global _chosen
    with _lock:
        if config == _chosen:
            return
        _chosen = config
    reset_segmenter()


def get_segmenter() -> Segmenter:
    """The process-wide segmenter of :func:`segmenter_config`, built on first use.

    Raises:
        WeightsUnavailable: no weights / runtime for the chosen backend; the message says how to
            fix it. Remembered, so a worker without weights does not retry a download for every photo.
        SegmenterSettingError: an unknown backend name or a malformed setting or option value
            (``build``'s ``ValueError``), naming the variable. Remembered likewise.
    """
    global _segmenter, _segmenter_error
    with _lock:
        if _segmenter is not None:
            return _segmenter
        if _segmenter_error is not None:
            raise _segmenter_error
        try:
            segmenter = build(segmenter_config())
        except WeightsUnavailable as exc:
            _segmenter_error = exc
            log.error("No segmentation model: %s", exc)
            raise
        except ValueError as exc:
            # build's ValueErrors are the settings' (unknown backend, an option of the wrong type).
            named = exc if isinstance(exc, SegmenterSettingError) else None
            error = named or SegmenterSettingError(settings_problem() or str(exc))
            _segmenter_error = error
            log.error("No segmentation model: the settings cannot be used: %s", error)
            raise error from exc
        floor = score_floor(segmenter.name)
        if floor is not None and floor < segmenter.min_score:
            # The captioner's calibrated table names some classes from this score on (hedged);
            # the segmenter must not drop them first.
            segmenter.min_score = floor
        log.info(
            "Segmentation model %s on %s, min score %s", segmenter.name, segmenter.device_type, segmenter.min_score
        )
        _segmenter = segmenter
        return segmenter


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
    instances = reading.with_text(get_segmenter().segment_file(source), source)
    return Analysis(instances=instances, description=caption(instances))


def caption(instances: Instances) -> Description:
    """The description of a result, with this deployment's salience model."""
    return describe(instances, salience=salience_model(instances.model))


def salience_model(model: str = "") -> SalienceModel:
    """The model of ``CAPTION_SALIENCE_FILE`` (``manage.py learn_salience``), else the shipped one
    fitted on ``model``'s output (``Instances.model``: backend and weights file), else the general
    shipped one. A configured file that cannot be read is logged as an error (once per process: the answer is
    cached) and the shipped model used: a photo is still described, and the log says why not as
    configured."""
    path = settings.CAPTION_SALIENCE_FILE
    return _configured_salience(path) if path else model_for(model)


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
    """Why no alt text can be written, for the UI (a banner), without loading the model: the
    backend's own answer (no weights, wrong file, runtime missing: what to do about it), or the
    error the last load attempt raised."""
    if _segmenter_error is not None:
        return str(_segmenter_error)
    try:
        return problem(segmenter_config())
    except SegmenterSettingError as exc:
        return str(exc)
