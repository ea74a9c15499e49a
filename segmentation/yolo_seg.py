"""YOLO-seg backend: Ultralytics YOLOv8/YOLO11 instance segmentation exports, TFLite or ONNX.

No torch: the model runs in Google's TFLite runtime (``ai-edge-litert``) or in ``onnxruntime``,
and everything around it is numpy. Any size (n/s/m/l/x), any input size, fp32 or int8: what the
model needs is read from the file itself.

The file
--------
* TFLite (``yolo export model=yolo11n-seg.pt format=tflite int8=True``): a flatbuffer whose
  bytes 4..8 are ``TFL3``; Ultralytics appends a zip holding ``metadata.json`` (``names``,
  ``imgsz``, ``task``). Input ``float32 [1, S_h, S_w, 3]`` (NHWC).
* ONNX (``format=onnx``): a protobuf ``ModelProto`` whose ``metadata_props`` carry ``names``
  (a Python dict literal ``{0: 'person', ...}``), ``imgsz`` and ``task``. Input
  ``float32 [1, 3, S_h, S_w]`` (NCHW). The metadata is read by walking the protobuf (no runtime
  needed), so the web process can say what is wrong with a file without loading it.

Both layouts of the outputs (told apart by shape, never by index or name):

* NMS inside the model: ``[1, N, 6 + nm]``, per row ``x1, y1, x2, y2, score, class, coeffs``;
  unused rows score 0.
* raw candidates: ``[1, 4 + C + nm, A]``, per anchor ``cx, cy, w, h``, ``C`` class scores
  (already sigmoid), ``nm`` mask coefficients; class-aware NMS at IoU 0.7 is done here (numpy,
  as Ultralytics' ``non_max_suppression``: score floor, at most 30000 candidates, then NMS).

plus the mask prototypes ``[1, nm, mh, mw]`` (NCHW) or ``[1, mh, mw, nm]`` (NHWC). Box coordinates
are pixels of the ``S_w x S_h`` input frame, or fractions of it (TFLite exports): told apart by
their range (a real box in pixels is never entirely within 2 pixels of the corner).

Pipeline for one photo
----------------------
1. :func:`segmentation.preprocessing.open_working`: the EXIF-upright photo ``(W, H)`` resized to
   the letterbox's inner size ``(w, h) = round((W, H) * r)``, ``r = min(S_w / W, S_h / H)``
   (JPEGs decoded at reduced scale when that is at most half their size).
2. Letterbox: pasted at ``(left, top)`` on an ``S_w x S_h`` grey (114) canvas, RGB scaled to 0-1.
3. The model; detections below ``min_score`` dropped, at most ``max_detections`` kept.
4. Masks the YOLO-seg way: ``coeffs @ protos`` (logits on the prototype grid), bilinearly
   resampled (``align_corners=False``) at the pixel centres of the letterbox's inner region,
   i.e. directly at the working size ``(w, h)`` (the grey border is never computed), only
   inside the box (``x0 <= c < x1``, as Ultralytics' ``crop_mask``), ``> 0`` (``sigmoid > 0.5``):
   ``bool (N, h, w)`` covering the whole photo.
5. Boxes: minus ``(left, top)``, times ``(W / w, H / h)``, clipped: xyxy in original pixels.

``Instances.model`` is ``"yolo_seg:<file stem>"`` (e.g. ``yolo_seg:yolo11n-seg_int8``): the
backend and the weights file, so per-model captioning thresholds can tell two exports apart.

Licence: Ultralytics' YOLO weights are AGPL-3.0 (see the README's model table).
"""

from __future__ import annotations

import ast
import json
import logging
import math
import os
import threading
import zipfile
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np
from PIL import Image

from segmentation.coco import category_names
from segmentation.interface import BackendOptions, checked_min_score, original_boxes
from segmentation.preprocessing import ImageSource, WorkingImage, open_working
from segmentation.registry import IncompatibleWeights, RuntimeUnavailable, WeightsUnavailable
from segmentation.result import Instances

if TYPE_CHECKING:
    from segmentation.registry import ResolvedBackend

__all__ = [
    "NAME",
    "YoloModelInfo",
    "YoloSegOptions",
    "YoloPrepared",
    "YoloSegSegmenter",
    "build_yolo_seg",
    "check_file",
    "problem",
    "read_model_info",
    "recognises",
]

log = logging.getLogger(__name__)

NAME = "yolo_seg"
#: Letterbox padding grey, as Ultralytics trains and exports.
PAD_VALUE = 114
#: Ultralytics' defaults for class-aware NMS of raw candidates.
NMS_IOU = 0.7
MAX_CANDIDATES = 30000

EXPORT_HELP = (
    "Make one with Ultralytics (pip install ultralytics): `yolo export model=yolo11n-seg.pt format=tflite "
    "int8=True` (or format=onnx), then set SEGMENTER_WEIGHTS=/path/to/yolo11n-seg_int8.tflite "
    "(Ultralytics' weights are AGPL-3.0)."
)

NO_FILE = f"{NAME} needs an exported model file and SEGMENTER_WEIGHTS is not set. {EXPORT_HELP}"


@dataclass(frozen=True)
class YoloSegOptions(BackendOptions):
    """Options of the YOLO-seg backend (settings ``SEGMENTER_MIN_SCORE``,
    ``SEGMENTER_MAX_DETECTIONS``, ``SEGMENTER_IOU_THRESHOLD``). The input size, layout and classes
    are the model file's.

    Attributes:
        min_score: score floor (Ultralytics' ``conf``, 0.25).
        max_detections: at most this many instances per photo (100).
        iou_threshold: IoU of the class-aware NMS run on raw-candidate exports (0.7).
    """

    max_detections: int = 100
    iou_threshold: float = 0.7


# -- reading the file (torch-free, runtime-free) ---------------------------------------------------
@dataclass(frozen=True)
class YoloModelInfo:
    """What an exported YOLO file says about itself.

    Attributes:
        path: the file.
        format: ``"tflite"`` or ``"onnx"``.
        names: class index -> name, as the model's metadata lists them.
        imgsz: ``(S_h, S_w)`` input size from the metadata (the runtime's input shape wins).
        task: Ultralytics task (``"segment"`` for this backend).
    """

    path: Path
    format: str
    names: tuple[str, ...]
    imgsz: tuple[int, int] | None
    task: str

    @property
    def model_id(self) -> str:
        """``yolo_seg:<file stem>``: ``Instances.model`` of this file's results."""
        return f"{NAME}:{self.path.stem}"


def _is_tflite(head: bytes) -> bool:
    return len(head) >= 8 and head[4:8] == b"TFL3"


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data):
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
        if shift > 63:
            raise ValueError("varint too long")


def _protobuf_fields(data: bytes) -> list[tuple[int, int, Any]]:
    """Top-level ``(field, wire type, value)`` of a protobuf message (value: int or bytes)."""
    fields: list[tuple[int, int, Any]] = []
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        field, wire = key >> 3, key & 7
        if field == 0:
            raise ValueError("field number 0")
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 1:
            value, pos = data[pos : pos + 8], pos + 8
        elif wire == 2:
            length, pos = _varint(data, pos)
            value, pos = data[pos : pos + length], pos + length
        elif wire == 5:
            value, pos = data[pos : pos + 4], pos + 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        if pos > len(data):
            raise ValueError("truncated field")
        fields.append((field, wire, value))
    return fields


def _read_varint(handle: BinaryIO) -> int | None:
    """A protobuf varint from ``handle``; ``None`` at the end of the file."""
    value = shift = 0
    while True:
        byte = handle.read(1)
        if not byte:
            if shift:
                raise ValueError("truncated varint")
            return None
        value |= (byte[0] & 0x7F) << shift
        if not byte[0] & 0x80:
            return value
        shift += 7
        if shift > 63:
            raise ValueError("varint too long")


def _onnx_metadata(path: Path) -> dict[str, str] | None:
    """``metadata_props`` of an ONNX ``ModelProto`` file (field 14: key 1, value 2), or ``None``
    when it is not a ModelProto with a graph (field 7). Walks the top-level fields and seeks past
    the others (the graph holds the weights: a big model is not read)."""
    size = path.stat().st_size
    meta: dict[str, str] = {}
    has_graph = False
    with open(path, "rb") as handle:
        if handle.read(1) != b"\x08":  # field 1 (ir_version), varint: how every ONNX file starts
            return None
        handle.seek(0)
        try:
            while (key := _read_varint(handle)) is not None:
                field, wire = key >> 3, key & 7
                if field == 0:
                    return None
                if wire == 0:
                    _read_varint(handle)
                elif wire in (1, 5):
                    handle.seek(8 if wire == 1 else 4, os.SEEK_CUR)
                elif wire == 2:
                    length = _read_varint(handle)
                    if length is None or handle.tell() + length > size:
                        return None
                    has_graph |= field == 7
                    if field == 14:
                        entry = {f: v for f, w, v in _protobuf_fields(handle.read(length)) if w == 2}
                        meta[entry.get(1, b"").decode("utf-8", "replace")] = entry.get(2, b"").decode(
                            "utf-8", "replace"
                        )
                    else:
                        handle.seek(length, os.SEEK_CUR)
                else:
                    return None
        except ValueError:
            return None
    return meta if has_graph else None


def _file_format(path: Path) -> str | None:
    with open(path, "rb") as handle:
        head = handle.read(8)
    if _is_tflite(head):
        return "tflite"
    if head[:1] == b"\x08" and _onnx_metadata(path) is not None:
        return "onnx"
    return None


def recognises(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a TFLite or ONNX model file (by its bytes, not its name): the formats
    this backend reads. Whether it is a usable YOLO-seg export is :func:`read_model_info`'s answer."""
    try:
        return _file_format(Path(path)) is not None
    except OSError:
        return False


def _literal(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return json.loads(value)
    return value


def _parse_names(raw: Any) -> tuple[str, ...]:
    names = _literal(raw)
    if isinstance(names, dict):
        index = {int(k): str(v) for k, v in names.items()}
        if sorted(index) != list(range(len(index))):
            raise ValueError(f"class indices are not 0..{len(index) - 1}")
        return tuple(index[i] for i in range(len(index)))
    if isinstance(names, (list, tuple)):
        return tuple(str(n) for n in names)
    raise ValueError(f"names is a {type(names).__name__}")


def read_model_info(path: str | os.PathLike[str]) -> YoloModelInfo:
    """Format, class names, input size and task of an exported YOLO file (no runtime needed).

    Raises:
        WeightsUnavailable: the file does not exist.
        IncompatibleWeights: not a TFLite/ONNX file, no Ultralytics metadata, or not a
            segmentation model.
    """
    path = Path(os.path.expanduser(os.fspath(path)))
    if not path.is_file():
        raise WeightsUnavailable(f"segmentation weights file {path} does not exist. {EXPORT_HELP}")
    fmt = _file_format(path)
    if fmt is None:
        raise IncompatibleWeights(f"{path} is not a TFLite or ONNX model file. {EXPORT_HELP}")
    meta: dict[str, Any] | None = None
    if fmt == "tflite":
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                if "metadata.json" in archive.namelist():
                    meta = json.loads(archive.read("metadata.json"))
    else:
        meta = _onnx_metadata(path)
    if not meta or "names" not in meta:
        raise IncompatibleWeights(
            f"{path} is a {fmt.upper()} model without Ultralytics metadata (class names, input size): "
            f"export it with Ultralytics' exporter. {EXPORT_HELP}"
        )
    try:
        names = _parse_names(meta["names"])
        imgsz_raw = _literal(meta.get("imgsz")) if meta.get("imgsz") is not None else None
        imgsz = None
        if imgsz_raw is not None:
            sizes = [int(v) for v in (imgsz_raw if isinstance(imgsz_raw, (list, tuple)) else [imgsz_raw] * 2)]
            imgsz = (sizes[0], sizes[-1])
    except (ValueError, TypeError, SyntaxError) as exc:
        raise IncompatibleWeights(f"{path}: unreadable Ultralytics metadata ({exc})") from exc
    task = str(meta.get("task", "segment"))
    return YoloModelInfo(path=path, format=fmt, names=names, imgsz=imgsz, task=task)


def _normalise(name: str) -> str:
    return " ".join(name.lower().split())


def check_file(path: str | os.PathLike[str]) -> YoloModelInfo:
    """:func:`read_model_info`, plus: a segmentation model whose every class is a COCO class the
    captioner can name (never a silent mislabel).

    Raises:
        WeightsUnavailable / IncompatibleWeights: with a message naming what is wrong.
    """
    info = read_model_info(path)
    if info.task != "segment":
        raise IncompatibleWeights(
            f"{info.path} is an Ultralytics {info.task!r} model, not a segmentation ('segment') model: "
            f"export a -seg model. {EXPORT_HELP}"
        )
    known = set(category_names())
    unknown = [n for n in info.names if _normalise(n) not in known]
    if unknown:
        shown = ", ".join(repr(n) for n in unknown[:20])
        if len(unknown) > 20:
            shown += f" and {len(unknown) - 20} more"
        raise IncompatibleWeights(
            f"{info.path} detects classes the captioner has no words for: {shown}. "
            "Only models trained on COCO's 80 classes can be used (e.g. yolo11n-seg.pt)."
        )
    return info


# -- runtimes --------------------------------------------------------------------------------------
class _Runner:
    """One model in one runtime: ``input_shape`` and ``run(x) -> outputs`` (batch of one)."""

    input_shape: tuple[int, ...]
    device: str

    def run(self, x: np.ndarray) -> list[np.ndarray]:
        raise NotImplementedError


class _TFLiteRunner(_Runner):
    def __init__(self, path: Path, threads: int | None) -> None:
        try:
            from ai_edge_litert.interpreter import Interpreter
        except ImportError as exc:
            raise RuntimeUnavailable(
                f"{path} is a TFLite model but Google's TFLite runtime is not installed: "
                "pip install ai-edge-litert (it is in requirements.txt)."
            ) from exc
        try:
            self._interpreter = Interpreter(model_path=os.fspath(path), num_threads=threads or None)
            self._interpreter.allocate_tensors()
        except (ValueError, RuntimeError) as exc:
            raise IncompatibleWeights(f"{path} could not be loaded by the TFLite runtime: {exc}") from exc
        inputs = self._interpreter.get_input_details()
        if len(inputs) != 1:
            raise IncompatibleWeights(f"{path} has {len(inputs)} inputs; a YOLO-seg export has one image input")
        self._input = inputs[0]["index"]
        self.input_shape = tuple(int(v) for v in inputs[0]["shape"])
        self._outputs = [d["index"] for d in self._interpreter.get_output_details()]
        self.device = "cpu"
        # An Interpreter must not run two invocations at once.
        self._lock = threading.Lock()

    def run(self, x: np.ndarray) -> list[np.ndarray]:
        with self._lock:
            self._interpreter.set_tensor(self._input, x)
            self._interpreter.invoke()
            return [np.array(self._interpreter.get_tensor(i)) for i in self._outputs]


class _OnnxRunner(_Runner):
    def __init__(self, path: Path, threads: int | None, device: str) -> None:
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise RuntimeUnavailable(
                f"{path} is an ONNX model but onnxruntime is not installed: pip install onnxruntime "
                "(it is in requirements.txt; onnxruntime-gpu for NVIDIA GPUs)."
            ) from exc
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = int(threads)
            options.inter_op_num_threads = 1
        available = ort.get_available_providers()
        wants_cuda = device.startswith("cuda") or (device == "auto" and "CUDAExecutionProvider" in available)
        if wants_cuda and "CUDAExecutionProvider" not in available:
            raise RuntimeUnavailable(
                f"SEGMENTER_DEVICE={device} but this onnxruntime has no CUDA provider: "
                "pip install onnxruntime-gpu, or set SEGMENTER_DEVICE=cpu."
            )
        providers: list[Any] = ["CPUExecutionProvider"]
        if wants_cuda:
            index = int(device.split(":", 1)[1]) if ":" in device else 0
            providers.insert(0, ("CUDAExecutionProvider", {"device_id": index}))
        try:
            self._session = ort.InferenceSession(os.fspath(path), sess_options=options, providers=providers)
        except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own exception types
            raise IncompatibleWeights(f"{path} could not be loaded by onnxruntime: {exc}") from exc
        inputs = self._session.get_inputs()
        if len(inputs) != 1:
            raise IncompatibleWeights(f"{path} has {len(inputs)} inputs; a YOLO-seg export has one image input")
        self._input = inputs[0].name
        self.input_shape = tuple(int(v) if isinstance(v, int) else -1 for v in inputs[0].shape)
        self.device = "cuda" if wants_cuda else "cpu"

    def run(self, x: np.ndarray) -> list[np.ndarray]:
        return [np.asarray(o) for o in self._session.run(None, {self._input: x})]


# -- the segmenter ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class YoloPrepared:
    """One photo letterboxed for the model.

    Attributes:
        canvas: ``uint8 (S_h, S_w, 3)`` RGB, the photo at ``(left, top)`` on grey.
        working: the photo at the letterbox's inner size ``(w, h)``, with its original size.
        offset: ``(left, top)`` of the photo on the canvas.
    """

    canvas: np.ndarray
    working: WorkingImage
    offset: tuple[int, int]

    @property
    def original_size(self) -> tuple[int, int]:
        return self.working.original_size

    @property
    def size(self) -> tuple[int, int]:
        """Working ``(w, h)``: the masks' resolution."""
        return self.working.size


def _bilinear_matrix(out_len: int, offset: int, in_len: int, frame_len: int) -> np.ndarray:
    """``float32 (out_len, in_len)``: bilinear (``align_corners=False``, edges clamped, as
    ``torch.nn.functional.interpolate``) weights that sample a grid of ``in_len`` cells spanning
    a frame of ``frame_len`` pixels at the centres of pixels ``offset .. offset + out_len - 1``."""
    src = (offset + np.arange(out_len) + 0.5) * (in_len / frame_len) - 0.5
    src = np.clip(src, 0.0, in_len - 1)
    lo = np.floor(src).astype(np.int64)
    hi = np.minimum(lo + 1, in_len - 1)
    frac = (src - lo).astype(np.float32)
    weights = np.zeros((out_len, in_len), dtype=np.float32)
    rows = np.arange(out_len)
    np.add.at(weights, (rows, lo), 1.0 - frac)
    np.add.at(weights, (rows, hi), frac)
    return weights


_blas_controller: Any = None
_blas_controller_lock = threading.Lock()


def _one_blas_thread() -> Any:
    """A context in which numpy's BLAS (OpenBLAS) runs on one thread, via ``threadpoolctl``.

    Mask decoding is a few small matrix products per detection; OpenBLAS splits products that
    size over every core and its threads then spin-wait, taking the cores the runtime needs for
    the next forward pass (measured: outputs -> ``Instances`` 10x slower and the forward pass
    1.8x slower with the default; bench/README.md, issue 14). Scoped to :meth:`decode_outputs`, in
    whatever process runs it (a Celery prefork child, ``manage.py describe``), so nothing else
    is changed: torch's intra-op threads (OpenMP, ``SEGMENTER_THREADS``) are not BLAS and are
    left alone, and no environment variable has to be set before numpy loads. The controller
    (the list of loaded BLAS libraries) is made once; entering the limit costs ~10 µs. The limit
    is process-wide while it lasts (OpenBLAS has one setting): two decodes overlapping in two
    threads may leave BLAS at one thread afterwards, which is what this process wants anyway."""
    global _blas_controller
    if _blas_controller is None:
        with _blas_controller_lock:
            if _blas_controller is None:
                from threadpoolctl import ThreadpoolController

                _blas_controller = ThreadpoolController()
    return _blas_controller.limit(limits=1, user_api="blas")


def nms(boxes: np.ndarray, scores: np.ndarray, classes: np.ndarray, iou: float) -> np.ndarray:
    """Class-aware non-maximum suppression (as ``torchvision.ops.batched_nms``): indices of the
    kept ``xyxy`` boxes, highest score first. Boxes of different classes never suppress each other
    (each class is shifted to its own region of the plane)."""
    if not len(boxes):
        return np.zeros(0, dtype=np.int64)
    shifted = boxes.astype(np.float64) + (classes.astype(np.float64) * (float(boxes.max()) + 1.0))[:, None]
    x0, y0, x1, y1 = shifted.T
    areas = (x1 - x0).clip(0) * (y1 - y0).clip(0)
    order = np.argsort(-scores, kind="stable")
    keep: list[int] = []
    while order.size:
        i = int(order[0])
        keep.append(i)
        rest = order[1:]
        w = (np.minimum(x1[i], x1[rest]) - np.maximum(x0[i], x0[rest])).clip(0)
        h = (np.minimum(y1[i], y1[rest]) - np.maximum(y0[i], y0[rest])).clip(0)
        inter = w * h
        overlap = inter / np.maximum(areas[i] + areas[rest] - inter, 1e-9)
        order = rest[overlap <= iou]
    return np.asarray(keep, dtype=np.int64)


class YoloSegSegmenter:
    """An Ultralytics YOLO-seg export behind the segmenter interface (no torch).

    Attributes:
        name: ``yolo_seg:<file stem>``, ``Instances.model`` of the results.
        has_masks: always ``True``.
        info: what the file says about itself.
        input_size: ``(S_w, S_h)`` of the model's input frame.
        max_detections: at most this many instances per photo.
    """

    has_masks = True

    def __init__(
        self,
        runner: _Runner,
        info: YoloModelInfo,
        *,
        min_score: float = 0.25,
        max_detections: int = 100,
        iou_threshold: float = NMS_IOU,
    ) -> None:
        self._runner = runner
        self.info = info
        self.name = info.model_id
        self.backend = NAME
        shape = runner.input_shape
        if len(shape) != 4 or 3 not in (shape[1], shape[3]):
            raise IncompatibleWeights(f"{info.path}: input shape {list(shape)} is not an image batch (NHWC or NCHW)")
        self.channels_first = shape[1] == 3 and shape[3] != 3
        height, width = (shape[2], shape[3]) if self.channels_first else (shape[1], shape[2])
        if height <= 0 or width <= 0:  # dynamic axes: the size the model was exported at
            if info.imgsz is None:
                raise IncompatibleWeights(f"{info.path}: dynamic input size and no imgsz in its metadata")
            height, width = info.imgsz
        self.input_size = (int(width), int(height))
        self.categories = tuple(_normalise(n) for n in info.names)
        self.max_detections = int(max_detections)
        self.iou_threshold = float(iou_threshold)
        self._min_score = 0.0
        self.min_score = min_score

    def __repr__(self) -> str:
        return (
            f"YoloSegSegmenter(name={self.name!r}, format={self.info.format!r}, input={self.input_size}, "
            f"device={self.device!r}, min_score={self.min_score})"
        )

    @property
    def device(self) -> str:
        """Where the model runs: ``"cpu"`` or ``"cuda"``."""
        return self._runner.device

    @property
    def device_type(self) -> str:
        return self._runner.device

    @property
    def min_score(self) -> float:
        """Detections scoring below this are dropped (Ultralytics' ``conf``)."""
        return self._min_score

    @min_score.setter
    def min_score(self, value: float) -> None:
        self._min_score = checked_min_score(value)

    # -- preparing -------------------------------------------------------------------------------
    def working_size(self, size: tuple[int, int]) -> tuple[int, int]:
        """The letterbox's inner ``(w, h)`` for an upright photo of ``size = (W, H)``: scaled
        to fit the input frame, up or down (as Ultralytics' ``LetterBox``)."""
        width, height = size
        frame_w, frame_h = self.input_size
        r = min(frame_w / width, frame_h / height)
        return max(1, min(frame_w, int(round(width * r)))), max(1, min(frame_h, int(round(height * r))))

    def prepare(self, src: ImageSource, *, draft: bool = True) -> YoloPrepared:
        """Decode one photo (EXIF-upright RGB) and letterbox it.

        Raises:
            PIL.UnidentifiedImageError / OSError / ...: not a readable image.
        """
        working = open_working(src, self.working_size, draft=draft)
        frame_w, frame_h = self.input_size
        w, h = working.size
        left, top = int(round((frame_w - w) / 2 - 0.1)), int(round((frame_h - h) / 2 - 0.1))
        canvas = np.full((frame_h, frame_w, 3), PAD_VALUE, dtype=np.uint8)
        canvas[top : top + h, left : left + w] = np.asarray(working.image, dtype=np.uint8)
        return YoloPrepared(canvas=canvas, working=working, offset=(left, top))

    def prepare_many(self, sources: Sequence[ImageSource]) -> list[YoloPrepared | BaseException]:
        """:meth:`prepare` for each source; a photo that cannot be decoded gives its exception
        in its place instead of failing the others."""
        out: list[YoloPrepared | BaseException] = []
        for src in sources:
            try:
                out.append(self.prepare(src))
            except Exception as exc:  # noqa: BLE001 - reported per photo
                out.append(exc)
        return out

    def batch_key(self, size: tuple[int, int]) -> Hashable:
        """Every photo is letterboxed to the same frame and run alone: no companion effects."""
        return None

    # -- inference -------------------------------------------------------------------------------
    def infer(self, prepared: Sequence[YoloPrepared]) -> list[Instances]:
        """Run prepared photos through the model (one at a time: exports have batch 1):
        :meth:`decode_outputs` of :meth:`forward`."""
        return self.decode_outputs(self.forward(prepared), prepared)

    def forward(self, prepared: Sequence[YoloPrepared]) -> list[list[np.ndarray]]:
        """The runtime's forward pass alone: per photo, the model's output tensors as it returns
        them (detections ``[1, N, 6+nm]`` or ``[1, 4+C+nm, A]``, prototypes ``[1, nm, mh, mw]`` or
        ``[1, mh, mw, nm]``), nothing decoded."""
        raw = []
        for item in prepared:
            x = item.canvas.astype(np.float32) / 255.0
            x = x.transpose(2, 0, 1)[None] if self.channels_first else x[None]
            raw.append(self._runner.run(np.ascontiguousarray(x)))
        return raw

    def decode_outputs(self, raw: Sequence[Sequence[np.ndarray]], prepared: Sequence[YoloPrepared]) -> list[Instances]:
        """:meth:`forward`'s outputs -> :class:`Instances` (score floor, NMS for raw-candidate
        exports, boxes to original pixels, masks at working size), numpy's BLAS on one thread
        meanwhile (:func:`_one_blas_thread`)."""
        with _one_blas_thread():
            return [self._decode(outputs, item) for outputs, item in zip(raw, prepared, strict=True)]

    def segment(self, image: Image.Image) -> Instances:
        """Objects in one photo (EXIF orientation applied, converted to RGB)."""
        return self.infer([self.prepare(image)])[0]

    def segment_batch(self, images: Sequence[Image.Image]) -> list[Instances]:
        return self.infer([self.prepare(image) for image in images])

    def segment_file(self, src: ImageSource) -> Instances:
        """Objects in the image at a path, in ``bytes`` or in a binary file object."""
        return self.infer([self.prepare(src)])[0]

    def segment_files(self, sources: Sequence[ImageSource]) -> list[Instances]:
        return self.infer([self.prepare(src) for src in sources])

    # -- decoding --------------------------------------------------------------------------------
    def _split_outputs(self, outputs: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """``(detections (rows, fields), protos (nm, mh, mw))`` picked by shape."""
        dets = [o for o in outputs if o.ndim == 3]
        protos = [o for o in outputs if o.ndim == 4]
        if len(dets) != 1 or len(protos) != 1:
            shapes = [list(o.shape) for o in outputs]
            raise IncompatibleWeights(
                f"{self.info.path}: outputs {shapes} are not a YOLO-seg export's (one detection tensor "
                "[1, N, 6+nm] or [1, 4+C+nm, A], one prototype tensor [1, nm, mh, mw] or [1, mh, mw, nm])"
            )
        det, proto = dets[0][0], protos[0][0]
        return det, proto

    def _layout(self, det: np.ndarray, proto: np.ndarray) -> tuple[str, np.ndarray, np.ndarray]:
        """``(layout, rows, protos (nm, mh, mw))``: ``"nms"`` rows ``(N, 6 + nm)`` or ``"raw"``
        rows ``(A, 4 + C + nm)``."""
        n_classes = len(self.categories)
        for nm, protos in ((proto.shape[0], proto), (proto.shape[2], proto.transpose(2, 0, 1))):
            if det.shape[0] == 4 + n_classes + nm:
                return "raw", det.T, protos
            if det.shape[1] == 4 + n_classes + nm and det.shape[0] != 4 + n_classes + nm:
                return "raw", det, protos
            if det.shape[1] == 6 + nm:
                return "nms", det, protos
        raise IncompatibleWeights(
            f"{self.info.path}: detection output {list(det.shape)} fits neither [N, 6+nm] nor "
            f"[4+{n_classes}+nm, A] with prototypes {list(proto.shape)}"
        )

    def _decode(self, outputs: Sequence[np.ndarray], item: YoloPrepared) -> Instances:
        det, proto = self._split_outputs(outputs)
        layout, rows, protos = self._layout(det.astype(np.float32), proto.astype(np.float32))
        nm = protos.shape[0]
        n_classes = len(self.categories)
        if layout == "nms":
            boxes, scores = rows[:, :4], rows[:, 4]
            classes = rows[:, 5].round().astype(np.int64)
            coeffs = rows[:, 6 : 6 + nm]
            keep = np.flatnonzero((scores >= self._min_score) & (classes >= 0) & (classes < n_classes))
        else:
            class_scores = rows[:, 4 : 4 + n_classes]
            classes = class_scores.argmax(axis=1)
            scores = class_scores[np.arange(len(rows)), classes]
            keep = np.flatnonzero(scores >= self._min_score)
            keep = keep[np.argsort(-scores[keep], kind="stable")[:MAX_CANDIDATES]]
            cx, cy, bw, bh = rows[keep, :4].T
            boxes = np.zeros((len(rows), 4), dtype=np.float32)
            boxes[keep] = np.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], axis=1)
            coeffs = rows[:, 4 + n_classes : 4 + n_classes + nm]
            keep = keep[nms(boxes[keep], scores[keep], classes[keep], self.iou_threshold)]
        keep = keep[np.argsort(-scores[keep], kind="stable")][: self.max_detections]

        frame_w, frame_h = self.input_size
        frame_boxes = boxes[keep].astype(np.float64)
        if frame_boxes.size and np.abs(frame_boxes).max() <= 2.0:  # fractions of the frame (TFLite)
            frame_boxes *= np.array([frame_w, frame_h, frame_w, frame_h], dtype=np.float64)
        left, top = item.offset
        w, h = item.size
        working_boxes = frame_boxes - np.array([left, top, left, top], dtype=np.float64)
        working_boxes[:, 0::2] = working_boxes[:, 0::2].clip(0, w)
        working_boxes[:, 1::2] = working_boxes[:, 1::2].clip(0, h)

        masks = self._masks(coeffs[keep], protos, working_boxes, item)
        return Instances(
            image_size=item.original_size,
            labels=tuple(self.categories[c] for c in classes[keep]),
            scores=scores[keep],
            boxes=original_boxes(working_boxes, item.working.scale, item.original_size),
            masks=masks,
            model=self.name,
        )

    def _masks(self, coeffs: np.ndarray, protos: np.ndarray, boxes: np.ndarray, item: YoloPrepared) -> np.ndarray:
        """``bool (N, h, w)`` masks at the working size: prototype logits resampled at the inner
        region's pixel centres, computed only inside each (working-pixel) box.

        Pixel ``c`` is inside when ``x0 <= c < x1`` (Ultralytics' ``crop_mask``), i.e.
        ``ceil(x0) <= c < ceil(x1)``. Resampling is separable (``rows @ logits @ cols.T``), so each
        mask costs its box's area, not the whole frame's (about 60 MFLOP a mask at 640x480 when
        computed everywhere and cropped after)."""
        w, h = item.size
        n = len(coeffs)
        out = np.zeros((n, h, w), dtype=bool)
        if not n:
            return out
        nm, mh, mw = protos.shape
        frame_w, frame_h = self.input_size
        left, top = item.offset
        rows = _bilinear_matrix(h, top, mh, frame_h)  # (h, mh)
        cols = _bilinear_matrix(w, left, mw, frame_w)  # (w, mw)
        logits = (coeffs @ protos.reshape(nm, mh * mw)).reshape(n, mh, mw)  # on the prototype grid
        for k, (x0, y0, x1, y1) in enumerate(boxes):
            r0, r1 = max(0, math.ceil(y0)), min(h, math.ceil(y1))
            c0, c1 = max(0, math.ceil(x0)), min(w, math.ceil(x1))
            if r0 < r1 and c0 < c1:
                out[k, r0:r1, c0:c1] = (rows[r0:r1] @ logits[k]) @ cols[c0:c1].T > 0.0
        return out


def build_yolo_seg(
    *,
    weights_path: str | os.PathLike[str] | None = None,
    random_init: bool = False,
    device: str = "auto",
    min_score: float = 0.25,
    torch_threads: int | None = None,
    max_detections: int = 100,
    iou_threshold: float = NMS_IOU,
) -> YoloSegSegmenter:
    """An Ultralytics YOLO-seg export (TFLite or ONNX).

    Args:
        weights_path: the exported file (``SEGMENTER_WEIGHTS``); required.
        random_init: not supported (an export carries its weights); ``ValueError``.
        device: ``"auto"`` (CUDA through onnxruntime-gpu when present, else CPU), ``"cpu"``,
            ``"cuda"``; TFLite runs on the CPU.
        min_score: score floor (default 0.25, Ultralytics' ``conf``).
        torch_threads: CPU threads of the runtime (``SEGMENTER_THREADS``); ``None``: its default.
        max_detections: at most this many instances per photo (100).
        iou_threshold: IoU of the class-aware NMS for raw-candidate exports (0.7).

    Raises:
        WeightsUnavailable: no file given or it does not exist.
        IncompatibleWeights: not a YOLO-seg export, or classes outside COCO's 80.
        RuntimeUnavailable: the runtime for the file's format is not installed.
    """
    if random_init:
        raise ValueError(f"{NAME} runs exported files; it has no random-init model")
    if weights_path is None:
        raise WeightsUnavailable(NO_FILE)
    info = check_file(weights_path)
    device = str(device)
    if info.format == "tflite":
        if device.startswith("cuda"):
            log.warning("%s: TFLite models run on the CPU; SEGMENTER_DEVICE=%s is ignored", info.path, device)
        runner: _Runner = _TFLiteRunner(info.path, torch_threads)
    else:
        runner = _OnnxRunner(info.path, torch_threads, device)
    return YoloSegSegmenter(
        runner, info, min_score=min_score, max_detections=max_detections, iou_threshold=iou_threshold
    )


def problem(resolved: ResolvedBackend) -> str | None:
    """What is wrong with running this backend on ``resolved``'s file, and how to fix it; cheap
    (reads the file's metadata, loads no model)."""
    try:
        if not resolved.explicit:
            raise WeightsUnavailable(NO_FILE)
        info = check_file(resolved.weights_file)
        module = "ai_edge_litert" if info.format == "tflite" else "onnxruntime"
        import importlib.util

        if importlib.util.find_spec(module) is None:
            package = "ai-edge-litert" if info.format == "tflite" else "onnxruntime"
            raise RuntimeUnavailable(f"{info.path} needs the {package} package: pip install -r requirements.txt")
    except WeightsUnavailable as exc:
        return str(exc)
    return None
