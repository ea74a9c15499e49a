"""Shared fixtures: where the real assets are, and a real model for in-process tests."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Property tests: by default each run checks the same examples (derandomized), so a red run is a
# regression anyone can reproduce, not a new random draw; nor is slow data generation on a
# loaded machine a failure. HYPOTHESIS_PROFILE=explore draws new examples every run, to hunt.
hypothesis_settings.register_profile("repeatable", derandomize=True, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.register_profile("explore", derandomize=False, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
PHOTOS = SHARED / "photos"
SSDLITE_WEIGHTS = SHARED / "models" / "ssdlite320_mobilenet_v3_large_coco-dequantized_int8.pth"
YOLO_TFLITE = SHARED / "models" / "yolo11n-seg_int8.tflite"
#: The model the app's tests run (as `make run` does): the YOLO11n-seg TFLite export (real COCO
#: masks) when it is on hand, else SSDLite (boxes only). Tests about boxes-only results name
#: SSDLITE_WEIGHTS themselves.
DEV_WEIGHTS = YOLO_TFLITE if YOLO_TFLITE.exists() else SSDLITE_WEIGHTS
#: ``Instances.model`` of DEV_WEIGHTS' results.
DEV_MODEL = "yolo_seg:yolo11n-seg_int8" if DEV_WEIGHTS == YOLO_TFLITE else "ssdlite320_mobilenet_v3_large"

BUS_PHOTO = PHOTOS / "000000252639.jpg"  # 3 buses, 10 cars, a truck, a person
ELEPHANT_PHOTO = PHOTOS / "000000054718.jpg"  # 4 elephants


def pytest_configure(config: pytest.Config) -> None:
    # The real assets are part of the test contract: fail loudly rather than skip.
    missing = [p for p in (SSDLITE_WEIGHTS, BUS_PHOTO, ELEPHANT_PHOTO) if not p.exists()]
    if missing:
        raise pytest.UsageError(f"Test assets missing (set SHARED_DIR): {', '.join(map(str, missing))}")
    # TEST_DATABASE=postgres: the run's database (and every stack's) on a throwaway PostgreSQL.
    from tests.pg import use_postgres_for_tests, wants_postgres

    if wants_postgres():
        config.add_cleanup(use_postgres_for_tests())


def jpeg_bytes(size: tuple[int, int] = (64, 48), color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG")
    return buffer.getvalue()
