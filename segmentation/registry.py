"""Named segmentation backends, weight resolution and the :func:`build_segmenter` entry point.

This module never imports torch at import time: the web process imports it to ask which backend
would run (:func:`resolve_backend`) and to show helpful errors (:class:`WeightsUnavailable`)
without paying for the model stack. Torch is imported when a segmenter is built.

Backends, best first (``auto`` picks the best one whose weights are on hand):

================================= ===== ==========================================================
name                              masks weights
================================= ===== ==========================================================
``maskrcnn_resnet50_fpn_v2``      yes   torchvision ``MaskRCNN_ResNet50_FPN_V2_Weights.COCO_V1``
``maskrcnn_resnet50_fpn``         yes   torchvision ``MaskRCNN_ResNet50_FPN_Weights.COCO_V1``
``yolo_seg``                      yes   an Ultralytics YOLO-seg export (``.tflite`` / ``.onnx``)
``ssdlite320_mobilenet_v3_large`` no    torchvision ``SSDLite320_MobileNet_V3_Large_Weights.COCO_V1``
``sharpmask_multipathnet``        yes   trained by ``python -m segmentation.fair.train``
================================= ===== ==========================================================

Weights come from, in order: the ``weights_path`` argument, the ``SEGMENTER_WEIGHTS`` environment
variable, torchvision's cache (``$TORCH_HOME/hub/checkpoints``), or (explicit names only) a
download by torchvision when the segmenter is built. :func:`download_weights` fetches them
ahead of time (``manage.py fetch_weights``).

Adding a backend: one file in ``segmentation/`` (see :mod:`segmentation.interface`) and one
:func:`register_backend` entry below.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from segmentation.checkpoints import CheckpointError, read_state_dict_keys

if TYPE_CHECKING:
    from segmentation.interface import BackendOptions, Segmenter, SegmenterConfig

__all__ = [
    "WEIGHTS_ENV_VAR",
    "BackendSpec",
    "IncompatibleWeights",
    "ResolvedBackend",
    "RuntimeUnavailable",
    "WeightsUnavailable",
    "available_backends",
    "backend_names",
    "build",
    "build_segmenter",
    "download_weights",
    "get_backend",
    "load_object",
    "options_for",
    "problem",
    "register_backend",
    "resolve_backend",
    "torch_hub_checkpoints_dir",
    "torchvision_weights_problem",
]

log = logging.getLogger(__name__)

#: Environment variable naming a state-dict file, used when ``weights_path`` is not given.
WEIGHTS_ENV_VAR = "SEGMENTER_WEIGHTS"


@dataclass(frozen=True)
class BackendSpec:
    """Static description of one backend.

    Attributes:
        name: registry name, also ``Instances.model`` of its results.
        has_masks: whether results carry instance masks (else boxes only).
        weights_enum: torchvision weights enum member, as accepted by
            ``torchvision.models.get_weight`` (``"MaskRCNN_ResNet50_FPN_Weights.COCO_V1"``).
        weights_url: that member's download URL; its basename is :attr:`weights_file`.
        builder: ``"module:function"`` of the keyword-only builder returning a
            :class:`~segmentation.interface.Segmenter`.
        options: ``"module:Class"`` of the backend's options dataclass (a
            :class:`~segmentation.interface.BackendOptions`), whose fields are builder keywords.
        description: one line for humans.
        signature_keys: state-dict keys that only this architecture has; a weights file whose
            keys include all of them "fits" the backend (strict loading still checks the rest).
        recognises: ``"module:function"`` of a cheap ``(path) -> bool`` check, for backends whose
            weights are not a state dict (an exported model file): it tells the file's format by
            its bytes. Empty for state-dict backends (:attr:`signature_keys` decide).
        problem: ``"module:function"`` of a cheap, torch-free ``(ResolvedBackend) -> str | None``:
            what is wrong with running the backend with these weights and how to fix it
            (``None``: nothing); the default is :func:`torchvision_weights_problem`.
        published_box_ap: the box AP (COCO val2017, IoU 0.50:0.95, as a fraction) its authors
            publish for the official weights, or ``None``; with :attr:`published_mask_ap` it ranks
            the backend for ``auto`` (:func:`backend_names`) and fills the model-zoo table's rows
            of backends with no weights on hand (``bench/model_zoo.py``). Figures measured here
            live in ``bench/README.md``.
        published_mask_ap: the same for masks (``None`` for a boxes-only backend).
        published_source: where those figures come from.
    """

    name: str
    has_masks: bool
    weights_enum: str
    weights_url: str
    builder: str
    description: str
    signature_keys: tuple[str, ...]
    options: str
    recognises: str = ""
    problem: str = "segmentation.registry:torchvision_weights_problem"
    published_box_ap: float | None = None
    published_mask_ap: float | None = None
    published_source: str = ""

    @property
    def rank(self) -> tuple[int, int, float, float]:
        """``auto``'s order, best first when sorted descending: backends with published figures
        before those without (FAIR's rebuild, trained here: no figures to stand on), masks before
        boxes only (masks are what the captioner's words need), then published mask AP, box AP."""
        return (
            int(self.published_box_ap is not None),
            int(self.has_masks),
            self.published_mask_ap or 0.0,
            self.published_box_ap or 0.0,
        )

    @property
    def weights_file(self) -> str:
        """File name torchvision caches the official weights under, e.g.
        ``maskrcnn_resnet50_fpn_coco-bf2d0c1e.pth``."""
        return self.weights_url.rsplit("/", 1)[-1]

    def cache_path(self) -> Path:
        """Where torchvision keeps (or would download) the official weights."""
        return torch_hub_checkpoints_dir() / self.weights_file

    def fits(self, keys: Iterable[str]) -> bool:
        """Whether a state dict with these keys looks like this architecture."""
        keys = set(keys)
        return bool(self.signature_keys) and all(k in keys for k in self.signature_keys)


_REGISTRY: dict[str, BackendSpec] = {}


def register_backend(spec: BackendSpec) -> BackendSpec:
    """Add ``spec`` to the registry (a name can be registered once)."""
    if spec.name in _REGISTRY or spec.name == "auto":
        raise ValueError(f"segmentation backend {spec.name!r} is already registered or reserved")
    _REGISTRY[spec.name] = spec
    return spec


register_backend(
    BackendSpec(
        name="maskrcnn_resnet50_fpn_v2",
        has_masks=True,
        published_box_ap=0.474,
        published_mask_ap=0.418,
        published_source="torchvision MaskRCNN_ResNet50_FPN_V2_Weights.COCO_V1, COCO val2017",
        weights_enum="MaskRCNN_ResNet50_FPN_V2_Weights.COCO_V1",
        weights_url="https://download.pytorch.org/models/maskrcnn_resnet50_fpn_v2_coco-73cbd019.pth",
        builder="segmentation.maskrcnn:build_maskrcnn_resnet50_fpn_v2",
        options="segmentation.maskrcnn:MaskRCNNOptions",
        description="Mask R-CNN ResNet-50 FPN v2 (torchvision): best masks, slowest",
        signature_keys=("roi_heads.box_head.0.0.weight", "roi_heads.mask_predictor.mask_fcn_logits.weight"),
    )
)
register_backend(
    BackendSpec(
        name="maskrcnn_resnet50_fpn",
        has_masks=True,
        published_box_ap=0.379,
        published_mask_ap=0.346,
        published_source="torchvision MaskRCNN_ResNet50_FPN_Weights.COCO_V1, COCO val2017",
        weights_enum="MaskRCNN_ResNet50_FPN_Weights.COCO_V1",
        weights_url="https://download.pytorch.org/models/maskrcnn_resnet50_fpn_coco-bf2d0c1e.pth",
        builder="segmentation.maskrcnn:build_maskrcnn_resnet50_fpn",
        options="segmentation.maskrcnn:MaskRCNNOptions",
        description="Mask R-CNN ResNet-50 FPN (torchvision)",
        signature_keys=("roi_heads.box_head.fc6.weight", "roi_heads.mask_predictor.mask_fcn_logits.weight"),
    )
)
register_backend(
    BackendSpec(
        name="ssdlite320_mobilenet_v3_large",
        has_masks=False,
        published_box_ap=0.213,
        published_source="torchvision SSDLite320_MobileNet_V3_Large_Weights.COCO_V1, COCO val2017",
        weights_enum="SSDLite320_MobileNet_V3_Large_Weights.COCO_V1",
        weights_url="https://download.pytorch.org/models/ssdlite320_mobilenet_v3_large_coco-a79551df.pth",
        builder="segmentation.ssdlite:build_ssdlite320_mobilenet_v3_large",
        options="segmentation.ssdlite:SSDLiteOptions",
        description="SSDLite320 MobileNetV3-Large (torchvision): boxes only, light CPU backend",
        signature_keys=("head.classification_head.module_list.0.0.0.weight", "backbone.features.0.0.0.weight"),
    )
)


def backend_names() -> tuple[str, ...]:
    """Registered backend names, best first (:attr:`BackendSpec.rank`; ties keep registration order)."""
    return tuple(s.name for s in sorted(_REGISTRY.values(), key=lambda s: s.rank, reverse=True))


def get_backend(name: str) -> BackendSpec:
    """The spec registered as ``name``; ``ValueError`` listing the names if there is none."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(
            f"unknown segmentation backend {name!r}; choose 'auto' or one of: {', '.join(backend_names())}"
        ) from None


def torch_hub_checkpoints_dir() -> Path:
    """``torch.hub.get_dir()/checkpoints`` without importing torch.

    Mirrors torch: ``$TORCH_HOME/hub/checkpoints``, ``TORCH_HOME`` defaulting to
    ``$XDG_CACHE_HOME/torch`` and that to ``~/.cache/torch``. When torch is already imported its
    own answer is used (it also honours ``torch.hub.set_dir``).
    """
    torch = sys.modules.get("torch")
    hub = getattr(torch, "hub", None) if torch is not None else None
    if hub is not None:
        return Path(hub.get_dir()) / "checkpoints"
    torch_home = os.getenv("TORCH_HOME", os.path.join(os.getenv("XDG_CACHE_HOME", "~/.cache"), "torch"))
    return Path(os.path.expanduser(torch_home)) / "hub" / "checkpoints"


class WeightsUnavailable(Exception):
    """No usable weights for the requested backend(s); the message says how to install them."""

    def __init__(self, reason: str, specs: Iterable[BackendSpec] = ()) -> None:
        self.reason = reason
        self.specs = tuple(specs)
        super().__init__(_install_help(reason, self.specs))


class RuntimeUnavailable(WeightsUnavailable):
    """The weights are there but the runtime that runs them (a Python package) is not."""


class IncompatibleWeights(WeightsUnavailable):
    """A weights file was given but it does not hold weights for the backend asked for (or for
    any registered backend, with ``auto``), or is not a state dict at all."""


def _install_help(reason: str, specs: tuple[BackendSpec, ...]) -> str:
    cached = tuple(s for s in specs if s.weights_url)
    if not cached:
        return reason
    checkpoints = torch_hub_checkpoints_dir()
    lines = [reason, "", "To install segmentation weights, do one of:"]
    lines.append(
        "  1. Run once on a machine with internet access: `python manage.py fetch_weights` (or the worker's "
        f"first start) downloads torchvision's weights into {checkpoints}/."
    )
    lines.append(f"  2. Copy the official weights file into {checkpoints}/ ($TORCH_HOME/hub/checkpoints):")
    for spec in cached:
        lines.append(f"       {spec.weights_file}  for {spec.name} (from {spec.weights_url})")
    lines.append(
        f"  3. Set {WEIGHTS_ENV_VAR}=/path/to/state_dict.pth (a state dict for "
        f"{' or '.join(s.name for s in cached)}), or pass weights_path=..."
    )
    if any(s.recognises for s in specs):
        lines.append(
            f"  4. Set {WEIGHTS_ENV_VAR}=/path/to/model.tflite (or .onnx): an Ultralytics YOLO-seg export "
            "(`yolo export model=yolo11n-seg.pt format=tflite int8=True`; AGPL-3.0 weights)."
        )
    return "\n".join(lines)


@dataclass(frozen=True)
class ResolvedBackend:
    """Which backend to build and where its weights come from.

    Attributes:
        spec: the backend.
        weights_file: the state-dict file to load (``explicit``), or torchvision's cache file for
            the official weights (which may not exist yet: torchvision downloads it on build).
        explicit: ``True`` when ``weights_file`` came from ``weights_path`` /
            ``SEGMENTER_WEIGHTS`` and is loaded directly.
    """

    spec: BackendSpec
    weights_file: Path
    explicit: bool

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def available(self) -> bool:
        """Whether the weights are on disk now (else building needs a download)."""
        return self.weights_file.is_file()


def _architecture_of(keys: frozenset[str]) -> BackendSpec | None:
    return next((_REGISTRY[n] for n in backend_names() if _REGISTRY[n].fits(keys)), None)


def _file_format_backend(path: Path) -> BackendSpec | None:
    """The best backend whose ``recognises`` check accepts ``path`` (a model file that is not a
    state dict), or ``None``."""
    if not path.is_file():
        return None
    for name in backend_names():
        spec = _REGISTRY[name]
        if spec.recognises and load_object(spec.recognises)(path):
            return spec
    return None


def _read_keys(path: Path, specs: tuple[BackendSpec, ...]) -> frozenset[str]:
    try:
        return read_state_dict_keys(path)
    except FileNotFoundError:
        raise WeightsUnavailable(f"segmentation weights file {path} does not exist", specs) from None
    except CheckpointError as exc:
        raise IncompatibleWeights(str(exc), specs) from exc


def resolve_backend(name: str = "auto", weights_path: str | os.PathLike[str] | None = None) -> ResolvedBackend:
    """Choose the backend and its weights file without importing torch or loading tensors.

    Args:
        name: a registered backend name, or ``"auto"`` for the best one whose weights are on hand.
        weights_path: a state-dict file; defaults to ``$SEGMENTER_WEIGHTS`` when set.

    * explicit ``name``: that backend; ``weights_path`` (if any) must exist and fit its
      architecture. Without ``weights_path`` the result points at torchvision's cache file even
      when it is missing: building then lets torchvision download it.
    * ``auto`` with ``weights_path``: the best backend whose architecture the file fits.
    * ``auto`` without: the best backend whose official file is in torchvision's cache.

    Raises:
        ValueError: unknown ``name``.
        WeightsUnavailable: ``weights_path`` missing, or ``auto`` found no weights (the message
            lists what was looked for and how to install it).
        IncompatibleWeights: ``weights_path`` is not a state dict for ``name`` (or for any
            backend, with ``auto``).
    """
    if weights_path is None:
        weights_path = os.environ.get(WEIGHTS_ENV_VAR) or None
    path = Path(os.path.expanduser(os.fspath(weights_path))) if weights_path is not None else None

    if name != "auto":
        spec = get_backend(name)
        if path is None:
            return ResolvedBackend(spec, spec.cache_path(), explicit=False)
        if spec.recognises:
            if not path.is_file():
                raise WeightsUnavailable(f"segmentation weights file {path} does not exist", (spec,))
            if not load_object(spec.recognises)(path):
                raise IncompatibleWeights(f"segmentation weights file {path} is not a {spec.name!r} model file", ())
            return ResolvedBackend(spec, path, explicit=True)
        file_spec = _file_format_backend(path)
        if file_spec is not None:
            raise IncompatibleWeights(
                f"segmentation weights file {path} is a {file_spec.name!r} model file, not {spec.name!r} weights; "
                f"use backend {file_spec.name!r} (or 'auto') with this file",
                (spec,),
            )
        keys = _read_keys(path, (spec,))
        if not spec.fits(keys):
            other = _architecture_of(keys)
            held = f"holds {other.name!r} weights" if other else "does not hold weights of any known backend"
            raise IncompatibleWeights(
                f"segmentation weights file {path} {held}, not {spec.name!r}"
                + (f"; use backend {other.name!r} with this file" if other else ""),
                (spec,),
            )
        return ResolvedBackend(spec, path, explicit=True)

    specs = tuple(_REGISTRY[n] for n in backend_names())
    if path is not None:
        file_spec = _file_format_backend(path)
        if file_spec is not None:
            return ResolvedBackend(file_spec, path, explicit=True)
        spec = _architecture_of(_read_keys(path, specs))
        if spec is None:
            raise IncompatibleWeights(
                f"segmentation weights file {path} does not hold weights of any known backend "
                f"({', '.join(backend_names())})",
                specs,
            )
        return ResolvedBackend(spec, path, explicit=True)
    for spec in specs:
        if spec.cache_path().is_file():
            return ResolvedBackend(spec, spec.cache_path(), explicit=False)
    raise WeightsUnavailable(
        f"no segmentation weights found: looked for {', '.join(s.weights_file for s in specs if s.weights_url)} "
        f"in {torch_hub_checkpoints_dir()} and {WEIGHTS_ENV_VAR} is not set",
        specs,
    )


def available_backends() -> tuple[str, ...]:
    """Names of backends whose official weights are in torchvision's cache, best first."""
    return tuple(n for n in backend_names() if _REGISTRY[n].cache_path().is_file())


def load_object(path: str) -> Any:
    """The object named by ``"module:attribute"`` (a builder, an options class, a check)."""
    module_name, _, attr = path.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def build_segmenter(
    name: str = "auto",
    *,
    weights_path: str | os.PathLike[str] | None = None,
    device: str = "auto",
    min_score: float = 0.25,
    random_init: bool = False,
    torch_threads: int | None = None,
    **overrides: Any,
) -> Segmenter:
    """Build a ready-to-run segmenter (weights loaded, eval mode, on ``device``).

    Args:
        name: backend name or ``"auto"`` (see :func:`resolve_backend`).
        weights_path: state-dict file to load instead of torchvision's official weights.
        device: ``"auto"`` (CUDA when available, else CPU), ``"cpu"``, ``"cuda"``, ``"cuda:1"``...
        min_score: instances scoring below this are dropped (also the model's own threshold).
        random_init: tests only: random weights (seeded, reproducible) instead of trained ones.
            Needs an explicit ``name`` and no weights; never used as a fallback.
        torch_threads: if given, ``torch.set_num_threads(torch_threads)`` (process-wide).
        **overrides: builder options, e.g. ``min_size=320, max_size=512`` (working size) or
            torchvision model kwargs such as ``box_detections_per_img=50``.

    Raises:
        ValueError: unknown name, or ``random_init`` combined with ``auto`` / weights.
        WeightsUnavailable: no weights on hand and none could be downloaded.
        IncompatibleWeights: the weights file does not fit the backend.
    """
    if random_init:
        if name == "auto":
            raise ValueError("random_init=True needs an explicit backend name, not 'auto'")
        if weights_path is not None:
            raise ValueError("random_init=True cannot be combined with weights_path")
        spec = get_backend(name)
        file = None
    else:
        resolved = resolve_backend(name, weights_path)
        spec = resolved.spec
        file = os.fspath(resolved.weights_file) if resolved.explicit else None
    builder = load_object(spec.builder)
    return builder(
        weights_path=file,
        random_init=random_init,
        device=device,
        min_score=min_score,
        torch_threads=torch_threads,
        **overrides,
    )


def options_for(spec: BackendSpec | str, values: Mapping[str, Any]) -> tuple[BackendOptions, tuple[str, ...]]:
    """The backend's options dataclass built from setting values (see
    :meth:`segmentation.interface.BackendOptions.from_values`): ``(options, unused names)``.
    Imports the backend's module (torch for the torchvision ones)."""
    spec = get_backend(spec) if isinstance(spec, str) else spec
    return load_object(spec.options).from_values(values)


def build(config: SegmenterConfig) -> Segmenter:
    """The segmenter a :class:`~segmentation.interface.SegmenterConfig` describes: backend and
    weights resolved (:func:`resolve_backend`), its options read from ``config.options``
    (values no option of this backend takes are logged, not fatal: they may be meant for
    another backend), run options applied.

    Raises:
        ValueError: unknown backend, or an option value of the wrong type.
        WeightsUnavailable: no weights / no runtime (the message says how to fix it).
        IncompatibleWeights: the weights file does not fit the backend.
    """
    resolved = resolve_backend(config.backend, config.weights)
    options, unused = options_for(resolved.spec, config.options)
    if unused:
        log.info(
            "segmentation backend %s has no option %s (its options: %s)",
            resolved.name,
            ", ".join(f"SEGMENTER_{u.upper()}" for u in unused),
            ", ".join(f"SEGMENTER_{n.upper()}" for n in type(options).setting_names()),
        )
    builder = load_object(resolved.spec.builder)
    return builder(
        weights_path=os.fspath(resolved.weights_file) if resolved.explicit else None,
        device=config.run.device,
        torch_threads=config.run.threads,
        **options.builder_kwargs(),
    )


def problem(config: SegmenterConfig) -> str | None:
    """What stops ``config``'s segmenter from running, and how to fix it, or ``None``; cheap and
    torch-free (reads file headers, loads no model): for a banner on every page."""
    try:
        resolved = resolve_backend(config.backend, config.weights)
    except (WeightsUnavailable, ValueError) as exc:
        return str(exc)
    return load_object(resolved.spec.problem)(resolved)


def torchvision_weights_problem(resolved: ResolvedBackend) -> str | None:
    """The torchvision backends' answer: fine when the weights file is on disk; otherwise the
    worker will download the official weights (or ``fetch_weights`` can, where there is internet)."""
    if resolved.available:
        return None
    if resolved.explicit:
        return f"segmentation weights file {resolved.weights_file} does not exist"
    return (
        f"The weights for {resolved.name} are not on this machine yet ({resolved.weights_file}); "
        "the worker will try to download them when it starts "
        f"(or run `python manage.py fetch_weights {resolved.name}` on a machine with internet access)."
    )


def download_weights(name: str, *, progress: bool = False) -> Path:
    """Download the official weights of torchvision backend ``name`` into torchvision's cache
    through its weights API (hash-checked), and return the cached file. Imports torchvision.

    Raises:
        ValueError: unknown backend, or one whose weights torchvision does not publish.
        WeightsUnavailable: the download failed (offline); the message says what to do instead.
    """
    spec = get_backend(name)
    if not spec.weights_enum:
        raise ValueError(f"{name!r} has no weights to download from torchvision")
    from urllib.error import URLError

    from torchvision.models import get_weight

    try:
        get_weight(spec.weights_enum).get_state_dict(progress=progress, check_hash=True, weights_only=True)
    except (URLError, OSError, RuntimeError) as exc:
        raise WeightsUnavailable(
            f"could not download the {name} weights ({spec.weights_url}): {exc}. This machine has no "
            "internet access, or the server could not be reached",
            (spec,),
        ) from exc
    return spec.cache_path()


# Ultralytics YOLO-seg exports (TFLite or ONNX, any size): real COCO masks without torch. Ranked
# by the published figures of the smallest model, YOLO11n-seg (box 38.9, mask 32.0): between the
# Mask R-CNNs (mask 34.6 / 41.8) and SSDLite (boxes only). Measured here (int8 TFLite, 79 val
# photos): bench/README.md. Its weights are the exported file itself (SEGMENTER_WEIGHTS),
# recognised by its bytes.
register_backend(
    BackendSpec(
        name="yolo_seg",
        has_masks=True,
        published_box_ap=0.389,
        published_mask_ap=0.320,
        published_source="Ultralytics YOLO11n-seg (fp32, 640 px; docs.ultralytics.com/tasks/segment), COCO val2017",
        weights_enum="",
        weights_url="",
        builder="segmentation.yolo_seg:build_yolo_seg",
        options="segmentation.yolo_seg:YoloSegOptions",
        description="Ultralytics YOLO-seg export (TFLite or ONNX; AGPL-3.0 weights): masks on the CPU without torch",
        signature_keys=(),
        recognises="segmentation.yolo_seg:recognises",
        problem="segmentation.yolo_seg:problem",
    )
)

# The FAIR 2016 pipeline (segmentation/fair/): trained by this project's own command, so there is
# no torchvision enum or download; ``weights_url`` names where ``python -m segmentation.fair.train``
# writes the file (its basename is also looked for in $TORCH_HOME/hub/checkpoints). Ranked lowest
# (no published figures): trained here on 343 COCO images it is far weaker than the COCO-trained
# models, so ``auto`` only picks it when its file is the one given (SEGMENTER_WEIGHTS) or the only
# one cached.
register_backend(
    BackendSpec(
        name="sharpmask_multipathnet",
        has_masks=True,
        weights_enum="",
        weights_url="var/fair/coco/sharpmask_multipathnet_coco.pth",
        builder="segmentation.fair.backend:build_sharpmask_multipathnet",
        options="segmentation.fair.backend:FairOptions",
        problem="segmentation.fair:weights_problem",
        description="DeepMask/SharpMask proposals + MultiPathNet classifier (FAIR 2016), trained by "
        "`python -m segmentation.fair.train`",
        signature_keys=("_fair_config", "sharpmask.encode.weight", "multipathnet.heads.0.weight"),
    )
)
