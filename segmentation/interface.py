"""The one segmenter interface every backend implements, whatever runs the model (torch, TFLite,
ONNX), and the typed options that configure one.

Torch-free (the web process imports it). A backend is one file that provides:

* a class satisfying :class:`Segmenter` (prepare photos, infer, return
  :class:`~segmentation.result.Instances`);
* a keyword-only builder (``weights_path``, ``random_init``, ``device``, ``torch_threads`` and
  its options' fields);
* its options, a frozen dataclass deriving from :class:`BackendOptions` (working size,
  precision, score floor...), built from plain setting values by :meth:`BackendOptions.from_values`;
* optionally a torch-free ``problem(resolved)`` saying what is wrong and how to fix it;

and one :func:`segmentation.registry.register_backend` entry naming them. Nothing outside
``segmentation/`` knows which option belongs to which architecture: the web app hands every
``SEGMENTER_<OPTION>`` setting to :func:`segmentation.registry.build` inside a
:class:`SegmenterConfig`, and the chosen backend's options class takes the ones it declares.
"""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar, runtime_checkable

import numpy as np
from PIL import Image

from segmentation.preprocessing import ImageSource
from segmentation.result import Instances

__all__ = [
    "BackendOptions",
    "Prepared",
    "RunOptions",
    "Segmenter",
    "SegmenterConfig",
    "checked_min_score",
    "original_boxes",
]

_O = TypeVar("_O", bound="BackendOptions")


@runtime_checkable
class Prepared(Protocol):
    """One decoded photo ready for :meth:`Segmenter.infer` (backend-specific contents)."""

    @property
    def original_size(self) -> tuple[int, int]:
        """``(W, H)`` of the upright original photo."""
        ...


@runtime_checkable
class Segmenter(Protocol):
    """A loaded instance-segmentation (or box-detection) model.

    Attributes:
        name: ``Instances.model`` of its results: the registry name, or ``name:weights-file-stem``
            for backends whose weights file *is* the model (``yolo_seg:yolo11n-seg_int8``).
        has_masks: whether results carry masks.
        device_type: ``"cpu"`` or ``"cuda"``: where inference runs.
        min_score: instances scoring below it are dropped (settable).

    The worker's two steps are :meth:`prepare_many` (decode, per-photo errors) and
    :meth:`infer` (the model); the others are conveniences built on them. :meth:`infer` is
    ``decode_outputs(forward(prepared), prepared)`` in every backend: :meth:`forward` is the model alone
    (what a benchmark compares the rest of the pipeline with), :meth:`decode_outputs` turns its raw
    outputs (backend-specific) into :class:`Instances`.
    """

    name: str
    has_masks: bool

    @property
    def device_type(self) -> str: ...

    @property
    def min_score(self) -> float: ...

    @min_score.setter
    def min_score(self, value: float) -> None: ...

    def prepare_many(self, sources: Sequence[ImageSource]) -> list[Any]:
        """Each source (a path, the file's ``bytes`` or a binary file object: the web app's
        worker passes the bytes it read from object storage) decoded (EXIF-upright) and made ready
        for :meth:`infer`, or the exception that photo raised, in its place."""
        ...

    def infer(self, prepared: Sequence[Any]) -> list[Instances]:
        """Results of prepared photos, in order: ``decode_outputs(forward(prepared), prepared)``."""
        ...

    def forward(self, prepared: Sequence[Any]) -> list[Any]:
        """The model's forward pass alone: per prepared photo, in order, its raw outputs
        (backend-specific: a torchvision output dict, a runtime's output tensors), nothing
        decoded."""
        ...

    def decode_outputs(self, raw: Sequence[Any], prepared: Sequence[Any]) -> list[Instances]:
        """:meth:`forward`'s outputs of ``prepared`` -> their :class:`Instances` (score floor,
        boxes in original pixels, masks at working size), in order."""
        ...

    def segment(self, image: Image.Image) -> Instances: ...

    def segment_batch(self, images: Sequence[Image.Image]) -> list[Instances]: ...

    def segment_file(self, src: ImageSource) -> Instances: ...

    def segment_files(self, sources: Sequence[ImageSource]) -> list[Instances]: ...


def checked_min_score(value: float) -> float:
    """``value`` as the float a :attr:`Segmenter.min_score` setter stores.

    Raises:
        ValueError: ``value`` is negative (or NaN).
    """
    value = float(value)
    if not value >= 0.0:
        raise ValueError(f"min_score must be >= 0, got {value}")
    return value


def original_boxes(boxes: np.ndarray, scale: tuple[float, float], original_size: tuple[int, int]) -> np.ndarray:
    """Working-frame boxes ``float (N, 4)`` xyxy as ``float32`` boxes in original pixels, clipped to
    the photo (``original_size`` is ``(width, height)``; ``scale`` is original / working per axis):
    the coordinates every backend's :class:`Instances` carries."""
    sx, sy = scale
    width, height = original_size
    out = np.asarray(boxes, dtype=np.float64) * np.array([sx, sy, sx, sy])
    out[:, 0::2] = out[:, 0::2].clip(0, width)
    out[:, 1::2] = out[:, 1::2].clip(0, height)
    return out.astype(np.float32)


@dataclass(frozen=True)
class RunOptions:
    """How a segmenter runs, for every backend.

    Attributes:
        device: ``"auto"`` (CUDA when the backend's runtime has it), ``"cpu"``, ``"cuda"``, ``"cuda:1"``.
        threads: CPU threads of the runtime; ``None`` = its default.
        batch_size: photos per forward pass; 0 = auto (8 on CUDA, 1 on the CPU).
    """

    device: str = "auto"
    threads: int | None = None
    batch_size: int = 0

    def __post_init__(self) -> None:
        if self.threads is not None and self.threads < 1:
            raise ValueError(f"threads must be >= 1 or None, got {self.threads}")
        if self.batch_size < 0:
            raise ValueError(f"batch_size must be >= 0, got {self.batch_size}")

    def batch_for(self, device_type: str) -> int:
        """The batch size to use on ``device_type``."""
        return self.batch_size or (8 if device_type == "cuda" else 1)


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _convert(value: Any, kind: Any, name: str) -> Any:
    """``value`` (a setting string or a typed value) as the annotated ``kind``."""
    args = typing.get_args(kind)
    if typing.get_origin(kind) in (typing.Union, types.UnionType) and type(None) in args:
        if value is None or (isinstance(value, str) and value.strip().lower() in {"", "auto", "none"}):
            return None
        kind = next(a for a in args if a is not type(None))
    if not isinstance(value, str):
        return value
    text = value.strip()
    if kind is bool:
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        raise ValueError(f"{name} must be one of 1/0/true/false/yes/no/on/off (or auto where allowed), got {value!r}")
    if kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            raise ValueError(f"{name} must be a number, got {value!r}") from None
    return text


@dataclass(frozen=True)
class BackendOptions:
    """Base of every backend's options dataclass (a backend adds its own fields).

    A field's name is its setting: ``SEGMENTER_<NAME>`` in the environment (``min_score`` is
    ``SEGMENTER_MIN_SCORE``); ``metadata={"setting": "other"}`` names it differently.

    Attributes:
        min_score: detections below this score are dropped.
    """

    min_score: float = 0.25

    @classmethod
    def setting_names(cls) -> dict[str, str]:
        """setting name (lower case, without ``SEGMENTER_``) -> field name."""
        return {f.metadata.get("setting", f.name): f.name for f in dataclasses.fields(cls)}

    @classmethod
    def from_values(cls: type[_O], values: Mapping[str, Any]) -> tuple[_O, tuple[str, ...]]:
        """These options from setting values (strings from the environment, or typed values),
        each converted to its field's type; missing ones keep their defaults.

        Returns:
            ``(options, unused)``: ``unused`` names the values this backend has no option for.

        Raises:
            ValueError: a value that cannot be converted (the message names the setting).
        """
        hints = typing.get_type_hints(cls)
        names = cls.setting_names()
        kwargs: dict[str, Any] = {}
        for setting, value in values.items():
            if setting in names:
                field_name = names[setting]
                kwargs[field_name] = _convert(value, hints[field_name], f"SEGMENTER_{setting.upper()}")
        unused = tuple(sorted(k for k in values if k not in names))
        return cls(**kwargs), unused

    def builder_kwargs(self) -> dict[str, Any]:
        """The builder's keywords for these options (field names)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


@dataclass(frozen=True)
class SegmenterConfig:
    """Everything that chooses and configures the segmenter, read from settings in one place
    (``webapp.photos.pipeline.segmenter_config``).

    Attributes:
        backend: a registered name or ``"auto"``.
        weights: the weights / model file, or ``None`` (torchvision's cache or download).
        run: device, threads, batch size.
        options: backend options by setting name (``{"min_size": "640", "precision": "bf16"}``);
            the chosen backend's options class takes those it declares.
    """

    backend: str = "auto"
    weights: Path | None = None
    run: RunOptions = field(default_factory=RunOptions)
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.weights is not None and not isinstance(self.weights, Path):
            object.__setattr__(self, "weights", Path(os.path.expanduser(os.fspath(self.weights))))
        object.__setattr__(self, "options", types.MappingProxyType(dict(self.options)))

    def with_model(self, backend: str | None = None, weights: str | os.PathLike[str] | None = None) -> SegmenterConfig:
        """This config with another backend and/or weights file (``None`` keeps the current one)."""
        return dataclasses.replace(
            self,
            backend=backend or self.backend,
            weights=Path(os.fspath(weights)) if weights is not None else self.weights,
        )
