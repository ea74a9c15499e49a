"""Fixtures for the segmentation tests: real assets, small test images and cached models.

Models are expensive on a 2-core CPU, so each is built once per session. Random-init Mask R-CNN
runs at a small working size with few proposals (``MASKRCNN_TEST_OVERRIDES``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
PHOTOS = SHARED / "photos"
SSDLITE_WEIGHTS = SHARED / "models" / "ssdlite320_mobilenet_v3_large_coco-dequantized_int8.pth"
BUS_PHOTO = PHOTOS / "000000252639.jpg"  # 3 buses, 10 cars
ELEPHANT_PHOTO = PHOTOS / "000000054718.jpg"  # 4 elephants
ANNOTATIONS = PHOTOS / "instances.json"

SSDLITE = "ssdlite320_mobilenet_v3_large"
FAIR = "sharpmask_multipathnet"
YOLO = "yolo_seg"
#: The real Ultralytics YOLO-seg exports on hand: NMS inside (TFLite, NHWC) and raw candidates
#: (ONNX, NCHW, class-aware NMS done by the backend).
YOLO_TFLITE = SHARED / "models" / "yolo11n-seg_int8.tflite"
YOLO_ONNX = SHARED / "models" / "yolov8n-seg_int8_320.onnx"
MASK_BACKENDS = ("maskrcnn_resnet50_fpn_v2", "maskrcnn_resnet50_fpn", FAIR)
#: Backends whose weights come from torchvision's weights API.
TORCHVISION_BACKENDS = ("maskrcnn_resnet50_fpn_v2", "maskrcnn_resnet50_fpn", SSDLITE)
#: Backends that build a random-init model (torch): the contract tests run on all of them.
ALL_BACKENDS = (*TORCHVISION_BACKENDS, FAIR)
#: Every registered backend, best first (YOLO-seg runs exported files only: real weights).
REGISTERED_BACKENDS = ("maskrcnn_resnet50_fpn_v2", "maskrcnn_resnet50_fpn", YOLO, SSDLITE, FAIR)

#: Small working size and few proposals: random-init Mask R-CNN in about a second per photo.
MASKRCNN_TEST_OVERRIDES: dict[str, Any] = dict(
    min_size=320, max_size=512, rpn_pre_nms_top_n_test=200, rpn_post_nms_top_n_test=50, box_detections_per_img=10
)
#: Random weights give near-uniform class scores (about 1/91 for SSDLite), so keep everything.
RANDOM_MIN_SCORE = {"maskrcnn_resnet50_fpn_v2": 0.05, "maskrcnn_resnet50_fpn": 0.05, SSDLITE: 0.0, FAIR: 0.0}
#: The FAIR pipeline's tiny CPU config at the Mask R-CNN tests' working size.
FAIR_TEST_OVERRIDES: dict[str, Any] = dict(config="tiny", min_size=320, max_size=512, detections_per_img=20)


def overrides_for(name: str) -> dict[str, Any]:
    if name == FAIR:
        return dict(FAIR_TEST_OVERRIDES)
    return dict(MASKRCNN_TEST_OVERRIDES) if name in MASK_BACKENDS else dict(detections_per_img=20)


@cache
def random_segmenter(name: str) -> Any:
    """A random-init segmenter for ``name`` on the CPU, built once per session."""
    from segmentation.registry import build_segmenter

    return build_segmenter(
        name, random_init=True, device="cpu", min_score=RANDOM_MIN_SCORE[name], **overrides_for(name)
    )


@cache
def real_ssdlite() -> Any:
    from segmentation.registry import build_segmenter

    return build_segmenter(SSDLITE, weights_path=str(SSDLITE_WEIGHTS), device="cpu", min_score=0.25)


@pytest.fixture(scope="session")
def ssdlite() -> Any:
    return real_ssdlite()


@pytest.fixture(scope="session")
def segmenter_factory() -> Callable[[str], Any]:
    return random_segmenter


@cache
def photo(path: Path = BUS_PHOTO) -> Image.Image:
    with Image.open(path) as image:
        return image.convert("RGB")


@cache
def coco_boxes(file_name: str, category: str) -> np.ndarray:
    """Annotated ``xyxy`` boxes of ``category`` in the shared COCO photo ``file_name``."""
    data = json.loads(ANNOTATIONS.read_text())
    image_id = next(im["id"] for im in data["images"] if im["file_name"] == file_name)
    cat_id = next(c["id"] for c in data["categories"] if c["name"] == category)
    boxes = [a["bbox"] for a in data["annotations"] if a["image_id"] == image_id and a["category_id"] == cat_id]
    xywh = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    return np.concatenate([xywh[:, :2], xywh[:, :2] + xywh[:, 2:]], axis=1)


def iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairwise IoU of ``xyxy`` boxes ``a (N, 4)`` and ``b (M, 4)`` -> ``(N, M)``."""
    a, b = np.asarray(a, dtype=np.float64)[:, None], np.asarray(b, dtype=np.float64)[None]
    inter_w = (np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0])).clip(0)
    inter_h = (np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1])).clip(0)
    inter = inter_w * inter_h
    area = lambda x: (x[..., 2] - x[..., 0]) * (x[..., 3] - x[..., 1])  # noqa: E731
    return inter / (area(a) + area(b) - inter)


@pytest.fixture
def empty_torch_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty ``$TORCH_HOME`` and no ``$SEGMENTER_WEIGHTS``: no weights anywhere."""
    home = tmp_path / "torch_home"
    monkeypatch.setenv("TORCH_HOME", str(home))
    monkeypatch.delenv("SEGMENTER_WEIGHTS", raising=False)
    yield home


def pytest_configure(config: pytest.Config) -> None:
    assets = (SSDLITE_WEIGHTS, YOLO_TFLITE, YOLO_ONNX, BUS_PHOTO, ELEPHANT_PHOTO, ANNOTATIONS)
    missing = [p for p in assets if not p.exists()]
    if missing:
        raise pytest.UsageError(f"segmentation test assets missing (set SHARED_DIR): {', '.join(map(str, missing))}")
