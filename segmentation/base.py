""":class:`TorchSegmenter`, the inference pipeline shared by the torch backends (torchvision's and
FAIR's), and their common options (:class:`TorchOptions`). It implements the runtime-neutral
:class:`segmentation.interface.Segmenter` protocol.

Importing this module imports torch; :mod:`segmentation.registry` imports it only when a
segmenter is built.

Pipeline for one photo (``segment``), or several in one forward pass (``segment_batch``):

1. :func:`segmentation.preprocessing.load_image`: EXIF-upright RGB ``(W, H)``.
2. The backend's ``working_image``: antialiased resize to the working size ``(w, h)``.
3. ``uint8 (3, h, w)`` tensor on the device, ``float32`` in ``[0, 1]``; the model (eval mode,
   under ``torch.inference_mode()``) returns per image ``boxes float (N, 4)`` xyxy in working
   pixels, ``labels int64 (N,)`` COCO indices, ``scores float (N,)`` and, for mask backends,
   ``masks`` probabilities: ``float (N, 1, h, w)`` on the working frame, or for Mask R-CNN
   ``float (N, 1, 28, 28)`` over each box (pasted by :meth:`TorchSegmenter.instance_masks`).
Files (``segment_file``, ``segment_files``, and the worker's ``prepare`` + ``infer``) take a
faster road to step 3: :func:`segmentation.preprocessing.open_working` decodes JPEGs at reduced
scale (Pillow ``draft``) straight to the working size, or, with ``decode="torch"``,
``torchvision.io.decode_jpeg`` decodes on the model's device (batched nvJPEG on CUDA) and the
resize runs there too. Either way only ``uint8 (3, h, w)`` working-size pixels reach the model.

Batching: photos go through the model together only when :meth:`TorchSegmenter.batch_key` says
they can do so without changing each other's results (Mask R-CNN: the same padded size; a photo
padded to a bigger companion sees a different border and a different anchor grid, which moves
near-tied detections). So a photo's result never depends on which photos shared its batch.

Speed options (all default off on the CPU, where they measured no win or cost accuracy):
``precision`` (``"bf16"``/``"fp16"`` autocast of the backbone + FPN, about 85% of Mask R-CNN's
FLOPs; the RPN, RoI heads and box decoding stay fp32, so boxes keep sub-pixel precision; on a
CPU without native bf16, like the 2-core AVX2 development machine, bf16 convolutions are 2-200x
*slower*), ``channels_last`` (NHWC convolutions) and ``compile_backbone`` (``torch.compile`` of
the backbone only: the detection heads have data-dependent shapes; on the development CPU the
backbone alone ran 1.45x faster at 2 threads after a 45-110 s compile per process and per
batch-size class, but end to end it won nothing, see ``bench/README.md``).

4. :meth:`TorchSegmenter.to_instances`: drops ``N/A`` / background labels and scores below
   ``min_score``, scales boxes by ``(W / w, H / h)`` and clips them to the frame, thresholds masks
   (``> mask_threshold``, default 0.5) to ``bool (N, h, w)`` at the working size (never at the
   original size: 20 masks of a 12 MP photo would be 240 MB), sorts by score.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from PIL import Image
from torch import nn

from segmentation.checkpoints import CheckpointError, load_state_dict_file
from segmentation.coco import COCO_CATEGORIES, NOT_A_CATEGORY
from segmentation.interface import BackendOptions, checked_min_score, original_boxes
from segmentation.preprocessing import ImageSource, WorkingImage, load_image, open_working
from segmentation.registry import BackendSpec, IncompatibleWeights, WeightsUnavailable, get_backend
from segmentation.result import Instances

__all__ = [
    "PRECISIONS",
    "TorchOptions",
    "TorchSegmenter",
    "WorkingTensor",
    "load_backend_weights",
    "resolve_device",
    "seeded",
    "set_torch_threads",
]

#: ``precision`` values: ``auto`` is bf16 autocast on CUDA and fp32 elsewhere.
PRECISIONS = ("auto", "fp32", "bf16", "fp16")
_AUTOCAST = {"bf16": torch.bfloat16, "fp16": torch.float16}


@dataclass(frozen=True)
class TorchOptions(BackendOptions):
    """Speed options of the torch backends (settings ``SEGMENTER_PRECISION``,
    ``SEGMENTER_CHANNELS_LAST``, ``SEGMENTER_DECODE``, ``SEGMENTER_COMPILE``); all off on the CPU
    by default, where they measured no win (``bench/README.md``).

    Attributes:
        precision: ``"fp32"``, ``"bf16"``, ``"fp16"`` or ``"auto"`` (bf16 on CUDA) autocast of
            the backbone + FPN; the heads stay fp32.
        channels_last: NHWC convolutions in the backbone; ``None`` = on with CUDA.
        decode: ``"pil"`` (Pillow, JPEG draft), ``"torch"`` (``decode_jpeg`` on the device) or
            ``"auto"`` (torch on CUDA, else pil).
        compile_backbone: ``torch.compile`` of the backbone (setting ``SEGMENTER_COMPILE``).
    """

    precision: str = "fp32"
    channels_last: bool | None = None
    decode: str = "auto"
    compile_backbone: bool = field(default=False, metadata={"setting": "compile"})


@dataclass(frozen=True)
class WorkingTensor:
    """One photo ready for the model: its working-size pixels and the way back to the original.

    Attributes:
        pixels: ``uint8 (3, h, w)`` RGB (or ``float32`` in ``[0, 1]``) on the model's device.
        original_size: ``(W, H)`` of the upright original.
    """

    pixels: torch.Tensor
    original_size: tuple[int, int]

    @property
    def size(self) -> tuple[int, int]:
        """Working ``(w, h)``."""
        return int(self.pixels.shape[-1]), int(self.pixels.shape[-2])

    @property
    def scale(self) -> tuple[float, float]:
        """``(W / w, H / h)``, as :attr:`WorkingImage.scale`."""
        (width, height), (w, h) = self.original_size, self.size
        return width / w, height / h


class TorchSegmenter:
    """A loaded torch instance-segmentation (or box-detection) model: a
    :class:`segmentation.interface.Segmenter`.

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
        precision: str = "fp32",
        channels_last: bool | None = False,
        compile_backbone: bool = False,
        decode: str = "pil",
    ) -> None:
        # "auto" / None: what suits the device (nvJPEG decoding and NHWC on CUDA).
        if decode == "auto":
            decode = "torch" if device.type == "cuda" else "pil"
        if channels_last is None:
            channels_last = device.type == "cuda"
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
        if decode not in ("pil", "torch"):
            raise ValueError(f"decode must be 'pil' or 'torch', got {decode!r}")
        self.name = name
        self.has_masks = has_masks
        self.device = device
        self.model = model.to(device).eval()
        if precision == "auto":
            precision = "bf16" if device.type == "cuda" else "fp32"
        self.precision = precision
        self.decode = decode
        self.channels_last = bool(channels_last)
        self.compile_backbone = bool(compile_backbone)
        self._accelerate_backbone()
        self.mask_threshold = float(mask_threshold)
        self.categories = tuple(categories)
        self._valid_label = np.array([c not in NOT_A_CATEGORY for c in self.categories], dtype=bool)
        self._min_score = 0.0
        self.min_score = min_score

    @property
    def device_type(self) -> str:
        """``"cpu"`` or ``"cuda"``."""
        return self.device.type

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(name={self.name!r}, device={str(self.device)!r}, min_score={self.min_score}, "
            f"precision={self.precision!r}, channels_last={self.channels_last}, decode={self.decode!r})"
        )

    def _accelerate_backbone(self) -> None:
        """Apply ``precision`` / ``channels_last`` / ``compile_backbone`` to ``model.backbone``
        (the convolution trunk + FPN, a dict of ``float32 (B, C, h_l, w_l)`` features out).

        Done in place (an instance ``forward`` and ``Module.compile``), so the state dict keys
        do not change. Models without a ``backbone`` attribute are left as they are.
        """
        backbone = getattr(self.model, "backbone", None)
        dtype = _AUTOCAST.get(self.precision)
        if not isinstance(backbone, nn.Module) or not (dtype or self.channels_last or self.compile_backbone):
            return
        if self.channels_last:
            backbone.to(memory_format=torch.channels_last)
        inner = backbone.forward
        device_type = self.device.type
        channels_last = self.channels_last

        def forward(x: torch.Tensor) -> Any:
            if channels_last:
                x = x.contiguous(memory_format=torch.channels_last)
            if dtype is None:
                return inner(x)
            with torch.autocast(device_type=device_type, dtype=dtype):
                features = inner(x)
            # The heads (RPN, RoI align, box decoding, masks) run in fp32.
            return type(features)((k, v.float()) for k, v in features.items())

        backbone.forward = forward
        if self.compile_backbone:
            backbone.compile(dynamic=True)

    # -- configuration ---------------------------------------------------------------------------
    @property
    def min_score(self) -> float:
        """Instances scoring below this are dropped; also pushed into the model's own threshold so
        that later stages (e.g. the mask head) skip them."""
        return self._min_score

    @min_score.setter
    def min_score(self, value: float) -> None:
        value = checked_min_score(value)
        self._min_score = value
        self._set_model_score_threshold(value)

    def _set_model_score_threshold(self, value: float) -> None:
        """Hook for subclasses: set the model's internal score threshold."""

    def working_image(self, image: Image.Image) -> WorkingImage:
        """Resize an upright RGB image to the size the model runs at."""
        raise NotImplementedError

    def working_size(self, size: tuple[int, int]) -> tuple[int, int]:
        """Working ``(w, h)`` for an upright photo of ``size = (W, H)``. Backends that do not
        override it are decoded in full and resized by :meth:`working_image`."""
        raise NotImplementedError

    @property
    def sizes_before_decoding(self) -> bool:
        """Whether :meth:`working_size` is known, so files can be decoded at reduced scale."""
        return type(self).working_size is not TorchSegmenter.working_size

    # -- inference -----------------------------------------------------------------------------
    def segment(self, image: Image.Image) -> Instances:
        """Objects in one photo. ``image`` is treated like an upload: EXIF orientation is applied
        and it is converted to RGB (a no-op for images from :func:`load_image`)."""
        return self.segment_batch([image])[0]

    def segment_file(self, src: ImageSource) -> Instances:
        """Objects in the image at a path, in ``bytes`` or in a binary file object."""
        return self.segment_files([src])[0]

    def segment_files(self, sources: Sequence[ImageSource]) -> list[Instances]:
        """Objects in several image files, decoded the fast way (:meth:`prepare_many`) and run
        through the model in one forward pass. Raises the first decode error."""
        prepared = self.prepare_many(sources)
        for item in prepared:
            if isinstance(item, BaseException):
                raise item
        return self.infer(prepared)  # type: ignore[arg-type]

    def segment_batch(self, images: Sequence[Image.Image]) -> list[Instances]:
        """Objects in several photos, run through the model in one forward pass (photos of
        different sizes are padded together by the model's transform)."""
        if not images:
            return []
        working = [self.working_image(load_image(image)) for image in images]
        return self._run([self._to_tensor(w.image) for w in working], working)

    # -- the worker's two steps: decode each photo (errors per photo), then one forward pass -----
    def prepare(self, src: ImageSource, *, draft: bool = True) -> WorkingTensor:
        """Decode one photo (EXIF-upright RGB) at its working size onto :attr:`device`.

        JPEGs are decoded at reduced scale when the working size allows (``draft``); ``False``
        gives the full-decode reference.

        Raises:
            PIL.UnidentifiedImageError / OSError / ...: not a readable image.
        """
        if self.sizes_before_decoding:
            working = open_working(src, self.working_size, draft=draft)
        else:
            working = self.working_image(load_image(src))
        return WorkingTensor(self._to_uint8_tensor(working.image), working.original_size)

    def prepare_many(self, sources: Sequence[ImageSource]) -> list[WorkingTensor | BaseException]:
        """:meth:`prepare` for each source; a photo that cannot be decoded gives its exception
        in its place instead of failing the others. With ``decode="torch"`` JPEG files and
        bytes are decoded by ``torchvision.io.decode_jpeg`` on :attr:`device` (one batched call;
        nvJPEG on CUDA) and resized there; anything else goes through Pillow."""
        out: list[WorkingTensor | BaseException | None] = [None] * len(sources)
        if self.decode == "torch" and self.sizes_before_decoding:
            self._decode_on_device(sources, out)
        for i, src in enumerate(sources):
            if out[i] is None:
                try:
                    out[i] = self.prepare(src)
                except Exception as exc:  # noqa: BLE001 - reported per photo
                    out[i] = exc
        return out  # type: ignore[return-value]

    def infer(self, prepared: Sequence[WorkingTensor]) -> list[Instances]:
        """Run prepared photos through the model in one forward pass: :meth:`decode_outputs` of
        :meth:`forward`."""
        return self.decode_outputs(self.forward(prepared), prepared)

    def forward(self, prepared: Sequence[WorkingTensor]) -> list[Mapping[str, torch.Tensor]]:
        """The model alone: per photo, in order, its output dict (``boxes`` ``float (N, 4)`` xyxy
        in working pixels, ``labels``, ``scores``, ``masks`` ``float (N, 1, h, w)`` when it has
        masks), on :attr:`device`; photos sharing a :meth:`batch_key` share a forward pass."""
        return self._forward([p.pixels for p in prepared])

    def decode_outputs(
        self, raw: Sequence[Mapping[str, torch.Tensor]], prepared: Sequence[WorkingTensor | WorkingImage]
    ) -> list[Instances]:
        """:meth:`forward`'s outputs -> :class:`Instances` (:meth:`to_instances` per photo)."""
        return [self.to_instances(out, item) for out, item in zip(raw, prepared, strict=True)]

    def batch_key(self, size: tuple[int, int]) -> Hashable:
        """Photos whose working ``size = (w, h)`` give equal keys share a forward pass; others run
        in separate passes (same results as one by one, in the order given). ``None`` for every
        size (the default): the model's output for a photo does not depend on its companions
        (e.g. SSDLite stretches every photo to 320x320, so nothing is padded)."""
        return None

    def _run(self, tensors: Sequence[torch.Tensor], working: Sequence[WorkingImage | WorkingTensor]) -> list[Instances]:
        return self.decode_outputs(self._forward(tensors), working)

    def _forward(self, tensors: Sequence[torch.Tensor]) -> list[Mapping[str, torch.Tensor]]:
        groups: dict[Hashable, list[int]] = {}
        for i, t in enumerate(tensors):
            groups.setdefault(self.batch_key((int(t.shape[-1]), int(t.shape[-2]))), []).append(i)
        outputs: list[Mapping[str, torch.Tensor] | None] = [None] * len(tensors)
        for index in groups.values():
            group = [tensors[i] for i in index]
            batch = [t.to(torch.float32).div_(255.0) if t.dtype == torch.uint8 else t for t in group]
            with torch.inference_mode():
                for i, out in zip(index, self.model(batch), strict=True):
                    outputs[i] = out
        return outputs  # type: ignore[return-value]

    def _decode_on_device(
        self, sources: Sequence[ImageSource], out: list[WorkingTensor | BaseException | None]
    ) -> None:
        """Fill ``out[i]`` for the JPEG sources with ``torchvision.io.decode_jpeg`` results."""
        from torchvision.io import ImageReadMode, decode_jpeg

        datas: list[torch.Tensor] = []
        index: list[int] = []
        for i, src in enumerate(sources):
            data = _jpeg_bytes(src)
            if data is not None:
                datas.append(torch.frombuffer(bytearray(data), dtype=torch.uint8))
                index.append(i)
        if not datas:
            return
        try:
            decoded = decode_jpeg(datas, mode=ImageReadMode.RGB, device=self.device, apply_exif_orientation=True)
        except (RuntimeError, ValueError):
            return  # e.g. a corrupt or CMYK JPEG in the batch: Pillow decodes them one by one
        for i, pixels in zip(index, decoded, strict=True):
            height, width = int(pixels.shape[-2]), int(pixels.shape[-1])
            target = self.working_size((width, height))
            if target != (width, height):
                pixels = (
                    torch.nn.functional.interpolate(
                        pixels[None].float(), size=(target[1], target[0]), mode="bilinear", antialias=True
                    )[0]
                    .clamp_(0, 255)
                    .div_(255.0)
                )
            out[i] = WorkingTensor(pixels, (width, height))

    def _to_tensor(self, image: Image.Image) -> torch.Tensor:
        """``float32 (3, h, w)`` in ``[0, 1]`` on :attr:`device`."""
        return self._to_uint8_tensor(image).to(torch.float32).div_(255.0)

    def _to_uint8_tensor(self, image: Image.Image) -> torch.Tensor:
        """``uint8 (3, h, w)`` on :attr:`device` (a quarter of the bytes of float over PCIe)."""
        array = np.array(image, dtype=np.uint8)  # (h, w, 3), a writable copy
        return torch.from_numpy(array).permute(2, 0, 1).to(self.device)

    def to_instances(self, output: Mapping[str, torch.Tensor], working: WorkingImage | WorkingTensor) -> Instances:
        """Convert one model output (working-pixel coordinates) into :class:`Instances`."""
        scores = output["scores"].detach().float().cpu().numpy()
        labels = output["labels"].detach().cpu().numpy().astype(np.int64)
        boxes = output["boxes"].detach().float().cpu().numpy().reshape(-1, 4)
        in_range = (labels >= 0) & (labels < len(self.categories))
        valid = in_range & self._valid_label[np.where(in_range, labels, 0)]
        keep = np.flatnonzero(valid & (scores >= self._min_score))
        keep = keep[np.argsort(-scores[keep], kind="stable")]

        masks = self.instance_masks(output, keep, working.size) if self.has_masks else None
        return Instances(
            image_size=working.original_size,
            labels=tuple(self.categories[i] for i in labels[keep]),
            scores=scores[keep],
            boxes=original_boxes(boxes[keep], working.scale, working.original_size),
            masks=masks,
            model=self.name,
        )

    def instance_masks(self, output: Mapping[str, torch.Tensor], keep: np.ndarray, size: tuple[int, int]) -> np.ndarray:
        """``bool (len(keep), h, w)`` masks of the kept detections on the working frame
        ``size = (w, h)``, from ``output["masks"]`` ``float (N, 1, h, w)`` probabilities."""
        w, h = size
        if not keep.size:
            return np.zeros((0, h, w), dtype=bool)
        index = torch.as_tensor(keep, device=output["masks"].device)
        return (output["masks"][index, 0] > self.mask_threshold).cpu().numpy()


def _jpeg_bytes(src: ImageSource) -> bytes | None:
    """The bytes of a JPEG path / ``bytes`` / file object (``None`` for other formats and for
    PIL images). File objects are rewound afterwards."""
    if isinstance(src, Image.Image):
        return None
    if isinstance(src, (bytes, bytearray, memoryview)):
        data = bytes(src)
    elif isinstance(src, (str, os.PathLike)):
        try:
            with open(src, "rb") as handle:
                data = handle.read()
        except OSError:
            return None  # Pillow raises the proper error for this photo
    else:
        position = src.tell()
        data = src.read()
        src.seek(position)
    if data[:3] != b"\xff\xd8\xff":
        return None
    # nvJPEG ignores EXIF orientation (decode_jpeg's apply_exif_orientation is CPU-only), so
    # rotated photos go through Pillow. Reading the header decodes no pixel.
    try:
        with Image.open(io.BytesIO(data)) as header:
            if header.format != "JPEG" or header.getexif().get(0x0112, 1) != 1:
                return None
    except Exception:  # noqa: BLE001 - unreadable: Pillow reports it properly for this photo
        return None
    return data


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
